"""Optimistic locking (§C.11): the `version` field (stale → 400 VERSION_CONFLICT) and
`ETag`/`If-Match` (mismatch → 412); a refused write changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from kirjuri.api.versioning import check_version, etag, same_instant
from kirjuri.core.errors import KirjuriError
from tests.api.checks import assert_error
from tests.factories import Tenant

COMPANY = "/api/kirjuri-test/company"


def _current(wire: TestClient, tenant: Tenant) -> tuple[dict[str, object], str]:
    response = wire.get(COMPANY, headers=tenant.headers)
    assert response.status_code == 200
    return response.json(), response.headers["etag"]


def test_put_with_the_current_version(wire: TestClient, tenant: Tenant) -> None:
    company, tag = _current(wire, tenant)
    assert tag.startswith('W/"') and tag.endswith('"')
    response = wire.put(COMPANY, json={"name": "Uusi Oy", "version": company["version"]}, headers=tenant.headers)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert updated["name"] == "Uusi Oy"
    assert updated["version"] != company["version"]
    assert response.headers["etag"] != tag
    assert _current(wire, tenant) == (updated, response.headers["etag"])


def test_stale_version_is_400_and_writes_nothing(wire: TestClient, tenant: Tenant) -> None:
    company, _ = _current(wire, tenant)
    first = wire.put(COMPANY, json={"name": "Eka Oy", "version": company["version"]}, headers=tenant.headers)
    assert first.status_code == 200
    stale = wire.put(COMPANY, json={"name": "Toka Oy", "version": company["version"]}, headers=tenant.headers)
    assert_error(stale, 400, "VERSION_CONFLICT", "version")
    assert _current(wire, tenant)[0]["name"] == "Eka Oy"


def test_missing_version_is_required(wire: TestClient, tenant: Tenant) -> None:
    assert_error(wire.put(COMPANY, json={"name": "X"}, headers=tenant.headers), 400, "REQUIRED", "version")


def test_version_in_another_offset_is_the_same_instant(wire: TestClient, tenant: Tenant) -> None:
    company, _ = _current(wire, tenant)
    version = datetime.fromisoformat(str(company["version"]).replace("Z", "+00:00"))
    helsinki = version.astimezone(timezone(timedelta(hours=3))).isoformat()
    response = wire.put(COMPANY, json={"name": "Aika Oy", "version": helsinki}, headers=tenant.headers)
    assert response.status_code == 200, response.text


def test_if_match_mismatch_is_412_and_writes_nothing(wire: TestClient, tenant: Tenant) -> None:
    company, tag = _current(wire, tenant)
    headers = {**tenant.headers, "If-Match": 'W/"12345"'}
    response = wire.put(COMPANY, json={"name": "Ei Oy", "version": company["version"]}, headers=headers)
    assert_error(response, 412, "PRECONDITION_FAILED", "If-Match")
    assert _current(wire, tenant) == (company, tag)


@pytest.mark.parametrize("form", ["same", "strong", "star", "list"])
def test_if_match_that_matches_passes(wire: TestClient, tenant: Tenant, form: str) -> None:
    company, tag = _current(wire, tenant)
    header = {"same": tag, "strong": tag.removeprefix("W/"), "star": "*", "list": f'"1", {tag}'}[form]
    headers = {**tenant.headers, "If-Match": header}
    response = wire.put(COMPANY, json={"name": "Kyllä Oy", "version": company["version"]}, headers=headers)
    assert response.status_code == 200, response.text


def test_an_etag_goes_stale_after_a_write(wire: TestClient, tenant: Tenant) -> None:
    company, tag = _current(wire, tenant)
    updated = wire.put(COMPANY, json={"name": "A", "version": company["version"]}, headers=tenant.headers).json()
    headers = {**tenant.headers, "If-Match": tag}
    assert_error(wire.put(COMPANY, json={"name": "B", "version": updated["version"]}, headers=headers), 412)


def test_etag_is_stable_per_instant() -> None:
    moment = datetime(2026, 4, 1, 12, 0, 0, 123456, tzinfo=UTC)
    assert etag(moment) == etag(moment.astimezone(timezone(timedelta(hours=2))))
    assert etag(moment) != etag(moment + timedelta(microseconds=1))
    assert etag(moment) == f'W/"{int(moment.timestamp()) * 1_000_000 + 123456}"'


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2026, 1, 1, 14, tzinfo=timezone(timedelta(hours=2))), True),
        (datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2026, 1, 1, 12), True),  # naive is read as UTC
        (datetime(2026, 1, 1, 12, tzinfo=UTC), datetime(2026, 1, 1, 12, 0, 0, 1, tzinfo=UTC), False),
    ],
)
def test_same_instant(a: datetime, b: datetime, same: bool) -> None:
    assert same_instant(a, b) is same
    assert same_instant(b, a) is same


def test_check_version_rules() -> None:
    now = datetime(2026, 4, 1, tzinfo=UTC)
    check_version(now, now, required=True)
    check_version(now, None, required=False)
    with pytest.raises(KirjuriError) as missing:
        check_version(now, None, required=True, field="invoiceVersion")
    assert (missing.value.code, missing.value.field) == ("REQUIRED", "invoiceVersion")
    with pytest.raises(KirjuriError) as stale:
        check_version(now, now - timedelta(seconds=1), required=False)
    assert (stale.value.code, stale.value.status, stale.value.field) == ("VERSION_CONFLICT", 400, "version")
