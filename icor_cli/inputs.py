"""Text and dates as they come in from flags, prompts and imported files, cleaned.

Every value a write command stores passes through ``clean_text`` (or ``clean_notes``):
trimmed, NFC-normalised, inner whitespace runs collapsed to one space, so no write can
add a ``hygiene`` warning the registry did not have. What cleaning cannot fix (a control
or invisible character) is refused as a usage error (exit 2). No I/O here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from icor_cli.errors import UsageError
from icor_cli.unicodesets import BIDI_CONTROL, DEFAULT_IGNORABLE_CODE_POINT

# Whitespace a person does not mean: runs of spaces, tabs and the odd spaces (no-break,
# ideographic...) that copy-paste brings; all become one plain space.
_SPACE_RUN = re.compile(r"[ \t\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# The characters ``validate`` reports as control or invisible (its hygiene check), and
# the line feed (single-line values are checked for line breaks first).
_CONTROL = re.compile(
    f"[\\x00-\\x08\\x0a-\\x1f\\x7f-\\x9f\\u2028\\u2029{DEFAULT_IGNORABLE_CODE_POINT}"
    f"{BIDI_CONTROL}]"
)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def shown(value: str) -> str:
    """A value quoted for a one-line message: line breaks and control characters escaped."""
    return repr(value)


def _refuse_control(value: str, what: str, allowed: str = "") -> None:
    found = _CONTROL.search(value.translate(dict.fromkeys(map(ord, allowed))))
    if found:
        raise UsageError(f"{what}: {shown(value)} contains control or invisible character "
                         f"U+{ord(found.group()):04X}; nothing written")


def _line(value: str) -> str:
    return _SPACE_RUN.sub(" ", value).strip()


def clean_text(value: str | None, what: str = "value") -> str | None:
    """One line of user input as stored: NFC, trimmed, inner whitespace runs collapsed;
    empty means not given. A control or invisible character is a usage error naming
    ``what`` (the option or column it came from)."""
    if value is None:
        return None
    value = _line(unicodedata.normalize("NFC", value))
    if "\n" in value or "\r" in value or "\u2028" in value:
        raise UsageError(f"{what}: {shown(value)} contains a line break (only notes may); "
                         "nothing written")
    _refuse_control(value, what)
    return value or None


def clean_notes(value: str | None, what: str = "--notes") -> str | None:
    """Notes may hold line breaks: each line cleaned as ``clean_text``, Windows line ends
    made plain, blank lines at the ends dropped."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value).replace("\r\n", "\n")
    lines = [_line(line) for line in text.split("\n")]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    cleaned = "\n".join(lines)
    _refuse_control(cleaned, what, allowed="\n")
    return cleaned or None


def parse_date(value: str, option: str) -> dt.date:
    """A ``YYYY-MM-DD`` value, or a usage error naming the option."""
    text = value.strip()
    try:
        if not _DATE.fullmatch(text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date (use YYYY-MM-DD)") from None
