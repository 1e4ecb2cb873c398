"""Fixtures of the OAuth2 tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from kirjuri.core import clock


@pytest.fixture()
def time_travel() -> Iterator[None]:
    """Lets a test move `clock.now()` forward; the wall clock is back afterwards."""
    clock.reset()
    yield
    clock.reset()
