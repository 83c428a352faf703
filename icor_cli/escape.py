"""Text from the registry, paths and arguments is data: this makes it safe to print.

``visible`` shows control characters as escapes (``\\x1b``, ``\\n``, ``\\u202e``), so
data never moves the cursor, recolours a terminal, reorders a line (bidirectional
overrides) or starts a new line that a line-oriented reader, such as GitHub's runner
looking for ``::error::``, could take as a command. ``excerpt`` bounds what a message
quotes of a value.
"""

from __future__ import annotations

import re

from icor_cli.unicodesets import BIDI_CONTROL

# C0 and C1 controls, DEL, line and paragraph separators, bidirectional controls, and the
# byte-order mark: what changes how a terminal or a log shows the text around it.
_UNSAFE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ufeff{BIDI_CONTROL}]")
# What ``visible`` escapes less the C0 controls, which JSON escapes itself inside strings
# (and whose line feeds and tabs outside strings are the JSON text's own layout).
_RAW_IN_JSON = re.compile(f"[\\x7f-\\x9f\\u2028\\u2029\\ufeff{BIDI_CONTROL}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
EXCERPT = 80  # characters of a value quoted in a message


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named is not None:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control, separator and bidirectional control escaped."""
    return _UNSAFE.sub(_escape, text)


def visible_keep_tabs(text: str) -> str:
    """``visible`` for table cells, where the layout turns tabs into spaces itself."""
    return _UNSAFE.sub(lambda m: m.group() if m.group() == "\t" else _escape(m), text)


def shorten(text: str, limit: int = EXCERPT) -> str:
    """At most ``limit`` characters of ``text``; an ellipsis marks the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt(value: object, limit: int = EXCERPT) -> str:
    """``value`` quoted as ``repr`` quotes it, at most ``limit`` characters of it, so a
    message stays short whatever the value."""
    return repr(shorten(value, limit)) if isinstance(value, str) else shorten(repr(value), limit)


def json_safe(encoded: str) -> str:
    """JSON text with the characters ``visible`` escapes written as ``\\uXXXX`` escapes,
    which mean the same to every JSON reader (the encoder leaves C1 controls, line
    separators and bidirectional controls raw)."""
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", encoded)


MESSAGE = 2000  # characters of one diagnostic line, whatever the values it quotes


def message(text: str) -> str:
    """One diagnostic line: control characters escaped, at most ``MESSAGE`` characters
    (a 100,000-letter argument quoted in full would bury the message)."""
    return shorten(visible(text), MESSAGE)
