"""The canonical TOML text: exactly what ``tomli_w.dumps`` writes, ten times faster.

tomli-w defines the canonical form. Its string formatter walks every character in
Python, which makes the ``format`` check and every write cost seconds on a registry of
100,000 members. This module renders the same bytes for the value types a registry holds
(tables, arrays, str, int, bool, date) and hands anything else to tomli-w itself;
``tests/test_canonical.py`` checks the two agree on arbitrary data.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

_NEEDS_ESCAPE = re.compile(r'[\x00-\x08\x0a-\x1f\x7f"\\]')
_COMPACT = {"\b": "\\b", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_INDENT = "    "


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _COMPACT.get(char) or f"\\u{ord(char):04x}"


def _string(text: str) -> str:
    if _NEEDS_ESCAPE.search(text) is None:
        return f'"{text}"'
    return f'"{_NEEDS_ESCAPE.sub(_escape, text)}"'


@lru_cache(maxsize=4096)
def _key(part: str) -> str:
    return part if _BARE_KEY.fullmatch(part) else _string(part)


def _literal(value: object, nest: int = 0) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)  # type: ignore[arg-type]
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is dt.date:
        return str(value)
    if kind is list:
        items: list[object] = value  # type: ignore[assignment]
        if not items:
            return "[]"
        if any(type(item) in (dict, list) for item in items):
            raise _Unsupported
        inner = _INDENT * (nest + 1)
        lines = ",\n".join(inner + _literal(item, nest + 1) for item in items)
        return f"[\n{lines},\n{_INDENT * nest}]"
    raise _Unsupported


def _without_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    return value


class _Unsupported(Exception):
    """A value this fast path does not render; tomli-w renders the whole document."""


def _table(table: Mapping[str, Any], name: str, out: list[str]) -> None:
    literals: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in table.items():
        kind = type(value)
        if value is None:
            continue
        if kind is str:
            literals.append(f"{_key(key)} = {_string(value)}\n")
        elif kind is dict:
            tables.append((key, value))
        else:
            literals.append(f"{_key(key)} = {_literal(value)}\n")
    yielded = False
    if name and (literals or not tables):
        yielded = True
        out.append(f"[{name}]\n")
    if literals:
        yielded = True
        out.extend(literals)
    for key, value in tables:
        if yielded:
            out.append("\n")
        yielded = True
        part = _key(key)
        _table(value, f"{name}.{part}" if name else part, out)


def dumps(data: Mapping[str, Any]) -> str:
    """``tomli_w.dumps(data)``, byte for byte; keys whose value is None are left out."""
    out: list[str] = []
    try:
        _table(data, "", out)
    except _Unsupported:
        import tomli_w

        return tomli_w.dumps(_without_none(data))
    return "".join(out)
