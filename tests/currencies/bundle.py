"""The bundled ECB history as the tests expect to find it in the database, read once per run."""

from __future__ import annotations

from kirjuri.core.codes import CURRENCY_CODES
from kirjuri.currencies import ecb, service

BUNDLE_FILE = ecb.read(service.bundled_file(), known=frozenset(CURRENCY_CODES))
BUNDLE = BUNDLE_FILE.rates
NEWEST = max(BUNDLE)
