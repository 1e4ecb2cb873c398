"""Personal identity codes stay out of logs, error bodies and URLs on the person endpoints.

Everything logged while the requests run is captured (`tests.logcapture`): every structlog event as
it was emitted (before the scrubbing processor masks identity codes — so the test fails if our code
logs one, even though production would mask it), every rendered line, and every record of the
standard library's logging (httpx prints the URL of each request there).
"""

from __future__ import annotations

import logging

import pytest
import structlog
from fastapi.testclient import TestClient

from tests.factories import Tenant
from tests.logcapture import Logs
from tests.partners.test_persons_api import HETU, create, link, variant

BAD_HETU = "131052-308U"  # wrong check character
SECRETS = (HETU, BAD_HETU, "131052308T", "131052308U", "131052")


def _assert_nowhere(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


def test_the_capture_sees_what_the_code_logs(logs: Logs, caplog: pytest.LogCaptureFixture) -> None:
    """The guard itself: an identity code logged on purpose is seen before the scrubbing masks it."""
    structlog.get_logger("probe").info("probe", value=HETU)
    logging.getLogger("probe").warning("stdlib %s", HETU)
    assert any(e.get("value") == HETU for e in logs.events)
    assert HETU in caplog.text
    assert HETU not in logs.rendered.getvalue()  # production output is scrubbed


def test_no_identity_code_in_logs_errors_or_urls(
    client: TestClient, tenant: Tenant, logs: Logs, caplog: pytest.LogCaptureFixture
) -> None:
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
    requests = logs.requests()
    assert len(requests) == 1 + len(refused) + 2 + 3 + 1 + 1  # every request was logged, and seen here
    for line in requests:
        _assert_nowhere(line["path"])
    assert "HTTP Request: POST http://testserver/api/persons" in caplog.text
    _assert_nowhere(logs.text(caplog))
