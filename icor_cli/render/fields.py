"""Tables of the columns chosen with ``--fields`` (``list``, ``search``, ``show``).

Every value is a ``rich.text.Text`` (never markup) with its control characters shown
escaped; the first long-text column among the chosen ones takes the width left and
wraps, so nothing is cut off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from icor_cli.escape import visible_keep_tabs
from icor_cli.render import console as make_console

if TYPE_CHECKING:
    from rich.text import Text

#: Columns that hold long text: the first one chosen wraps to fit the terminal.
_LONG = ("name", "name_en", "notes", "deactivation_reason", "country_name", "matched")


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _text(value: object) -> Text:
    from rich.text import Text

    return Text(visible_keep_tabs(_shown(value)))


def records_table(records: Iterable[Mapping[str, Any]], fields: Sequence[str],
                  noun: tuple[str, str] = ("member", "members")) -> None:
    """One row per record, one column per field, then a count line."""
    from rich.text import Text

    from icor_cli.render.columns import Column, render, widths

    console = make_console()
    flex = next((name for name in fields if name in _LONG), None)
    columns = [Column(name, flex=name == flex, min_width=12 if name == flex else 1)
               for name in fields]
    rows = [[_text(record.get(name)) for name in fields] for record in records]
    sizes, _ = widths(columns, rows, console.width)
    console.print(render(columns, rows, sizes), soft_wrap=True, end="")
    count = len(rows)
    console.print(Text(f"{count} {noun[0] if count == 1 else noun[1]}", style="dim"),
                  soft_wrap=True)


def record_table(record: Mapping[str, Any], fields: Sequence[str]) -> None:
    """One record, one field per line (``show --fields``)."""
    from icor_cli.render.columns import Column, render, widths

    console = make_console()
    rows = [[_text(name), _text(record.get(name))] for name in fields]
    for row in rows:
        row[0].stylize("bold")
    columns = [Column("field"), Column("value", flex=True, min_width=16)]
    sizes, _ = widths(columns, rows, console.width, gap=3)
    console.print(render(columns, rows, sizes, gap=3, header=False), soft_wrap=True, end="")
