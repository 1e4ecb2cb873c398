"""core.versions: which path prefix serves which API version (§A.2)."""

from __future__ import annotations

import pytest

from kirjuri.core import versions


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        ("", "26.04"),
        ("latest", "26.04"),
        ("supported", "26.04"),
        ("v2604", "26.04"),
        ("v9999", None),
        ("v2601", None),
        ("v2605", None),
        ("vabc", None),
        ("v26040", None),
        ("v264", None),
        ("2604", None),
        ("V2604", None),
        ("Latest", None),
        ("api", None),
        ("v", None),
    ],
)
def test_resolve(segment: str, expected: str | None) -> None:
    assert versions.resolve(segment) == expected


def test_latest_is_the_newest_supported() -> None:
    assert versions.LATEST == versions.SUPPORTED[-1] == "26.04"
    for version in versions.SUPPORTED:
        assert versions.resolve("v" + version.replace(".", "")) == version
