"""icor's one TOML lexer: findings point at the right line after every kind of string."""

from __future__ import annotations

import tomllib

import pytest
from conftest import FIXTURE
from hypothesis import given, settings
from hypothesis import strategies as st

from icor_cli.errors import RegistryInvalid
from icor_cli.store import build, parse
from icor_cli.tomlpos import Locator, comment_lines, key_positions

# Text that tries to confuse a lexer: quotes of every kind, comment signs, headers.
TRICKY = st.sampled_from(['"""', "'''", '"', "'", "#", "[members.x]", "\\", "a = 1", "\n",
                          '""', "''", "]", "[", "{", "=", " "])
CONTENT = st.lists(st.one_of(TRICKY, st.text(alphabet="abc xyz", max_size=4)),
                   max_size=6).map("".join)


def spell(value: str, style: int) -> str | None:
    """``value`` as a TOML string in one of five styles, or None if the style cannot
    hold it."""
    if style == 0:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    if style == 1 and "'" not in value and "\n" not in value:
        return f"'{value}'"
    if style == 2:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"""{escaped}"""'
    if style == 3 and "'''" not in value and not value.endswith("'"):
        return f"'''{value}'''"
    if style == 4:
        escaped = value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"""\n{escaped}"""'
    return None


MEMBER = st.tuples(CONTENT, st.integers(0, 4), CONTENT, st.integers(0, 4), st.booleans())


@settings(max_examples=150, deadline=None)
@given(members=st.lists(MEMBER, min_size=1, max_size=5), broken=st.integers(0, 4),
       comment=CONTENT)
def test_a_broken_value_is_reported_on_its_own_line(
    members: list[tuple[str, int, str, int, bool]], broken: int, comment: str
) -> None:
    lines = ['schema_version = 1', 'regions = ["Europe"]', "",
             "[organisation]", 'name = "X"', 'short_name = "X"', "founded = 2010-10-04", "",
             "[stated]", "active = 0", "inactive = 0", "total = 0", "countries = 0", ""]
    broken %= len(members)
    expected = 0
    for index, (notes, style, name, name_style, comment_after) in enumerate(members):
        notes_text = spell(notes, style) or spell(notes, 0)
        name_text = spell(name.strip() or "N", name_style) or spell(name.strip() or "N", 0)
        lines.append(f"[members.m{index}]")
        lines.append(f"notes = {notes_text}" +
                     (f" # {comment.replace(chr(10), ' ')}" if comment_after else ""))
        lines.append(f"abbreviation = {name_text}")
        lines.append(f'name = "Party {index}"')
        if index == broken:
            expected = sum(line.count("\n") + 1 for line in lines) + 1
            lines.append('country = "XX"')
        else:
            lines.append('country = "DE"')
        lines += ['region = "Europe"', 'status = "active"', "founding = false", ""]
    text = "\n".join(lines)
    data = parse(text, "r.toml")
    with pytest.raises(RegistryInvalid) as caught:
        build(data, text, "r.toml")
    country = [f for f in caught.value.findings if f.message.startswith(
        f"members.m{broken}.country")]
    assert country, caught.value.findings
    assert country[0].line == expected


def test_the_quick_lookup_agrees_with_the_full_scan() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    positions = key_positions(text)
    for path, position in positions.items():
        assert Locator(text).find(path) == position
    assert Locator(text).find(("members", "mlpd", "no-such-field")) == positions[
        ("members", "mlpd")]


@pytest.mark.parametrize(("text", "line"), [
    ("notes = '''Typed \"\"\" here'''\n[members.a]\nname = 1\n", 3),
    ('notes = """a\n[members.b]\nb = 1"""\n[members.a]\nname = 1\n', 5),
    ('x = """a\\"""" \n[members.a]\nname = 1\n', 3),
    ("x = '''a''''\n[members.a]\nname = 1\n", 3),
    ('x = [\n  "[members.a]",\n  """\nname = 2\n""",\n]\n[members.a]\nname = 1\n', 8),
    ('"members" . "a" . name = 1\n', 1),
    ('[ members . "a" ]\n  name = 1\n', 2),
    ('[members."a\\u0062"]\nname = 1\n', 2),
])
def test_keys_are_found_after_every_kind_of_string(text: str, line: int) -> None:
    tomllib.loads(text)  # the examples are valid TOML
    key = ("members", "ab" if "u0062" in text else "a", "name")
    assert Locator(text).find(key)[0] == line
    assert key_positions(text)[key][0] == line


def test_comments_are_found_outside_strings_only() -> None:
    text = ('a = "# not" # yes\nb = \'\'\'\n# not\n\'\'\' # yes\n# yes\n'
            'c = [\n  1, # yes\n  "#",\n]\n')
    tomllib.loads(text)
    assert [line for line, _ in comment_lines(text)] == [1, 4, 5, 7]


def test_a_long_document_is_scanned_in_linear_time() -> None:
    import time

    one = 'notes = """a\nb"""\nname = "x # y"\n'
    small, big = one * 2_000, one * 20_000
    started = time.perf_counter()
    key_positions(small)
    first = time.perf_counter() - started
    started = time.perf_counter()
    key_positions(big)
    second = time.perf_counter() - started
    assert second < first * 30  # ten times the input, far from a hundred times the time
