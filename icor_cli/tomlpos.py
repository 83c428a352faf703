"""Find where keys and tables stand in TOML text, so errors can name ``file:line:col``.

The parser (tomli) gives positions only for syntax errors. For schema errors we need the
line of a key such as ``members.mlpd.country``; this scanner maps each table header and
each ``key =`` line to its position. It only runs when there is something to report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

Position = tuple[int, int]  # 1-based line and column

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\\n]|\\.)*"'
_LITERAL = r"'[^'\n]*'"
_KEY_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY_PART}(?:\s*\.\s*{_KEY_PART})*"
_HEADER_RE = re.compile(rf"^(\s*)\[\[?\s*({_DOTTED})\s*\]\]?")
_KEY_RE = re.compile(rf"^(\s*)({_DOTTED})\s*=")
_PART_RE = re.compile(_KEY_PART)


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in _PART_RE.finditer(dotted):
        part = match.group(0)
        if part[0] == '"' and "\\" in part:
            part = _unescape(part)
        elif part[0] in "\"'":
            part = part[1:-1]
        parts.append(part)
    return tuple(parts)


def _unescape(quoted: str) -> str:
    import tomli

    try:
        return next(iter(tomli.loads(f"{quoted} = 0")))
    except tomli.TOMLDecodeError:
        return quoted[1:-1]


def key_positions(text: str) -> dict[tuple[str, ...], Position]:
    """Map every table path and key path in ``text`` to where it is written.

    Arrays of tables are not indexed (the registry format has none); keys inside inline
    tables and multi-line strings are skipped.
    """
    positions: dict[tuple[str, ...], Position] = {}
    table: tuple[str, ...] = ()
    in_multiline: str | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        if in_multiline is not None:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER_RE.match(line)
        if header:
            table = _split_key(header.group(2))
            positions.setdefault(table, (number, len(header.group(1)) + 1))
            continue
        key = _KEY_RE.match(line)
        if key:
            path = table + _split_key(key.group(2))
            positions.setdefault(path, (number, len(key.group(1)) + 1))
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.count(quote) % 2 == 1:
                    in_multiline = quote
                    break
    return positions


def locate(positions: dict[tuple[str, ...], Position], path: Sequence[str | int]) -> Position:
    """The position of ``path``, or of its nearest written ancestor, or the file's start."""
    keys = tuple(str(part) for part in path)
    while keys:
        if keys in positions:
            return positions[keys]
        keys = keys[:-1]
    return (1, 1)
