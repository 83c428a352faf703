"""Aligned columns for people: a bold header, a rule, then rows whose cells may span lines.

Cells are ``rich.text.Text``; a tab in one is shown as a space (its width would depend
on where the cell starts on the line, and throw the columns after it out of line).

``rich.table.Table`` lays out and renders each cell on its own (padding, measuring and
wrapping every one of them): about 70 ms for the 59 members, a quarter of ``icor list``.
The tables of ``list``, ``search`` and ``stats`` need less: every column but one (the
names) is as wide as its widest value, so widths come from ``cell_len`` of plain
strings, only the cells that do not fit are wrapped (by Rich, word by word), and the
table is printed as one ``Text`` in one pass. Colour, NO_COLOR and terminal detection
stay with the Rich console.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    #: Figures line up on the right, header included.
    right: bool = False


def _untab(rows: Sequence[Sequence[Text]]) -> None:
    for row in rows:
        for cell in row:
            if "\t" in cell.plain:
                cell.expand_tabs(1)  # each tab one space, styles kept


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
           width: int, gap: int = GAP) -> tuple[list[int], bool]:
    """Each column's width, and whether they fit in ``width`` with the flexible column at
    least ``min_width`` wide (if not, the caller may pick a narrower layout; a terminal
    too narrow even for that wraps the lines itself, so nothing is cut off)."""
    from rich.cells import cell_len

    _untab(rows)
    natural = [_natural(column, [row[index] for row in rows])
               for index, column in enumerate(columns)]
    rigid = sum(w for w, column in zip(natural, columns, strict=True) if not column.flex)
    room = width - rigid - gap * (len(columns) - 1)
    fits = room >= 0
    for index, column in enumerate(columns):
        if column.flex:
            fits = fits and room >= column.min_width
            least = max(column.min_width, cell_len(column.header), 2)  # 2: a wide character
            natural[index] = max(min(natural[index], room), least)
    return natural, fits


_WORDS = re.compile(r"\S+")
#: Inside a word too wide for its column: after a hyphen ("Marxist-" / "Leninist").
_HYPHEN = re.compile(r"(?<=-)(?=[^-])")


def _breaks(plain: str, width: int) -> list[int]:
    """Offsets at which to break one line of text into lines of at most ``width`` cells:
    between words; a word wider than ``width`` after its hyphens, else folded."""
    from rich.cells import cell_len

    offsets: list[int] = []
    used = 0  # cells on the current line
    end = 0  # where the previous word ended
    for word in _WORDS.finditer(plain):
        spaces = cell_len(plain[end:word.start()]) if used else 0
        end = word.end()
        size = cell_len(word.group())
        if used and used + spaces + size > width:
            offsets.append(word.start())
            used = spaces = 0
        if used + spaces + size <= width:
            used += spaces + size
            continue
        # Alone on its line and still too wide: hyphens, then characters.
        start = word.start()
        for part in _HYPHEN.split(word.group()):
            part_size = cell_len(part)
            if used and used + part_size > width:
                offsets.append(start)
                used = 0
            while part_size > width:
                cut, cells = start, 0
                while cells + cell_len(plain[cut]) <= width:
                    cells += cell_len(plain[cut])
                    cut += 1
                cut = max(cut, start + 1)  # a character wider than the column moves on
                if cut >= start + len(part):
                    break
                offsets.append(cut)
                part_size -= cell_len(plain[start:cut])
                part, start = plain[cut:start + len(part)], cut
            used += part_size
            start += len(part)
    return offsets


def _lines(cell: Text, width: int) -> list[Text]:
    from rich.cells import cell_len

    plain = cell.plain
    if "\n" not in plain and cell_len(plain) <= width:
        return [cell]  # the common case, and the cheap one
    lines = []
    for line in cell.split("\n"):
        for part in line.divide(_breaks(line.plain, width)):
            part.rstrip()
            lines.append(part)
    return lines


def _line(out: Text, pieces: Sequence[Text | None], columns: Sequence[Column],
          column_widths: Sequence[int], gap: int) -> None:
    pending = 0  # spaces owed to the left of the next non-empty piece
    for piece, column, width in zip(pieces, columns, column_widths, strict=True):
        if piece is not None and piece.plain:
            room = width - piece.cell_len
            out.append(" " * (pending + (room if column.right else 0)))
            out.append_text(piece)
            pending = 0 if column.right else room
        else:
            pending += width
        pending += gap
    out.append("\n")


def render(columns: Sequence[Column], rows: Sequence[Sequence[Text]],
           column_widths: Sequence[int], gap: int = GAP,
           breaks: Collection[int] = (), header: bool = True) -> Text:
    """The whole table as one ``Text``, with a blank line before each row index in
    ``breaks``; lines carry no trailing spaces."""
    from rich.text import Text

    _untab(rows)
    out = Text()
    if header:
        headers = [Text(column.header, style="bold") for column in columns]
        _line(out, headers, columns, column_widths, gap)
        out.append("─" * (sum(column_widths) + gap * (len(columns) - 1)) + "\n")
    for number, row in enumerate(rows):
        if number in breaks:
            out.append("\n")
        cells = [_lines(cell, w) for cell, w in zip(row, column_widths, strict=True)]
        for depth in range(max(len(lines) for lines in cells)):
            _line(out, [lines[depth] if depth < len(lines) else None for lines in cells],
                  columns, column_widths, gap)
    return out
