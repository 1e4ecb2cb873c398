"""Case-insensitive search folds every letter, not only ASCII, on both engines (`ilike`)."""

from __future__ import annotations

import pytest
from sqlalchemy import literal, select
from sqlalchemy.orm import Session


@pytest.mark.parametrize(
    ("text", "pattern", "found"),
    [
        ("Äänekosken Åke", "%ääneKOSKEN%", True),
        ("Öljy-Öhman", "%ÖLJY%", True),
        ("Åland", "åland", True),
        ("Äänekoski", "%aanekoski%", False),  # folding case is not removing accents
    ],
)
def test_ilike_folds_non_ascii_letters(db: Session, text: str, pattern: str, found: bool) -> None:
    assert db.execute(select(literal(text).ilike(pattern))).scalar_one() is found
