"""Developer portal pages (server-rendered with Jinja2) under /portal."""

from __future__ import annotations

from fastapi import APIRouter

from kirjuri.api.route import KirjuriRoute

router = APIRouter(route_class=KirjuriRoute, include_in_schema=False)
