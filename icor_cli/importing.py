"""Members from CSV, TSV, JSON or JSON Lines (what ``icor list`` writes) as one change.

Rows with an existing id update that member (a column left out keeps the field, an empty
cell or ``null`` removes an optional one); rows without an id, or with a new one, add a
member (ids derived as ``add`` derives them). Every row is checked; any bad row and the
whole import is refused, each bad row reported with its line number. Pure: text in,
``Change`` out; no I/O.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from icor_cli.changes import (
    Change,
    build_member,
    check_new_id,
    derive_id,
    validate_members,
)
from icor_cli.errors import UsageError
from icor_cli.models import Member, Registry

FORMATS = ("csv", "tsv", "json", "jsonl")
FIELDS = ("abbreviation", "name", "name_en", "country", "region", "status", "founding",
          "joined", "deactivated", "deactivation_reason", "notes")
OPTIONAL = ("name_en", "joined", "deactivated", "deactivation_reason", "notes")
_EXTENSIONS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".json": "json",
               ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass(frozen=True)
class Row:
    line: int
    values: dict[str, Any]


@dataclass
class Parsed:
    rows: list[Row]
    ignored: list[str] = field(default_factory=list)


class RowErrors(UsageError):
    """Bad rows: (line, message) each; nothing is written."""

    def __init__(self, errors: list[tuple[int, str]], total: int) -> None:
        self.errors = errors
        count = len(errors)
        super().__init__(f"{count} bad row{'s' * (count != 1)} of {total}; nothing written")


def detect_format(name: str, text: str) -> str:
    """From the file name's extension, else from the content."""
    from pathlib import PurePath

    by_name = _EXTENSIONS.get(PurePath(name).suffix.lower())
    if by_name:
        return by_name
    start = text.lstrip("\ufeff \t\r\n")[:1]
    if start == "[":
        return "json"
    if start == "{":
        return "jsonl"
    first = text.split("\n", 1)[0]
    return "tsv" if "\t" in first else "csv"


_TSV_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r", "\\": "\\"}


def _tsv_cell(cell: str) -> str:
    if "\\" not in cell:
        return cell
    out, i = [], 0
    while i < len(cell):
        char = cell[i]
        if char == "\\" and i + 1 < len(cell) and cell[i + 1] in _TSV_UNESCAPE:
            out.append(_TSV_UNESCAPE[cell[i + 1]])
            i += 2
        else:
            out.append(char)
            i += 1
    return "".join(out)


def _table_rows(lines: Iterator[tuple[int, list[str]]]) -> list[Row]:
    header: list[str] | None = None
    rows: list[Row] = []
    for line, cells in lines:
        if header is None:
            header = [cell.strip().lstrip("\ufeff") for cell in cells]
            continue
        if cells == [] or cells == [""]:
            continue
        if len(cells) != len(header):
            raise RowErrors([(line, f"{len(cells)} cells but the header has "
                                    f"{len(header)}")], 1)
        rows.append(Row(line, {key: (value if value != "" else None)
                               for key, value in zip(header, cells, strict=True)}))
    return rows


def _csv(text: str) -> list[Row]:
    import csv
    import io

    reader = csv.reader(io.StringIO(text, newline=""))

    def lines() -> Iterator[tuple[int, list[str]]]:
        start = 1
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1

    try:
        return _table_rows(lines())
    except csv.Error as error:
        raise RowErrors([(reader.line_num, f"not CSV: {error}")], 1) from None


def _tsv(text: str) -> list[Row]:
    return _table_rows(
        (number, [_tsv_cell(cell) for cell in line.rstrip("\r").split("\t")])
        for number, line in enumerate(text.split("\n"), 1)
        if line.strip() or number == 1
    )


def _objects(text: str) -> list[Row]:
    """A JSON array of objects (or one object), with each object's line."""
    decoder = json.JSONDecoder()
    rows: list[Row] = []

    def line_at(index: int) -> int:
        return text.count("\n", 0, index) + 1

    index = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    try:
        if text.startswith("[", index):
            index += 1
            while True:
                index = _skip(text, index)
                if text.startswith("]", index):
                    break
                value, end = decoder.raw_decode(text, index)
                rows.append(_object_row(line_at(index), value))
                index = _skip(text, end)
                if text.startswith(",", index):
                    index += 1
                elif not text.startswith("]", index):
                    raise UsageError(f"line {line_at(index)}: expected ',' or ']' in the "
                                     "JSON array")
        else:
            value, end = decoder.raw_decode(text, index)
            rows.append(_object_row(line_at(index), value))
    except json.JSONDecodeError as error:
        raise RowErrors([(error.lineno, f"not JSON: {error.msg}")], 1) from None
    return rows


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _object_row(line: int, value: object) -> Row:
    if not isinstance(value, dict):
        raise RowErrors([(line, "each row must be a JSON object")], 1)
    return Row(line, value)


def _jsonl(text: str) -> list[Row]:
    rows = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as error:
            raise RowErrors([(number, f"not JSON: {error.msg}")], 1) from None
        rows.append(_object_row(number, value))
    return rows


def parse(text: str, fmt: str) -> Parsed:
    rows = {"csv": _csv, "tsv": _tsv, "json": _objects, "jsonl": _jsonl}[fmt](text)
    known = {"id", *FIELDS}
    ignored = sorted({key for row in rows for key in row.values if key not in known})
    return Parsed(rows, ignored)


# --- values ----------------------------------------------------------------------------


def _text(key: str, value: object) -> str | None:
    from icor_cli.inputs import clean_notes, clean_text

    if value is None:
        return None
    if not isinstance(value, str):
        raise UsageError(f"{key}: expected text, got {json.dumps(value)}")
    return clean_notes(value, key) if key == "notes" else clean_text(value, key)


def _value(registry: Registry, key: str, value: object) -> Any:
    """A cell as the field's value (None: not set)."""
    from icor_cli.inputs import parse_date

    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if key == "founding":
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in ("true", "yes", "1"):
            return True
        if word in ("false", "no", "0"):
            return False
        raise UsageError(f"founding: {value!r} is not true or false")
    if key in ("joined", "deactivated"):
        if not isinstance(value, str):
            raise UsageError(f"{key}: expected a date YYYY-MM-DD")
        return parse_date(value, key)
    text = _text(key, value)
    if text is None:
        return None
    if key == "country":
        from icor_cli.countries import resolve_country

        return resolve_country(text)
    if key == "region":
        from icor_cli.query import resolve_region

        return resolve_region(registry, text)
    if key == "status":
        status = text.lower()
        if status not in ("active", "inactive"):
            raise UsageError(f"status: {text!r} is not active or inactive")
        return status
    return text


def _same(existing: object, raw: object) -> bool:
    """A cell that spells the field's current value (so a round trip changes nothing,
    even where cleaning would change an old value)."""
    if existing is None:
        return raw is None or (isinstance(raw, str) and raw == "")
    if isinstance(existing, bool):
        return raw == existing or (isinstance(raw, str) and raw == str(existing).lower())
    if isinstance(existing, dt.date):
        return raw == existing.isoformat()
    return raw == existing


def _updated(registry: Registry, member: Member, values: dict[str, Any]) -> Member:
    data = member.model_dump(exclude_none=True)
    for key in FIELDS:
        if key not in values or _same(getattr(member, key), values[key]):
            continue
        value = _value(registry, key, values[key])
        if value is None:
            if key not in OPTIONAL:
                raise UsageError(f"{key} is required and cannot be emptied")
            data.pop(key, None)
        else:
            data[key] = value
    return build_member(registry, data, options=None)


def _added(registry: Registry, members: dict[str, Member],
           values: dict[str, Any]) -> Member:
    from icor_cli.query import inferred_region

    data: dict[str, Any] = {}
    for key in FIELDS:
        if key in values:
            value = _value(registry, key, values[key])
            if value is not None:
                data[key] = value
    missing = [key for key in ("abbreviation", "name", "country") if key not in data]
    if missing:
        raise UsageError(f"a new member needs {', '.join(missing)}")
    if "region" not in data:
        current = registry.model_copy(update={"members": members})
        region = inferred_region(current, data["country"])
        if region is None:
            raise UsageError(f"region is needed ({data['country']} has no members, or "
                             "members in several regions)")
        data["region"] = region
    data.setdefault("status", "active")
    data.setdefault("founding", False)
    return build_member(registry, data, options=None)


def import_rows(registry: Registry, parsed: Parsed) -> Change:
    """Every row applied to ``registry`` as one change, or ``RowErrors`` naming each bad
    row by its line."""
    members = dict(registry.members)
    errors: list[tuple[int, str]] = []
    line_of: dict[str, int] = {}
    added: list[str] = []
    updated: list[str] = []
    for row in parsed.rows:
        if all(value is None for value in row.values.values()):
            continue  # a blank row
        try:
            raw_id = row.values.get("id")
            member_id = raw_id.strip() if isinstance(raw_id, str) else None
            if raw_id is not None and not isinstance(raw_id, str):
                raise UsageError("id: expected text")
            if member_id and member_id in line_of:
                raise UsageError(f"id {member_id!r} is also on line {line_of[member_id]}")
            if member_id and member_id in registry.members:
                new = _updated(registry, registry.members[member_id], row.values)
                if new != registry.members[member_id]:
                    members[member_id] = new
                    updated.append(member_id)
            else:
                current = registry.model_copy(update={"members": members})
                new = _added(registry, members, row.values)
                member_id = (check_new_id(current, member_id) if member_id
                             else derive_id(current, new.abbreviation, new.country))
                members[member_id] = new
                added.append(member_id)
            line_of[member_id] = row.line
        except UsageError as error:
            errors.append((row.line, str(error)))
    after = registry.model_copy(update={"members": members})
    changed = [*added, *updated]
    warnings: list[str] = []
    if changed:
        for member_id, (found, warned) in validate_members(registry, after, changed).items():
            errors.extend((line_of[member_id], f"{member_id}: {message}") for message in found)
            warnings.extend(f"line {line_of[member_id]}: {member_id}: {message}"
                            for message in warned)
    if errors:
        raise RowErrors(sorted(errors), len(parsed.rows))
    unchanged = len(parsed.rows) - len(changed)
    parts = [f"{len(added)} added", f"{len(updated)} updated", f"{unchanged} unchanged"]
    if parsed.ignored:
        warnings.append(f"ignored column{'s' * (len(parsed.ignored) != 1)} "
                        f"{', '.join(parsed.ignored)} (not member fields)")
    if not changed:
        return Change(registry, "", f"imported {len(parsed.rows)} rows: nothing changed",
                      changed=False, warnings=warnings)
    return Change(after, " ".join(added), "imported: " + ", ".join(parts), warnings=warnings)
