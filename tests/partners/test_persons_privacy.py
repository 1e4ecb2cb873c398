"""Personal identity codes stay out of logs, error bodies and URLs on the person endpoints.

Everything logged while the requests run is captured twice: every structlog event as it was
emitted (before the scrubbing processor masks identity codes — so the test fails if our code
logs one, even though production would mask it) and every rendered line, plus every record of
the standard library's logging (httpx prints the URL of each request there).
"""

from __future__ import annotations

import copy
import io
import logging
import sys
from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient

from kirjuri.api import errors as api_errors
from kirjuri.api import logging as api_logging
from kirjuri.api import middleware, route
from kirjuri.config import Settings
from tests.factories import Tenant
from tests.partners.test_persons_api import HETU, create, link, variant

BAD_HETU = "131052-308U"  # wrong check character
SECRETS = (HETU, BAD_HETU, "131052308T", "131052308U", "131052")


@dataclass
class Captured:
    events: list[dict[str, Any]] = field(default_factory=list)
    records: list[str] = field(default_factory=list)
    rendered: io.StringIO = field(default_factory=io.StringIO)

    def text(self) -> str:
        return "\n".join([*(repr(e) for e in self.events), *self.records, self.rendered.getvalue()])

    def requests(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("event") == "request"]


class _Records(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(f"{record.name} {record.getMessage()} {record.args!r} {record.exc_text or ''}")


@pytest.fixture()
def captured(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> Iterator[Captured]:
    found = Captured()

    def record_raw(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
        found.events.append(copy.deepcopy(dict(event)))
        return event

    original = sys.stdout
    sys.stdout = found.rendered
    records = _Records(found.records)
    try:
        api_logging.configure("DEBUG")
        processors = structlog.get_config()["processors"]
        # First in the chain: the event as the code emitted it, before any scrubbing.
        structlog.configure(processors=[record_raw, *processors], cache_logger_on_first_use=False)
        for module, name in ((middleware, "kirjuri.access"), (route, "kirjuri.route"), (api_errors, "kirjuri.errors")):
            monkeypatch.setattr(module, "log", structlog.get_logger(name))
        logging.getLogger().addHandler(records)
        yield found
    finally:
        logging.getLogger().removeHandler(records)
        sys.stdout = original
        api_logging.configure(settings.log_level)


def _assert_nowhere(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_the_capture_sees_what_the_code_logs(captured: Captured) -> None:
    """The guard itself: an identity code logged on purpose is seen before the scrubbing masks it."""
    structlog.get_logger("probe").info("probe", value=HETU)
    logging.getLogger("probe").warning("stdlib %s", HETU)
    assert any(e.get("value") == HETU for e in captured.events)
    assert any(HETU in r for r in captured.records)
    assert HETU not in captured.rendered.getvalue()  # production output is scrubbed


def test_no_identity_code_in_logs_errors_or_urls(client: TestClient, tenant: Tenant, captured: Captured) -> None:
    answers = []
    person = create(client, tenant)  # a valid HETU
    assert person["invoicingInfo"]["identifier"] == HETU  # the owner of the data gets it back
    person_id = person["id"]
    refused = [
        # An invalid HETU, one under the wrong type, one in the type field, one with a character
        # Windows-1252 lacks, one too long.
        variant({"invoicingInfo.identifier": BAD_HETU}),
        variant({"invoicingInfo.identifierType": "FI"}),
        variant({"invoicingInfo.identifierType": HETU}),
        variant({"invoicingInfo.identifier": f"{HETU} Ж"}),
        variant({"invoicingInfo.identifier": HETU * 8}),
        variant({"invoicingInfo.personNumber": HETU * 4}),
    ]
    for body in refused:
        answer = client.post("/api/persons", json=body, headers=tenant.headers)
        assert answer.status_code == 400, answer.text
        answers.append(answer)
    stale = variant({"version": "2020-01-01T00:00:00Z", "invoicingInfo.identifier": BAD_HETU})
    answers.append(client.put(f"/api/persons/{person_id}", json=stale, headers=tenant.headers))
    assert answers[-1].status_code == 400
    current = variant({"version": person["version"], "invoicingInfo.identifier": BAD_HETU})
    answers.append(client.put(f"/api/persons/{person_id}", json=current, headers=tenant.headers))
    assert answers[-1].status_code == 400

    for url in (
        "/api/persons",
        "/api/persons?personNumber=P-1&includeInactive=true",
        f"/api/persons/{person_id}",
    ):
        answer = client.get(url, headers=tenant.headers)
        assert answer.status_code == 200
        assert HETU in answer.text  # the register's own data, to a user with the right to read it
    assert link(client, tenant, person_id, tenant.user_id).status_code == 200
    assert HETU in client.get("/api/businesspartners/personaldetails", headers=tenant.headers).text

    for answer in answers:  # error bodies never echo the value
        _assert_nowhere(answer.text)
    requests = captured.requests()
    assert len(requests) == 1 + len(refused) + 2 + 3 + 1 + 1  # every request was logged, and seen here
    for line in requests:
        _assert_nowhere(line["path"])
    assert any("HTTP Request: POST http://testserver/api/persons" in r for r in captured.records)
    _assert_nowhere(captured.text())
