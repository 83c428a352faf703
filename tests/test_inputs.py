"""Input cleaning (icor_cli.inputs): what a write stores never carries a whitespace or
normalisation warning, cleaning twice changes nothing, and what cleaning cannot fix is a
usage error."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icor_cli.checks import text_problems
from icor_cli.errors import UsageError
from icor_cli.inputs import clean_notes, clean_text

# letters of several scripts, combining marks, and every kind of space a paste brings
ALPHABET = st.sampled_from(list("aZé\u0301ДжΩ \t\u00a0\u2003\u3000-.,'\"()"))
TEXT = st.text(alphabet=ALPHABET, max_size=30)


@given(TEXT)
def test_clean_text_leaves_nothing_to_warn_about(value: str) -> None:
    cleaned = clean_text(value)
    if cleaned is None:
        assert not value.split() and not value.strip(" \t\u00a0\u2003\u3000")
        return
    messages = [m for _, m in text_problems(cleaned)]
    assert not any("whitespace" in m or "NFC" in m for m in messages), messages
    assert unicodedata.is_normalized("NFC", cleaned)
    assert clean_text(cleaned) == cleaned


@given(st.lists(TEXT, max_size=4))
def test_clean_notes_keeps_lines_and_cleans_each(lines: list[str]) -> None:
    cleaned = clean_notes("\r\n".join(lines))
    if cleaned is None:
        return
    messages = [m for _, m in text_problems(cleaned, multiline=True)]
    assert not any("whitespace" in m or "NFC" in m or "control" in m for m in messages)
    assert clean_notes(cleaned) == cleaned


@pytest.mark.parametrize("value", ["a\x00b", "a\x1bb", "a\u202eb", "a\u200bb", "a\x7fb"])
def test_control_and_invisible_characters_are_refused(value: str) -> None:
    with pytest.raises(UsageError, match="control or invisible character"):
        clean_text(value, "--name")
    with pytest.raises(UsageError, match="control or invisible character"):
        clean_notes(value)


@pytest.mark.parametrize("value", ["a\nb", "a\rb", "a\u2028b"])
def test_line_breaks_are_refused_outside_notes(value: str) -> None:
    with pytest.raises(UsageError, match="line break"):
        clean_text(value, "--name")


def test_examples() -> None:
    assert clean_text("  Rode \t Morgen\u00a0 ") == "Rode Morgen"
    assert clean_text("Cafe\u0301") == "Café"
    assert clean_text("   ") is None
    assert clean_notes("one  \r\n\r\n  two\t three\n\n") == "one\n\ntwo three"
