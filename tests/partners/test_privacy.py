"""A personal identity code (HETU) given to the business-partner endpoints never reaches a log
line, an error body or a URL: not when searching by the `identifier` header, not when a write is
refused, not when it is stored.

Logs are captured raw — every structlog event as the code emitted it, before the scrubbing
processor masks identity codes (so the test fails if our code logs one even though production
would mask it) — plus every rendered line and every standard-library log record (caplog).
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import structlog
from fastapi.testclient import TestClient

from tests.factories import Tenant
from tests.logcapture import Logs
from tests.partners.partner_helpers import CUSTOMER, HETU, body, create

BAD_HETU = "131052-308U"  # the check character is wrong
TRACES = (HETU, BAD_HETU, "131052308T", "131052308U", HETU.lower())


def _assert_no_hetu(text: str) -> None:
    for trace in TRACES:
        assert trace not in text


def test_search_by_identifier_logs_no_hetu(
    client: TestClient, tenant: Tenant, logs: Logs, caplog: pytest.LogCaptureFixture
) -> None:
    partner = create(client, tenant, body(CUSTOMER, invoicingInfo={"identifierType": "HETU", "identifier": HETU}))
    for identifier, query in ((HETU, ""), (HETU.lower(), "?identifierType=HETU"), (BAD_HETU, "?identifierType=HETU")):
        answer = client.get(f"/api/businesspartners{query}", headers={**tenant.headers, "identifier": identifier})
        assert answer.status_code == 200
        assert [r["id"] for r in answer.json()["results"]] == ([] if identifier == BAD_HETU else [partner["id"]])
        assert identifier not in str(answer.url)
    requests = [e for e in logs.events if e.get("event") == "request"]
    assert len(requests) == 4  # the write and the three searches were logged …
    _assert_no_hetu(logs.text(caplog))  # … without the code


@pytest.mark.parametrize(
    "sent",
    [
        body(CUSTOMER, invoicingInfo={"identifierType": "HETU", "identifier": BAD_HETU}),
        body(CUSTOMER, invoicingInfo={"identifierType": "FI", "identifier": HETU}),
        body(CUSTOMER, invoicingInfo={"identifier": HETU}),
        body(CUSTOMER, invoicingInfo={"identifierType": "HETU", "identifier": HETU, "email": "x"}),
        body(CUSTOMER, invoicingInfo={"identifierType": "HETU", "identifier": HETU * 10}),
        body(CUSTOMER, name="Ж", invoicingInfo={"identifierType": "HETU", "identifier": HETU}),
        body(CUSTOMER, additionalInfo={"parentCompanyIdType": "HETU", "parentCompanyId": BAD_HETU}),
    ],
)
def test_refused_writes_echo_and_log_no_hetu(
    client: TestClient, tenant: Tenant, logs: Logs, caplog: pytest.LogCaptureFixture, sent: dict[str, Any]
) -> None:
    answer = client.post("/api/businesspartners", json=sent, headers=tenant.headers)
    assert answer.status_code == 400
    _assert_no_hetu(answer.text)
    created = create(client, tenant)
    patch = copy.deepcopy(sent["invoicingInfo"]) if "invoicingInfo" in sent else {}
    patched = client.patch(
        f"/api/businesspartners/{created['id']}",
        json={"invoicingInfo": patch, "name": sent["name"], "version": created["version"]},
        headers=tenant.headers,
    )
    assert patched.status_code in (200, 400)
    _assert_no_hetu(patched.text if patched.status_code == 400 else "")
    assert [e for e in logs.events if e.get("event") == "request"]
    _assert_no_hetu(logs.text(caplog))


def test_the_scrubbing_would_not_hide_a_raw_event(logs: Logs, caplog: pytest.LogCaptureFixture) -> None:
    """The capture sees what the code logs before masking: a logged HETU would fail the tests above."""
    structlog.get_logger("kirjuri.test").info("leak", identifier=HETU)
    assert HETU in logs.text(caplog)
    assert HETU not in logs.rendered.getvalue()
