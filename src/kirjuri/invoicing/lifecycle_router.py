"""(being written)"""

from kirjuri.auth.dependencies import api_router

router = api_router()
