"""HTTP endpoints of MFA transaction results (§D.16)."""

from __future__ import annotations

from kirjuri.auth.dependencies import api_router

router = api_router()
