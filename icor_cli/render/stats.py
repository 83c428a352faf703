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

from icor_cli.escape import visible
from icor_cli.models import STATED_FIGURES
from icor_cli.render import console as make_console
from icor_cli.render.members import write_records

if TYPE_CHECKING:
    from rich.text import Text

    from icor_cli.stats import Stats, StatsRow

_COMPARED = STATED_FIGURES
FLAT_COLUMNS = (
    "row", "group", "label",
    "active", "stated_active", "inactive", "stated_inactive", "total", "stated_total",
    "countries", "stated_countries", "founding", "differs",
)
BAR_WIDTH = 12
GAP = 3  # between columns: the figures are short, and read better further apart
HEADINGS = ("Active", "Inactive", "Total", "Countries", "Founding")
SHORT_HEADINGS = ("Act", "Inact", "Tot", "Ctry", "Fnd")


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
    """Full headings and a bar per row where they fit; else no bar, then short headings,
    then one wrapped line per group. Figures are never cut."""
    from rich.text import Text

    from icor_cli.render.columns import Column, render, widths

    console = make_console()
    by_country = stats.by == "country"
    first = 2 if by_country else 1
    largest = max((row.total for row in stats.rows), default=0)
    rows: list[list[Text]] = []
    for row in [*stats.rows, stats.totals]:
        is_total = row is stats.totals
        cells = [Text(visible(row.label if not by_country or is_total else row.group),
                      style="bold" if is_total else "")]
        if by_country:
            cells.append(Text("" if is_total else visible(row.label)))
        cells.extend(_figure(row, name) for name in (*_COMPARED, "founding"))
        cells.append(Text("") if is_total else _bar(row, largest))
        rows.append(cells)

    # Country names wrap between words, never inside one.
    name_width = max([len("Name")] + [len(word) for cells in rows if by_country
                                      for word in cells[1].plain.split()])
    for headings, with_bar in ((HEADINGS, True), (HEADINGS, False), (SHORT_HEADINGS, False)):
        columns = [Column(stats.by.capitalize())]
        if by_country:
            columns.append(Column("Name", flex=True, min_width=name_width))
        columns += [Column(name, right=True) for name in headings]
        if with_bar:
            columns.append(Column(""))
        shown = [cells if with_bar else cells[:-1] for cells in rows]
        sizes, fits = widths(columns, shown, console.width, gap=GAP)
        if fits:
            console.print(render(columns, shown, sizes, gap=GAP, breaks={len(rows) - 1}),
                          soft_wrap=True, end="")
            break
    else:
        for cells in rows:
            line = Text.assemble(cells[0], ": ")
            if by_country and cells[1].plain:
                line.append_text(Text.assemble(cells[1], ": "))
            for position, name in enumerate(HEADINGS):
                line.append(f"{', ' if position else ''}{name.lower()} ")
                line.append_text(cells[first + position])
            console.print(line)
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
        console.print(Text(visible(note), style="dim"), soft_wrap=True)
