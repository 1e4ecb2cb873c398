"""core.ids: batch id lists (§C.5) and secrets."""

from __future__ import annotations

import pytest

from kirjuri.core.ids import INT32_MAX, INT64_MAX, MAX_BATCH_IDS, TooManyIds, new_secret, parse_id_list, sha256_hex


@pytest.mark.parametrize(
    ("raw", "ids", "several"),
    [
        ("5", [5], False),
        ("3,1,x,3", [1, 3], True),
        ("100,101,102", [100, 101, 102], True),
        ("102,100,101,100", [100, 101, 102], True),
        (" 7 , 2 ", [2, 7], True),
        ("x", [], False),
        ("", [], False),
        ("0", [], False),
        ("-1", [], False),
        ("0,-1,2", [2], True),
        ("1.5,2", [2], True),
        ("1e3", [], False),
        ("+4", [], False),
        ("0x10", [], False),
        ("²", [], False),  # str.isdigit() says yes; int() says no
        ("٣", [], False),  # Arabic-Indic digit: not an id on the wire
        ("9" * 5000, [], False),  # too long for int() — skipped, not a crash
        (str(INT32_MAX), [INT32_MAX], False),
        (str(INT32_MAX + 1), [], False),
        ("5,", [5], True),
        (",", [], True),
    ],
)
def test_parse_id_list(raw: str, ids: list[int], several: bool) -> None:
    assert parse_id_list(raw) == (ids, several)


def test_int64_resources_take_a_larger_maximum() -> None:
    assert parse_id_list(str(INT32_MAX + 1), maximum=INT64_MAX) == ([INT32_MAX + 1], False)
    assert parse_id_list(str(INT64_MAX + 1), maximum=INT64_MAX) == ([], False)


def test_at_most_200_ids() -> None:
    assert MAX_BATCH_IDS == 200
    ids, several = parse_id_list(",".join(str(i) for i in range(1, 201)))
    assert ids == list(range(1, 201))
    assert several
    with pytest.raises(TooManyIds):
        parse_id_list(",".join(str(i) for i in range(1, 202)))
    # invalid ids count towards the limit too: it is about the request, not the matches
    with pytest.raises(TooManyIds):
        parse_id_list(",".join(["x"] * 201))


def test_new_secret_is_random_and_url_safe() -> None:
    secrets = {new_secret() for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert len(secret) >= 43
        assert all(c.isalnum() or c in "-_" for c in secret)
    assert len(new_secret(8)) == 11


@pytest.mark.parametrize(
    ("value", "digest"),
    [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ],
)
def test_sha256_hex(value: str, digest: str) -> None:
    assert sha256_hex(value) == digest
