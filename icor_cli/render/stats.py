"""``icor stats`` output: the same rows in every format.

JSON shape (documented in the README)::

    {"by": "region", "filtered": false, "stated_source": "...", "stated_as_of": null,
     "groups": [ROW, ...], "totals": ROW}

    ROW = {"group": "Asia", "label": "Asia", "active": 9, "inactive": 1, "total": 10,
           "countries": 7, "founding": 4, "stated": {"active": 9}, "differs": []}

JSON Lines: one ROW per line, each with ``"row": "group"`` or ``"row": "total"``.
CSV and TSV: one line per ROW, flat, with ``stated_*`` columns (empty where nothing is
stated) and ``differs`` as space-separated figure names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from icor_cli.render.members import table_console, write_records

if TYPE_CHECKING:
    from rich.text import Text

    from icor_cli.query import Stats, StatsRow

_COMPARED = ("active", "inactive", "total", "countries")
FLAT_COLUMNS = (
    "row", "group", "label",
    "active", "stated_active", "inactive", "stated_inactive", "total", "stated_total",
    "countries", "stated_countries", "founding", "differs",
)
BAR_WIDTH = 12


def row_record(row: StatsRow) -> dict[str, Any]:
    return {
        "group": row.group,
        "label": row.label,
        "active": row.active,
        "inactive": row.inactive,
        "total": row.total,
        "countries": row.countries,
        "founding": row.founding,
        "stated": dict(row.stated),
        "differs": row.differs,
    }


def stats_record(stats: Stats) -> dict[str, Any]:
    return {
        "by": stats.by,
        "filtered": stats.filtered,
        "stated_source": stats.stated_source,
        "stated_as_of": stats.stated_as_of,
        "groups": [row_record(row) for row in stats.rows],
        "totals": row_record(stats.totals),
    }


def _flat(row: StatsRow, kind: str) -> dict[str, Any]:
    record = row_record(row)
    flat: dict[str, Any] = {"row": kind}
    for key, value in record.items():
        if key != "stated":
            flat[key] = value
    for key in _COMPARED:
        flat[f"stated_{key}"] = row.stated.get(key)
    return flat


def render_stats(stats: Stats, fmt: str) -> None:
    if fmt == "table":
        _table(stats)
    elif fmt == "json":
        write_records([stats_record(stats)], (), "json", single=True)
    elif fmt == "jsonl":
        rows = [{"row": "group", **row_record(row)} for row in stats.rows]
        rows.append({"row": "total", **row_record(stats.totals)})
        write_records(rows, (), "jsonl")
    else:
        flat = [_flat(row, "group") for row in stats.rows]
        flat.append(_flat(stats.totals, "total"))
        write_records(flat, FLAT_COLUMNS, fmt)


def _figure(row: StatsRow, name: str) -> Text:
    """``9`` alone, ``9/9`` beside an equal stated figure, ``44/45 ≠`` where they differ."""
    from rich.text import Text

    actual = getattr(row, name)
    if name not in row.stated:
        return Text(str(actual))
    stated = row.stated[name]
    if actual == stated:
        return Text(f"{actual}/{stated}", style="green")
    return Text(f"{actual}/{stated} ≠", style="bold red")


def _bar(row: StatsRow, largest: int) -> Text:
    from rich.text import Text

    if largest <= 0 or row.total == 0:
        return Text("")
    length = max(round(BAR_WIDTH * row.total / largest), 1)
    active = min(round(BAR_WIDTH * row.active / largest), length)
    if row.active and not active:
        active = 1
    inactive = length - active
    bar = Text("█" * active, style="cyan")
    bar.append("░" * inactive, style="dim")
    return bar


def _table(stats: Stats) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, show_edge=False,
                  show_footer=False)
    table.add_column(stats.by.capitalize(), no_wrap=True)
    if stats.by == "country":
        table.add_column("Name", no_wrap=True)
    for name in ("Active", "Inactive", "Total", "Countries", "Founding"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    largest = max((row.total for row in stats.rows), default=0)
    for row in [*stats.rows, stats.totals]:
        is_total = row is stats.totals
        cells: list[Text] = [Text(row.label if stats.by == "region" or is_total else row.group,
                                  style="bold" if is_total else "")]
        if stats.by == "country":
            cells.append(Text("" if is_total else row.label))
        cells.extend(_figure(row, name) for name in (*_COMPARED, "founding"))
        cells.append(Text("") if is_total else _bar(row, largest))
        table.add_row(*cells, end_section=row is stats.rows[-1] if stats.rows else False)
    console = table_console()
    console.print(table)
    notes = []
    stated_shown = any(row.stated for row in [*stats.rows, stats.totals])
    if stated_shown:
        notes.append("a/b = actual/stated, ≠ where they differ")
    if stats.filtered:
        notes.append("filtered: stated totals describe the whole registry and are not shown")
    if stated_shown and stats.stated_source:
        notes.append(f"stated: {stats.stated_source}"
                     + (f" as of {stats.stated_as_of}" if stats.stated_as_of else ""))
    for note in notes:
        console.print(Text(note, style="dim"))
