"""Members on stdout: Rich tables for people, JSON, JSON Lines, CSV and TSV for scripts.

Machine formats are written with the standard library only (no Rich import), contain no
escape codes and are never wrapped or truncated. Tables render every value as
``rich.text.Text``, so data such as ``[Red Wedge]`` is never read as console markup.

``ICOR_FORCE_TERMINAL=1`` makes output behave as on a terminal (``table`` by default, a
Rich console of ``COLUMNS`` width, 100 if unset); the golden-file tests use it.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from icor_cli.escape import json_safe, visible
from icor_cli.escape import visible_keep_tabs as shown
from icor_cli.models import MEMBER_COLUMNS, OUTPUT_FORMATS
from icor_cli.render import console as make_console
from icor_cli.render import stdout_is_terminal

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from icor_cli.models import Member
    from icor_cli.render.columns import Column
    from icor_cli.search import Hit

FORMATS = OUTPUT_FORMATS

SEARCH_COLUMNS = (*MEMBER_COLUMNS, "matched", "match")

Record = dict[str, Any]


def default_format() -> str:
    """``table`` for a person at a terminal, ``tsv`` for a pipe or a file."""
    return "table" if stdout_is_terminal() else "tsv"


# --- Records -----------------------------------------------------------------------------

def member_record(member_id: str, member: Member) -> Record:
    """A member as JSON-ready data: ``id`` plus every field (unset ones as null), dates as
    ``YYYY-MM-DD``."""
    return {
        "id": member_id,
        "abbreviation": member.abbreviation,
        "name": member.name,
        "name_en": member.name_en,
        "country": member.country,
        "region": member.region,
        "status": member.status,
        "founding": member.founding,
        "joined": member.joined.isoformat() if member.joined else None,
        "deactivated": member.deactivated.isoformat() if member.deactivated else None,
        "deactivation_reason": member.deactivation_reason,
        "notes": member.notes,
    }


def hit_record(hit: Hit) -> Record:
    record = member_record(hit.member_id, hit.member)
    record["matched"] = hit.matched
    record["match"] = hit.match
    return record


# --- Machine formats ---------------------------------------------------------------------

def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return " ".join(str(item) for item in value)
    return str(value)


_CSV_QUOTE = re.compile(r'[,"\r\n]|^:')


def _csv_field(value: str) -> str:
    """RFC 4180: a field holding a comma, a quote, CR or LF is quoted (the csv module
    quotes a bare CR only when it ends lines with CRLF). A field starting with ``:`` is
    quoted too, so no line of the output can start a GitHub workflow command."""
    if _CSV_QUOTE.search(value):
        return '"' + value.replace('"', '""') + '"'
    return value


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def write_records(
    records: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str, *,
    single: bool = False, header: bool = True,
) -> None:
    """Write records as they come (nothing is built in memory first):

    ``json``: an array with one compact object per line (or, when ``single``, one
    indented object); ``jsonl``: one object a line; ``csv``: RFC 4180 quoting, a header
    row; ``tsv``: a header row, with tab, newline, carriage return and backslash escaped
    as ``\\t``, ``\\n``, ``\\r`` and ``\\\\``. ``header=False`` leaves out the header
    row of csv and tsv."""
    out = sys.stdout
    write = out.write
    if fmt in ("csv", "tsv") and stdout_is_terminal():
        # A person reads it: control characters are shown, not acted on. Piped, they
        # are data and pass through (TSV escapes its own separators either way).
        records = ({key: visible(value) if isinstance(value, str) else value
                    for key, value in record.items()} for record in records)
    if fmt in ("json", "jsonl"):
        import json

        encode = json.JSONEncoder(ensure_ascii=False).encode

        def dumps(value: object) -> str:
            return json_safe(encode(value))
        if fmt == "jsonl":
            for record in records:
                write(dumps(record) + "\n")
        elif single:
            for record in records:
                write(json_safe(json.dumps(record, ensure_ascii=False, indent=2)) + "\n")
                break
        else:
            separator = "[\n"
            for record in records:
                write(separator + dumps(record))
                separator = ",\n"
            write("[]\n" if separator == "[\n" else "\n]\n")
    elif fmt == "csv":
        if header:
            write(",".join(map(_csv_field, columns)) + "\n")
        for record in records:
            write(",".join(_csv_field(_cell(record.get(column))) for column in columns) + "\n")
    elif fmt == "tsv":
        if header:
            write("\t".join(columns) + "\n")
        for record in records:
            write("\t".join(_cell(record.get(column)).translate(_TSV_ESCAPES)
                            for column in columns) + "\n")
    else:  # pragma: no cover - the CLI only passes known formats
        raise ValueError(fmt)
    out.flush()


# --- Tables ------------------------------------------------------------------------------

def _text(value: str | None, style: str = "") -> Text:
    from rich.text import Text

    return Text(shown(value or ""), style=style)


def _name_cell(member: Member) -> Text:
    from rich.text import Text

    cell = Text(shown(member.name))
    if member.name_en and member.name_en != member.name:
        cell.append("\n")
        cell.append(shown(member.name_en), style="dim")
    return cell


def _status_cell(member: Member) -> Text:
    return _text(member.status, "green" if member.status == "active" else "red")


def _count_line(count: int, singular: str, plural: str) -> Text:
    return _text(f"{count} {singular if count == 1 else plural}", "dim")


WIDE = 100
NARROW = 70


def _member_cell(member_id: str, member: Member) -> Text:
    """Id, abbreviation and country on one line, the names below (narrow terminals)."""
    cell = _text("")
    cell.append(member_id, style="cyan")  # the id only: a Text's own style covers it all
    cell.append(shown(f"  {member.abbreviation}  {member.country}"))
    cell.append("\n")
    cell.append_text(_name_cell(member))
    return cell


def _member_columns(layout: str) -> list[Column]:
    """The columns that name a member: one stacked column when narrow."""
    from icor_cli.render.columns import Column

    if layout == "narrow":
        return [Column("Member", flex=True, min_width=6)]
    return [Column("ID"), Column("Abbreviation", max_width=14, min_width=6),
            Column("Name", flex=True, min_width=16), Column("Country")]


def _member_row(layout: str, member_id: str, member: Member) -> list[Text]:
    if layout == "narrow":
        return [_member_cell(member_id, member)]
    return [_text(member_id, "cyan"), _text(member.abbreviation), _name_cell(member),
            _text(member.country)]


def _print_table(console: Console, layouts: Sequence[str],
                 build: Callable[[str], tuple[list[Column], list[list[Text]]]]) -> str:
    """The first of ``layouts`` (widest first) whose columns fit the terminal; returns
    the layout printed."""
    from icor_cli.render.columns import render, widths

    for layout in layouts:
        columns, rows = build(layout)
        sizes, fits = widths(columns, rows, console.width)
        if fits:
            break
    # soft_wrap: the lines are laid out already; a terminal too narrow for even the last
    # layout wraps them itself rather than Rich cutting them.
    console.print(render(columns, rows, sizes), soft_wrap=True, end="")
    return layout


def members_table(items: Iterable[tuple[str, Member]]) -> None:
    """ID, abbreviation, name (English name below), country, region, status, founding.

    Where that does not fit (below 100 columns, or very long values) region is left out
    and founding members are marked ``★``; where that does not fit either (below 70) id,
    abbreviation, country and names share one column, so nothing is cut off."""
    from icor_cli.render.columns import Column

    console = make_console()
    members = list(items)

    def build(layout: str) -> tuple[list[Column], list[list[Text]]]:
        wide = layout == "wide"
        columns = _member_columns(layout)
        columns += [Column("Region"), Column("Status"), Column("Founding")] if wide \
            else [Column("Status")]
        rows = []
        for member_id, member in members:
            row = _member_row(layout, member_id, member)
            status = _status_cell(member)
            if wide:
                row += [_text(member.region), status, _text("yes" if member.founding else "")]
            else:
                if member.founding:
                    status.append(" ★", style="yellow")
                row.append(status)
            rows.append(row)
        return columns, rows

    layouts = [name for name, least in (("wide", WIDE), ("medium", NARROW))
               if console.width >= least] + ["narrow"]
    note = _count_line(len(members), "member", "members")
    layout = _print_table(console, layouts, build)
    if layout != "wide" and any(member.founding for _, member in members):
        note.append("; ★ founding member")
    console.print(note, soft_wrap=True)


def search_table(hits: Sequence[Hit]) -> None:
    """Like ``members_table`` plus the field that matched (and how); below 90 columns
    id, abbreviation, country, names and status share one column."""
    from icor_cli.render.columns import Column

    console = make_console()

    def build(layout: str) -> tuple[list[Column], list[list[Text]]]:
        narrow = layout == "narrow"
        columns = _member_columns(layout)
        if not narrow:
            columns.append(Column("Status"))
        columns.append(Column("Matched", max_width=14 if narrow else None))
        rows = []
        for hit in hits:
            member = hit.member
            row = _member_row(layout, hit.member_id, member)
            if narrow:
                row[0].append("\n")
                row[0].append_text(_status_cell(member))
            else:
                row.append(_status_cell(member))
            row.append(_text(f"{hit.matched} ({hit.match})",
                             "yellow" if hit.tier else "bold yellow"))
            rows.append(row)
        return columns, rows

    layouts = ["wide", "narrow"] if console.width >= NARROW + 20 else ["narrow"]
    _print_table(console, layouts, build)
    console.print(_count_line(len(hits), "match", "matches"), soft_wrap=True)


def member_table(member_id: str, member: Member) -> None:
    """Every field of one member, one per line; unset fields shown as ``-``. Where the
    values would be squeezed below 16 columns, each value goes under its field's name."""
    from icor_cli.countries import country_name
    from icor_cli.render.columns import Column, render, widths

    console = make_console()
    record = member_record(member_id, member)
    rows = []
    for key in MEMBER_COLUMNS:
        value = record[key]
        if key == "country":
            shown = f"{value} ({country_name(member.country)})"
        elif key == "founding":
            shown = "yes" if value else "no"
        else:
            shown = "-" if value is None else str(value)
        rows.append([_text(key, "bold"), _text(shown, "dim" if value is None else "")])
    columns = [Column("field"), Column("value", flex=True, min_width=16)]
    sizes, fits = widths(columns, rows, console.width, gap=3)
    if not fits:
        columns = [Column("field", flex=True)]
        for row in rows:
            row[0].append("\n")
            row[0].append_text(row.pop())
        sizes, _ = widths(columns, rows, console.width)
    console.print(render(columns, rows, sizes, gap=3, header=False),
                  soft_wrap=True, end="")
