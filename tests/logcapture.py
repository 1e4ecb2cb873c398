"""Log capture for tests that must prove something never reaches a log: every structlog event
raw, as the code emitted it (before the scrubbing processor), every rendered line on stdout, and
every standard-library record (caplog). The `logs` fixture (tests/conftest.py) installs it.
"""

from __future__ import annotations

import copy
import io
import sys
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import structlog

from kirjuri.api import errors as api_errors
from kirjuri.api import logging as api_logging
from kirjuri.api import middleware, route
from kirjuri.config import Settings


@dataclass
class Logs:
    events: list[dict[str, Any]] = field(default_factory=list)
    rendered: io.StringIO = field(default_factory=io.StringIO)

    def text(self, caplog: pytest.LogCaptureFixture) -> str:
        return "\n".join([*(repr(e) for e in self.events), self.rendered.getvalue(), caplog.text])

    def requests(self) -> list[dict[str, Any]]:
        """The access log's events, one per request."""
        return [e for e in self.events if e.get("event") == "request"]


def capture(monkeypatch: pytest.MonkeyPatch, settings: Settings, caplog: pytest.LogCaptureFixture) -> Iterator[Logs]:
    found = Logs()

    def raw(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        found.events.append(copy.deepcopy(dict(event)))
        return event

    original = sys.stdout
    sys.stdout = found.rendered
    caplog.set_level("DEBUG")
    try:
        api_logging.configure("DEBUG")
        processors = structlog.get_config()["processors"]
        structlog.configure(processors=[raw, *processors], cache_logger_on_first_use=False)
        for module, name in ((middleware, "kirjuri.access"), (route, "kirjuri.route"), (api_errors, "kirjuri.errors")):
            monkeypatch.setattr(module, "log", structlog.get_logger(name))
        yield found
    finally:
        sys.stdout = original
        api_logging.configure(settings.log_level)
