"""Where keys, tables and comments stand in TOML text, so findings can name
``file:line:col``.

The parser (tomli) gives positions only for syntax errors; schema and registry findings
need the line of a key such as ``members.mlpd.country``. This is icor's one TOML lexer:
``scan`` walks the text once, correct after every kind of string (basic, literal and
both multi-line kinds, with escapes and up to two quotes ending their content), arrays
and inline tables spanning lines, and comments. It runs only on text that already
parsed.

``Locator`` answers a few lookups without the full scan where that is safe: in a file
without multi-line strings, a line that starts with ``[`` names a table and a line
that starts with a key sets it, so one C-speed search per lookup finds it (validating
100,000 members with a few findings would otherwise spend most of its time scanning).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

Position = tuple[int, int]  # 1-based line and column

_BARE = r"[A-Za-z0-9_-]+"
_BASIC = r'"(?:[^"\\\n]|\\.)*"'
_LITERAL = r"'[^'\n]*'"
_KEY_PART = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY_PART}(?:[ \t]*\.[ \t]*{_KEY_PART})*"
_HEADER = re.compile(rf"([ \t]*)\[\[?[ \t]*({_DOTTED})[ \t]*\]\]?")
_KEY = re.compile(rf"([ \t]*)({_DOTTED})[ \t]*=")
# A whole `key = simple value` line in one match: most lines of a registry.
_SIMPLE_LINE = re.compile(
    rf"([ \t]*)({_DOTTED})[ \t]*=[ \t]*(?:{_BASIC}|{_LITERAL}|[^\s\"'#\[\]{{}},]+)"
    r"[ \t]*(?:#[^\n]*)?(?:\n|\Z)"
)
_PART = re.compile(_KEY_PART)
_TOKEN = re.compile(
    r'(""")|(\'\'\')|("(?:[^"\\\n]|\\.)*")|(\'[^\'\n]*\')|(#[^\n]*)|([\[{])|([\]}])|(\n)'
    r"|[^\"'#\[\]{}\n]+|[\"']"
)
_ML_BASIC_END = re.compile(r'(?:[^"\\]++|\\[\s\S]|"(?!""))*+"""(?:"{0,2})')
_ML_LITERAL_END = re.compile(r"(?:[^']++|'(?!''))*+'''(?:'{0,2})")


@dataclass(frozen=True, slots=True)
class Event:
    """A table header, a key, or a comment, where it is written."""

    kind: str  # "table" | "key" | "comment"
    path: tuple[str, ...]  # the full key path; () for comments
    line: int
    column: int


def _split_key(dotted: str) -> tuple[str, ...]:
    parts = []
    for match in _PART.finditer(dotted):
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


def scan(text: str) -> Iterator[Event]:
    """Every table header, key (outside inline tables) and comment of ``text``, in
    order."""
    pos, line, length = 0, 1, len(text)
    table: tuple[str, ...] = ()
    depth = 0  # open arrays and inline tables: their lines hold no headers or keys
    line_start = 0
    while pos < length:
        if pos == line_start and depth == 0:
            simple = _SIMPLE_LINE.match(text, pos)
            if simple:
                yield Event("key", table + _split_key(simple.group(2)), line,
                            len(simple.group(1)) + 1)
                if text.find("#", simple.end(2), simple.end()) >= 0:
                    comment = _comment_in(text, simple.end(2), simple.end())
                    if comment is not None:
                        yield Event("comment", (), line, comment - line_start + 1)
                pos = simple.end()
                if text[pos - 1 : pos] == "\n":
                    line += 1
                    line_start = pos
                continue
            header = _HEADER.match(text, pos)
            if header:
                table = _split_key(header.group(2))
                yield Event("table", table, line, len(header.group(1)) + 1)
                pos = header.end()
            else:
                key = _KEY.match(text, pos)
                if key:
                    yield Event("key", table + _split_key(key.group(2)), line,
                                len(key.group(1)) + 1)
                    pos = key.end()
        token = _TOKEN.match(text, pos)
        if token is None:  # cannot happen: the last alternatives match any character
            pos += 1
            continue
        kind = token.lastindex
        end = token.end()
        if kind in (1, 2):  # a multi-line string: find its end, count its lines
            closing = (_ML_BASIC_END if kind == 1 else _ML_LITERAL_END).match(text, end)
            end = closing.end() if closing else length
            newlines = text.count("\n", pos, end)
            if newlines:  # the string ends mid-line: no header or key can follow on it
                line += newlines
                line_start = text.rfind("\n", pos, end) + 1
        elif kind == 5:
            yield Event("comment", (), line, pos - line_start + 1)
        elif kind == 6:
            depth += 1
        elif kind == 7:
            depth = max(depth - 1, 0)
        elif kind == 8:
            line += 1
            line_start = end
        pos = end
    return


def _comment_in(text: str, start: int, end: int) -> int | None:
    """Where a comment starts between ``start`` and ``end`` (one line), if one does."""
    pos = start
    while pos < end:
        token = _TOKEN.match(text, pos)
        if token is None:
            return None
        if token.lastindex == 5:
            return pos
        pos = token.end()
    return None


def key_positions(text: str) -> dict[tuple[str, ...], Position]:
    """Every table path and key path in ``text``, mapped to where it is first written."""
    positions: dict[tuple[str, ...], Position] = {}
    for event in scan(text):
        if event.kind == "key":
            # A dotted key also writes the tables it passes through (`a.b.c = 1` is
            # where `a.b` is, if nothing wrote it before).
            path = event.path
            for end in range(len(path), 0, -1):
                if path[:end] in positions:
                    break
                positions[path[:end]] = (event.line, event.column)
        elif event.kind == "table":
            positions.setdefault(event.path, (event.line, event.column))
    return positions


def comment_lines(text: str) -> list[tuple[int, str]]:
    """(line number, whole line) for every line holding a comment: what rewriting the
    file in canonical form would drop."""
    lines = text.split("\n")
    seen: dict[int, str] = {}
    for event in scan(text):
        if event.kind == "comment":
            seen.setdefault(event.line, lines[event.line - 1].rstrip("\r"))
    return list(seen.items())


def locate(positions: dict[tuple[str, ...], Position], path: Sequence[str | int]) -> Position:
    """The position of ``path``, or of its nearest written ancestor, or the file's start."""
    keys = tuple(str(part) for part in path)
    while keys:
        if keys in positions:
            return positions[keys]
        keys = keys[:-1]
    return (1, 1)


def _bare(keys: Sequence[str]) -> bool:
    return all(_BARE_PART.fullmatch(key) for key in keys)


_BARE_PART = re.compile(_BARE)


class Locator:
    """Positions of key paths in one text, found lazily."""

    QUICK_LOOKUPS = 16  # past this many, one full scan is cheaper than more searches

    def __init__(self, text: str) -> None:
        self.text = text
        # Only without multi-line strings can a line's start be trusted without lexing.
        self._quick = '"""' not in text and "'''" not in text
        self._lookups = 0

    @cached_property
    def positions(self) -> dict[tuple[str, ...], Position]:
        return key_positions(self.text)

    def find(self, path: Sequence[str | int]) -> Position:
        keys = tuple(str(part) for part in path)
        self._lookups += 1
        if self._quick and self._lookups <= self.QUICK_LOOKUPS:
            found = self._quick_find(keys)
            if found is not None:
                return found
        return locate(self.positions, keys)

    def _position(self, offset: int, indent: int) -> Position:
        line = self.text.count("\n", 0, offset) + 1
        return line, indent + 1

    def _quick_find(self, keys: tuple[str, ...]) -> Position | None:
        """Found by plain substring search for the spelling ``icor fmt`` writes
        (``[members.id]``, ``key = ``); None when that spelling is not there."""
        text = self.text
        if not _bare(keys):
            return None
        for split in range(len(keys), -1, -1):
            table, rest = keys[:split], keys[split:]
            if table:
                header = f"[{'.'.join(table)}]\n"
                offset = 0 if text.startswith(header) else text.find("\n" + header) + 1
                if offset <= 0 and not text.startswith(header):
                    continue
                start = offset + len(header) - 1
                here = self._position(offset, 0)
            else:
                start, here = 0, None
            following = text.find("\n[", start)
            end = following if following >= 0 else len(text)
            if not rest:
                return here
            for size in range(len(rest), 0, -1):
                key = "\n" + ".".join(rest[:size]) + " ="
                found = text.find(key, start - 1 if start else 0, end)
                if found >= 0:
                    return self._position(found + 1, 0)
                if start == 0 and text.startswith(key[1:]):
                    return (1, 1)
            return None  # the table is there but not the key: let the full scan decide
        return None


def deep_place(text: str, max_depth: int, max_parts: int) -> tuple[str, int, int] | None:
    """The first place where arrays or inline tables nest deeper than ``max_depth``
    ("nesting"), or a key has more than ``max_parts`` parts ("key"), with its line and
    column; strings are skipped. Used only once the parser refused a file."""
    pos, line, line_start, depth, length = 0, 1, 0, 0, len(text)
    while pos < length:
        if pos == line_start:
            key = _HEADER.match(text, pos) or _KEY.match(text, pos)
            if key and len(_split_key(key.group(2))) > max_parts:
                return "key", line, len(key.group(1)) + 1
        token = _TOKEN.match(text, pos)
        if token is None:
            pos += 1
            continue
        kind, end = token.lastindex, token.end()
        if kind in (1, 2):
            closing = (_ML_BASIC_END if kind == 1 else _ML_LITERAL_END).match(text, end)
            end = closing.end() if closing else length
            if "\n" in text[pos:end]:
                line += text.count("\n", pos, end)
                line_start = text.rfind("\n", pos, end) + 1
        elif kind == 6:
            depth += 1
            if depth > max_depth:
                return "nesting", line, pos - line_start + 1
        elif kind == 7:
            depth = max(depth - 1, 0)
        elif kind == 8:
            line += 1
            line_start = end
        pos = end
    return None
