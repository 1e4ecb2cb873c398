"""`KirjuriRouter`: an APIRouter that says "not mine" to a request at once when no route of it can
match — without trying its routes one by one.

Why: the app includes some 30 routers (about 190 routes); a request is offered to each in turn,
and each tries every route of its own (a regular expression and FastAPI's bookkeeping per route):
about half a millisecond of CPU per request before the endpoint is even chosen.

Invariant: the quick answer is only ever "no match" and only when it is certain: every route path
of the router begins with a literal segment (`/invoices/{invoiceId}` → `invoices`), the router is
included under a prefix of at most one segment (the app's `/api`, or none), so a request path that
holds none of those segments at its first or second place cannot match any of its routes. A router
with a route whose path begins with a parameter is always asked in full.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.routing import Match
from starlette.types import Scope

from kirjuri.api.route import KirjuriRoute


class KirjuriRouter(APIRouter):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("route_class", KirjuriRoute)
        super().__init__(**kwargs)
        self._heads: frozenset[str] | None = None
        self._heads_of = -1  # the number of routes `_heads` was computed for

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        heads = self._first_segments()
        if heads:
            parts = scope.get("path", "").split("/", 3)  # "", first, second, rest
            if not (len(parts) > 1 and parts[1] in heads) and not (len(parts) > 2 and parts[2] in heads):
                return Match.NONE, {}
        return super().matches(scope)

    def _first_segments(self) -> frozenset[str]:
        """The literal first segments of the routes' paths; empty when one has none (a route
        starting with a parameter, or at the root) — then nothing is answered early."""
        if self._heads is None or self._heads_of != len(self.routes):
            heads: set[str] = set()
            for route in self.routes:
                first = (getattr(route, "path", "") or "").split("/", 2)[1:2]
                if not first or not first[0] or first[0].startswith("{"):
                    heads = set()
                    break
                heads.add(first[0])
            self._heads, self._heads_of = frozenset(heads), len(self.routes)
        return self._heads
