"""api.session: how many requests hold a database session at once — `db_concurrency`, and never
more than the connection pool holds; the others wait for a slot and are then served."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from kirjuri.config import Settings
from tests.api import wire_app


@pytest.mark.parametrize(
    ("concurrency", "pool", "overflow", "most"),
    [
        (2, 10, 20, 2),  # the setting bounds
        (50, 1, 2, 3),  # the pool bounds: a request never waits for a connection on a thread
    ],
)
def test_requests_holding_a_session_at_once_are_bounded(
    settings: Settings, concurrency: int, pool: int, overflow: int, most: int
) -> None:
    app = wire_app.build(
        settings.model_copy(update={"db_concurrency": concurrency, "db_pool_size": pool, "db_max_overflow": overflow})
    )
    wire_app.Holding.reset()
    with TestClient(app) as client, ThreadPoolExecutor(max_workers=8) as pool_of_callers:
        answers = list(pool_of_callers.map(lambda _: client.get("/api/kirjuri-test/hold"), range(8)))
    assert [answer.status_code for answer in answers] == [200] * 8
    assert wire_app.Holding.most == most
    app.state.engine.dispose()
