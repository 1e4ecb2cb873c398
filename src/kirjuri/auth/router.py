"""HTTP endpoints of the OAuth2 server under the API base (token, revocation)."""

from __future__ import annotations

from fastapi import APIRouter

from kirjuri.api.route import KirjuriRoute

router = APIRouter(route_class=KirjuriRoute, tags=["OAuth2"])
