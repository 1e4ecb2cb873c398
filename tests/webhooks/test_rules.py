"""Pure rules of webhooks, table-driven: receiver URLs, addresses, the retry schedule, secrets,
the push body."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from kirjuri.core.errors import KirjuriError
from kirjuri.webhooks import addresses, catalogue, rules, secretbox


@pytest.mark.parametrize(
    ("url", "sandbox", "error"),
    [
        ("https://hooks.example.com/x", False, None),
        ("https://hooks.example.com:8443/x?a=1", False, None),
        ("http://hooks.example.com/x", False, "WEBHOOK_URL_NOT_HTTPS"),
        ("http://hooks.example.com/x", True, None),
        ("HTTPS://Hooks.Example.com/x", False, None),
        ("ftp://hooks.example.com/x", True, "INVALID_URL"),
        ("hooks.example.com/x", True, "INVALID_URL"),
        ("https:///x", True, "INVALID_URL"),
        ("https://user:pw@hooks.example.com/x", True, "INVALID_URL"),
        ("https://hooks.example.com/x#frag", True, "INVALID_URL"),
        ("https://hooks.example.com:99999/x", True, "INVALID_URL"),
        ("https://hooks.example.com/a b", True, "INVALID_URL"),
        ("", True, "INVALID_URL"),
        ("https://h.example.com/" + "a" * 2000, True, "INVALID_URL"),
    ],
)
def test_check_url(url: str, sandbox: bool, error: str | None) -> None:
    if error is None:
        rules.check_url(url, sandbox=sandbox)
        return
    with pytest.raises(KirjuriError) as raised:
        rules.check_url(url, sandbox=sandbox)
    assert (raised.value.code, raised.value.status, raised.value.field) == (error, 400, "url")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("0.0.0.0", False),  # noqa: S104 - an address under test, nothing binds it
        ("169.254.169.254", False),  # cloud metadata
        ("100.64.0.1", False),  # carrier-grade NAT
        ("224.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("::ffff:127.0.0.1", False),
        ("::ffff:93.184.216.34", True),
        ("198.18.0.1", False),
        ("not-an-ip", False),
    ],
)
def test_is_public(address: str, public: bool) -> None:
    assert rules.is_public(address) is public


@pytest.mark.parametrize(
    ("url", "resolved", "sandbox", "error"),
    [
        ("https://a.example.com/", ["93.184.216.34"], False, None),
        ("https://a.example.com/", ["93.184.216.34", "10.0.0.1"], False, "WEBHOOK_URL_NOT_PUBLIC"),
        ("https://a.example.com/", ["10.0.0.1"], True, None),
        ("https://a.example.com/", [], True, "WEBHOOK_URL_UNRESOLVABLE"),
        ("https://127.0.0.1/", ["93.184.216.34"], False, "WEBHOOK_URL_NOT_PUBLIC"),  # literal: no lookup
        ("https://[::1]:8443/", [], False, "WEBHOOK_URL_NOT_PUBLIC"),
        ("http://127.0.0.1:8000/", [], True, None),
    ],
)
def test_checked_addresses(url: str, resolved: list[str], sandbox: bool, error: str | None) -> None:
    def resolver(_host: str, _port: int) -> list[str]:
        return resolved

    if error is None:
        assert addresses.checked(url, sandbox=sandbox, resolver=resolver)
        return
    with pytest.raises(KirjuriError) as raised:
        addresses.checked(url, sandbox=sandbox, resolver=resolver)
    assert raised.value.code == error and raised.value.field == "url"


@pytest.mark.parametrize(
    ("failed", "unit", "expected"),
    [
        (1, 0.5, timedelta(seconds=5)),
        (2, 0.5, timedelta(minutes=5)),
        (3, 0.5, timedelta(minutes=30)),
        (4, 0.5, timedelta(hours=2)),
        (5, 0.5, timedelta(hours=5)),
        (6, 0.5, timedelta(hours=10)),
        (7, 0.5, timedelta(hours=10)),
        (8, 0.5, None),
        (0, 0.5, None),
        (1, 0.0, timedelta(seconds=4.5)),
        (4, 0.0, timedelta(hours=1.8)),
        (4, 0.999999, timedelta(hours=2.2) - timedelta(hours=2) * 0.2 * 0.000001),
    ],
)
def test_retry_delay(failed: int, unit: float, expected: timedelta | None) -> None:
    assert rules.retry_delay(failed, unit) == expected


def test_schedule_spans_a_day() -> None:
    assert rules.MAX_ATTEMPTS == 8
    assert sum((d * (1 - rules.JITTER) for d in rules.RETRY_DELAYS), timedelta()) >= timedelta(hours=24)
    assert list(rules.RETRY_DELAYS) == sorted(rules.RETRY_DELAYS)


@pytest.mark.parametrize("code", [200, 201, 204, 299])
def test_success(code: int) -> None:
    assert rules.succeeded(code)


@pytest.mark.parametrize("code", [None, 100, 301, 302, 400, 410, 500, 503])
def test_failure(code: int | None) -> None:
    assert not rules.succeeded(code)


def test_subscriptions_and_filter() -> None:
    assert rules.check_subscriptions(["USER_UPDATED", "USER_UPDATED", "invoice.paid"]) == [
        "USER_UPDATED",
        "invoice.paid",
    ]
    with pytest.raises(KirjuriError) as raised:
        rules.check_subscriptions(["USER_UPDATED", "BOGUS"])
    assert raised.value.field == "subscriptions[1]"
    assert rules.check_subscriptions([catalogue.TRACKING_PERIOD_STATUS_UPDATED])
    with pytest.raises(KirjuriError) as raised:
        rules.check_filter_event_types(["USER_UPDATED", catalogue.TRACKING_PERIOD_STATUS_UPDATED])
    assert raised.value.field == "eventType[1]"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, None),
        ("whsec_" + base64.b64encode(b"k" * 24).decode(), "whsec_" + base64.b64encode(b"k" * 24).decode()),
        ("s3cr3t-shared-value", "whsec_" + base64.b64encode(b"s3cr3t-shared-value").decode()),
        ("short", "INVALID_SECRET"),
        ("x" * 201, "INVALID_SECRET"),
        (12345678, "INVALID_SECRET"),
        ("whsec_###", "INVALID_SECRET"),
        ("whsec_" + base64.b64encode(b"tiny").decode(), "INVALID_SECRET"),
    ],
)
def test_normalise_secret(given: object, expected: str | None) -> None:
    if expected == "INVALID_SECRET":
        with pytest.raises(KirjuriError) as raised:
            rules.normalise_secret(given)
        assert raised.value.field == "authenticationMeta.secret"
        return
    assert rules.normalise_secret(given) == expected


def test_push_body_is_the_contracts() -> None:
    at = datetime(2024, 5, 29, 16, 26, 40, 123000, tzinfo=UTC)
    body = json.loads(rules.push_body(event_type="USER_UPDATED", webhook_uuid="u", payload={"a": 1}, created_at=at))
    assert body == {
        "eventType": "USER_UPDATED",
        "webhookUuid": "u",
        "payload": {"a": 1},
        "meta": {"version": "1", "timestamp": 1717000000123},
    }


def test_secretbox_round_trip_and_wrong_key() -> None:
    secret = secretbox.generate()
    assert secret.startswith("whsec_") and len(base64.b64decode(secret[6:])) == 32
    token = secretbox.encrypt(secret, server_secret="one")
    assert secret not in token
    assert secretbox.decrypt(token, server_secret="one") == secret
    with pytest.raises(secretbox.SecretUnreadable):
        secretbox.decrypt(token, server_secret="two")
