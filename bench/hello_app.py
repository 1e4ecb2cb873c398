"""The ceiling of the benchmarks: the smallest FastAPI app, served exactly like Kirjuri.

Invariant: no middleware, no database, no dependencies — only what every FastAPI endpoint pays
(routing, response validation, JSON rendering). `/hello` is an `async def` endpoint (runs on the
event loop); `/hello-sync` is a `def` endpoint (one hop to the thread pool, as Kirjuri's
sync-SQLAlchemy endpoints). Both return a small JSON object about the size of a session info.
"""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

_BODY = {"companyId": 1, "name": "Demo Oy", "country": "FINLAND", "userId": 1, "userName": "Sanna Sandbox"}


@app.get("/hello")
async def hello() -> dict[str, object]:
    return _BODY


@app.get("/hello-sync")
def hello_sync() -> dict[str, object]:
    return _BODY
