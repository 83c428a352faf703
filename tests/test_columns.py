"""The aligned columns of member tables (``icor_cli.render.columns``): every value is shown
whole, in its column, within the terminal's width whenever the layout says it fits."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.text import Text

from icor_cli.render.columns import GAP, Column, render, widths

COLUMNS = [Column("ID"), Column("Abbreviation", max_width=8, min_width=6),
           Column("Name", flex=True, min_width=10), Column("Country")]

word = st.text(alphabet=string.ascii_letters + "-()", min_size=1, max_size=24)
value = st.lists(word, min_size=1, max_size=6).map(" ".join)
name = st.tuples(value, st.none() | value).map(
    lambda p: p[0] if p[1] is None else f"{p[0]}\n{p[1]}")
row = st.tuples(word, value, name, st.sampled_from(["DE", "TR", "IN"]))


def column_slices(line: str, sizes: list[int]) -> list[str]:
    starts = [sum(sizes[:i]) + GAP * i for i in range(len(sizes))]
    return [line[start:start + size] for start, size in zip(starts, sizes, strict=True)]


@settings(max_examples=300, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=8), width=st.integers(20, 160))
def test_values_stay_whole_and_in_their_columns(rows: list[tuple[str, ...]],
                                                width: int) -> None:
    cells = [[Text(v) for v in r] for r in rows]
    sizes, fits = widths(COLUMNS, cells, width)
    for values, row_cells in zip(rows, cells, strict=True):
        lines = render(COLUMNS, [row_cells], sizes).plain.splitlines()[2:]
        if fits:
            assert all(cell_len(line) <= width for line in lines)
        for index, original in enumerate(values):
            shown = "".join(column_slices(line.ljust(sum(sizes) + GAP * 3), sizes)[index]
                            for line in lines)
            # Wrapping moves words to the next line and folds words too long for the
            # column; no character is lost, added or moved to another column.
            assert shown.replace(" ", "") == original.replace(" ", "").replace("\n", "")


def test_layout_reports_when_the_columns_do_not_fit() -> None:
    cells = [[Text("a-very-long-identifier"), Text("ABC"), Text("Name"), Text("DE")]]
    assert widths(COLUMNS, cells, 80)[1]
    assert not widths(COLUMNS, cells, 40)[1]


def test_wide_characters_keep_columns_aligned() -> None:
    rows = [[Text("cpc"), Text("中共"), Text("中国共产党 中国共产党 中国共产党"), Text("CN")],
            [Text("kpd"), Text("KPD"), Text("Kommunistische Partei"), Text("DE")]]
    sizes, fits = widths(COLUMNS, rows, 40)
    assert fits
    lines = render(COLUMNS, rows, sizes).plain.splitlines()
    country_at = sum(sizes[:3]) + GAP * 3
    for line in lines[2:]:
        for code in ("CN", "DE"):
            if line.endswith(code):
                assert cell_len(line) - len(code) == country_at
    assert all(cell_len(line) <= 40 for line in lines)


def test_header_rule_and_no_trailing_spaces() -> None:
    rows = [[Text("x"), Text("Y"), Text("A name\nAn English name"), Text("DE")]]
    sizes, _ = widths(COLUMNS, rows, 100)
    lines = render(COLUMNS, rows, sizes).plain.splitlines()
    assert lines[0].split() == ["ID", "Abbreviation", "Name", "Country"]
    assert set(lines[1]) == {"─"} and len(lines[1]) == sum(sizes) + GAP * 3
    assert lines[3].strip() == "An English name"
    assert not any(line != line.rstrip() for line in lines)


def pieces(text: str, width: int) -> list[str]:
    from icor_cli.render.columns import _breaks

    offsets = _breaks(text, width)
    return [text[a:b] for a, b in zip([0, *offsets], [*offsets, len(text)], strict=True)]


def test_names_wrap_between_words_then_after_hyphens_then_anywhere() -> None:
    # A compound that fits on the next line moves there whole...
    assert pieces("Australia (Marxist-Leninist)", 20) == ["Australia ", "(Marxist-Leninist)"]
    # ...one wider than the column breaks after its hyphen...
    assert pieces("Marxistisch-Leninistische Partei", 20) == [
        "Marxistisch-", "Leninistische Partei"]
    # ...and a word with no hyphen is folded, by cells, not characters.
    assert pieces("abcdefghijklmnop", 6) == ["abcdef", "ghijkl", "mnop"]
    assert pieces("中国共产党", 4) == ["中国", "共产", "党"]


def test_a_tab_in_any_cell_is_one_space() -> None:
    """The renderer, not each caller, keeps tabs from throwing the columns out of line."""
    rows = [[Text("x"), Text("A\tB", style="bold"), Text("Tab\tname"), Text("DE")]]
    sizes, _ = widths(COLUMNS, rows, 100)
    line = render(COLUMNS, rows, sizes).plain.splitlines()[2]
    assert "\t" not in line
    assert [part.strip() for part in column_slices(line, sizes)] == [
        "x", "A B", "Tab name", "DE"]
    assert line.index("DE") == sum(sizes[:3]) + GAP * 3
