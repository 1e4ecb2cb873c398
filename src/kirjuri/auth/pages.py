"""Browser pages of the OAuth2 server at the host root: /login, /keylogin, /logout."""

from __future__ import annotations

from fastapi import APIRouter

from kirjuri.api.route import KirjuriRoute

router = APIRouter(route_class=KirjuriRoute, include_in_schema=False)
