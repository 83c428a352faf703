"""Aligned columns for people: a bold header, a rule, then rows whose cells may span lines.

Cells are ``rich.text.Text`` without tabs (a tab's width depends on where it falls).

``rich.table.Table`` lays out and renders each cell on its own (padding, measuring and
wrapping every one of them): about 70 ms for the 59 members, a quarter of ``icor list``.
Member tables need less: every column but the names is as wide as its widest value, so
widths come from ``cell_len`` of plain strings, only the cells that do not fit are wrapped
(by Rich, word by word), and the table is printed as one ``Text`` in one pass. Colour,
NO_COLOR and terminal detection stay with the Rich console.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

GAP = 2


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    #: Takes the width the other columns leave, down to ``min_width``; wraps.
    flex: bool = False
    #: Wraps above this width.
    max_width: int | None = None
    min_width: int = 1


def _natural(column: Column, cells: Sequence[Text]) -> int:
    from rich.cells import cell_len

    header = widest = cell_len(column.header)
    for cell in cells:
        plain = cell.plain
        widest = max(widest, *(cell_len(line) for line in plain.split("\n"))) \
            if "\n" in plain else max(widest, cell_len(plain))
    if column.max_width is not None:
        # Values wrap; the header never does.
        widest = min(widest, max(column.max_width, column.min_width, header))
    return widest


def widths(columns: Sequence[Column], rows: Sequence[Sequence[Text]],
           width: int) -> tuple[list[int], bool]:
    from rich.cells import cell_len

    """Each column's width, and whether they fit in ``width`` with the flexible column at
    least ``min_width`` wide (if not, the caller may pick a narrower layout; a terminal
    too narrow even for that wraps the lines itself, so nothing is cut off)."""
    natural = [_natural(column, [row[index] for row in rows])
               for index, column in enumerate(columns)]
    rigid = sum(w for w, column in zip(natural, columns, strict=True) if not column.flex)
    room = width - rigid - GAP * (len(columns) - 1)
    fits = room >= 0
    for index, column in enumerate(columns):
        if column.flex:
            fits = fits and room >= column.min_width
            least = max(column.min_width, cell_len(column.header), 2)  # 2: a wide character
            natural[index] = max(min(natural[index], room), least)
    return natural, fits


def _lines(console: Console, cell: Text, width: int) -> list[Text]:
    from rich.cells import cell_len

    plain = cell.plain
    if "\n" not in plain and cell_len(plain) <= width:
        return [cell]  # the common case, and the cheap one
    lines = list(cell.wrap(console, width))
    for line in lines:
        line.rstrip()
    return lines


def render(console: Console, columns: Sequence[Column], rows: Sequence[Sequence[Text]],
           column_widths: Sequence[int]) -> Text:
    """The whole table as one ``Text``; lines carry no trailing spaces."""
    from rich.text import Text

    out = Text()
    last = len(columns) - 1
    header = "".join(column.header.ljust(w + GAP) if i < last else column.header
                     for i, (column, w) in enumerate(zip(columns, column_widths, strict=True)))
    out.append(header, style="bold")
    out.append("\n" + "─" * (sum(column_widths) + GAP * last) + "\n")
    for row in rows:
        cells = [_lines(console, cell, w) for cell, w in zip(row, column_widths, strict=True)]
        for depth in range(max(len(lines) for lines in cells)):
            pending = 0  # spaces owed to the left of the next non-empty piece
            for index, lines in enumerate(cells):
                piece = lines[depth] if depth < len(lines) else None
                if piece is not None and piece.plain:
                    out.append(" " * pending)
                    out.append_text(piece)
                    pending = column_widths[index] - piece.cell_len
                else:
                    pending += column_widths[index]
                pending += GAP
            out.append("\n")
    return out
