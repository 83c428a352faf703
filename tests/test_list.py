"""``icor list``: filters, sorting, every output format, and the table (golden files)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE, Result

Run = Callable[..., Result]
GOLDEN = Path(__file__).parent / "golden"
MEMBER_KEYS = {"id", "abbreviation", "name", "name_en", "country", "region", "status",
               "founding", "joined", "deactivated", "deactivation_reason", "notes"}
#: A terminal-like Rich console of fixed width: what the golden files pin (escape codes
#: stripped, see ``plain``).
TERMINAL = {"ICOR_FORCE_TERMINAL": "1", "COLUMNS": "100", "TERM": "xterm-256color",
            "NO_COLOR": ""}
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def plain(text: str) -> str:
    return ANSI.sub("", text)


def shipped_members() -> dict[str, dict[str, Any]]:
    with FIXTURE.open("rb") as file:
        members: dict[str, dict[str, Any]] = tomllib.load(file)["members"]
    return members


def ids(result: Result) -> list[str]:
    assert result.exit_code == 0, result.stderr
    return [record["id"] for record in json.loads(result.stdout)]


def check_golden(name: str, text: str) -> None:
    """Compare with tests/golden/NAME; ICOR_UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN / name
    if os.environ.get("ICOR_UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def edit_registry(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- The acceptance checks, with the installed icor ------------------------------

def test_asia_json_length(registry_file: Path, icor: Run) -> None:
    assert len(ids(icor("list", "--region", "Asia", "--format", "json"))) == 10
    assert len(ids(icor("list", "--region", "Asia", "--status", "active", "-f", "json"))) == 9


def test_country_turkey_gives_the_five_turkish_organisations(
    registry_file: Path, icor: Run
) -> None:
    expected = sorted(i for i, m in shipped_members().items() if m["country"] == "TR")
    assert len(expected) == 5
    result = icor("list", "--country", "Turkey")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter="\t"))
    assert sorted(row[0] for row in rows[1:]) == expected


@pytest.mark.parametrize("fmt", ["tsv", "csv", "json", "jsonl"])
def test_piped_output_at_40_columns_holds_every_full_name(
    registry_file: Path, icor: Run, fmt: str
) -> None:
    result = icor("list", "--format", fmt, env={"COLUMNS": "40"})
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    for member in shipped_members().values():
        for key in ("name", "name_en"):
            if key in member:
                assert member[key] in result.stdout


def test_piped_default_is_tsv_with_header(registry_file: Path, icor: Run) -> None:
    result = icor("list", env={"COLUMNS": "40"})
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:4] == ["id", "abbreviation", "name", "name_en"]
    assert len(lines) == 60
    assert all(line.count("\t") == 11 for line in lines)
    assert result.stderr == ""


# --- Filters -----------------------------------------------------------------------------

@pytest.mark.parametrize("region", ["Asia", "asia", "ASIA", " asia "])
def test_region_is_case_insensitive(registry_file: Path, invoke: Run, region: str) -> None:
    assert len(ids(invoke("list", "--region", region, "-f", "json"))) == 10


def test_region_is_repeatable(registry_file: Path, invoke: Run) -> None:
    found = ids(invoke("list", "--region", "asia", "--region", "Australia", "-f", "json"))
    assert len(found) == 11
    assert "cpa-ml" in found


@pytest.mark.parametrize(
    ("country", "code"),
    [("TR", "TR"), ("tr", "TR"), ("Turkey", "TR"), ("Türkiye", "TR"), ("TURKIYE", "TR"),
     ("Ivory Coast", "CI"), ("Côte d'Ivoire", "CI"), ("USA", "US"), ("United States", "US"),
     ("Czech Republic", "CZ"), ("Czechia", "CZ"), ("Germany", "DE")],
)
def test_country_by_code_or_name(
    registry_file: Path, invoke: Run, country: str, code: str
) -> None:
    result = invoke("list", "--country", country, "-f", "json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    expected = [i for i, m in shipped_members().items() if m["country"] == code]
    assert expected
    assert sorted(r["id"] for r in records) == sorted(expected)
    assert {r["country"] for r in records} == {code}


def test_country_is_repeatable(registry_file: Path, invoke: Run) -> None:
    found = ids(invoke("list", "--country", "TR", "--country", "Bulgaria", "-f", "json"))
    assert len(found) == 7


def test_country_without_members_is_empty_not_an_error(registry_file: Path, invoke: Run) -> None:
    assert ids(invoke("list", "--country", "Japan", "-f", "json")) == []


@pytest.mark.parametrize(("status", "count"),
                         [("active", 57), ("inactive", 2), ("all", 59), ("INACTIVE", 2)])
def test_status(registry_file: Path, invoke: Run, status: str, count: int) -> None:
    records = json.loads(invoke("list", "--status", status, "-f", "json").stdout)
    assert len(records) == count
    if status.lower() != "all":
        assert {r["status"] for r in records} == {status.lower()}


def test_founding_and_not(registry_file: Path, invoke: Run) -> None:
    founding = json.loads(invoke("list", "--founding", "-f", "json").stdout)
    later = json.loads(invoke("list", "--no-founding", "-f", "json").stdout)
    assert all(r["founding"] for r in founding)
    assert not any(r["founding"] for r in later)
    assert len(founding) + len(later) == 59
    expected = sum(1 for m in shipped_members().values() if m["founding"])
    assert len(founding) == expected


def test_filters_combine(registry_file: Path, invoke: Run) -> None:
    records = json.loads(invoke("list", "--region", "europe", "--country", "TR",
                                "--founding", "--status", "active", "-f", "json").stdout)
    assert sorted(r["id"] for r in records) == ["bp-nk-t", "mlkp", "tikb"]


def test_unknown_region_exits_2_listing_choices(registry_file: Path, icor: Run) -> None:
    result = icor("list", "--region", "Mars")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("icor: error: unknown region 'Mars'")
    for region in ("Africa", "Asia", "Australia", "Europe", "America"):
        assert region in result.stderr


def test_unknown_country_exits_2_listing_choices(registry_file: Path, icor: Run) -> None:
    result = icor("list", "--country", "Narnia")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "unknown country 'Narnia'" in result.stderr
    assert "TR" in result.stderr and "ISO 3166-1" in result.stderr


@pytest.mark.parametrize(
    "args",
    [("--status", "sleeping"), ("--format", "xml"), ("--sort", "height"), ("--bogus",)],
)
def test_bad_options_exit_2(registry_file: Path, icor: Run, args: tuple[str, ...]) -> None:
    result = icor("list", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_missing_registry_exits_3(tmp_path: Path, icor: Run) -> None:
    result = icor("-r", str(tmp_path / "absent.toml"), "list")
    assert result.exit_code == 3
    assert result.stderr.startswith("icor: error:")


def test_invalid_registry_exits_1(registry_file: Path, icor: Run) -> None:
    edit_registry(registry_file, 'status = "active"', 'status = "asleep"')
    result = icor("list")
    assert result.exit_code == 1
    assert result.stdout == ""


# --- Sorting -----------------------------------------------------------------------------

def test_default_order_is_region_order_then_id(registry_file: Path, invoke: Run) -> None:
    records = json.loads(invoke("list", "-f", "json").stdout)
    order = ["Africa", "Asia", "Australia", "Europe", "America"]
    keys = [(order.index(r["region"]), r["id"]) for r in records]
    assert keys == sorted(keys)


@pytest.mark.parametrize("key", ["id", "country", "status", "region"])
def test_sort_keys(registry_file: Path, invoke: Run, key: str) -> None:
    records = json.loads(invoke("list", "--sort", key, "-f", "json").stdout)
    assert len(records) == 59
    if key == "id":
        assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    elif key == "country":
        pairs = [(r["country"], r["id"]) for r in records]
        assert pairs == sorted(pairs)
    elif key == "status":
        assert [r["status"] for r in records] == sorted(r["status"] for r in records)
        assert [r["status"] for r in records[-2:]] == ["inactive", "inactive"]
    elif key == "region":  # the file's region order, not the alphabet
        order = ["Africa", "Asia", "Australia", "Europe", "America"]
        keys = [(order.index(r["region"]), r["id"]) for r in records]
        assert keys == sorted(keys)


def test_sort_abbreviation_ignores_script_and_case(registry_file: Path, invoke: Run) -> None:
    records = json.loads(invoke("list", "--sort", "abbreviation", "--country", "BG",
                                "--country", "DE", "-f", "json").stdout)
    # БКП and БРП(к) sort as "bkp" and "brp k": before the Latin M of MLPD.
    assert [r["id"] for r in records[:3]] == ["bkp", "brp-k", "mlpd"]
    from icor_cli.fold import fold_words

    keys = [fold_words(r["abbreviation"]) for r in records]
    assert keys == sorted(keys)


def test_sort_name_and_joined(registry_file: Path, invoke: Run) -> None:
    by_name = json.loads(invoke("list", "--sort", "name", "-f", "json").stdout)
    assert by_name[0]["name"].startswith("All Pakistan")
    for member_id, date in (("mlpd", "2012-05-01"), ("bkp", "2010-10-06"),
                            ("ppp", "2019-01-02")):
        edit_registry(registry_file, f"[members.{member_id}]\n",
                      f"[members.{member_id}]\njoined = {date}\n")
    by_joined = ids(invoke("list", "--sort", "joined", "-f", "json"))
    assert by_joined[:3] == ["bkp", "mlpd", "ppp"]  # dated first, oldest first
    assert len(by_joined) == 59


# --- Formats -----------------------------------------------------------------------------

def test_json_records(registry_file: Path, invoke: Run) -> None:
    records = json.loads(invoke("list", "-f", "json").stdout)
    shipped = shipped_members()
    assert len(records) == len(shipped)
    for record in records:
        assert set(record) >= MEMBER_KEYS
        source = shipped[record["id"]]
        for key, value in source.items():
            assert record[key] == (value.isoformat() if hasattr(value, "isoformat") else value)


def test_jsonl_one_object_per_line(registry_file: Path, icor: Run) -> None:
    lines = icor("list", "-f", "jsonl").stdout.splitlines()
    assert len(lines) == 59
    assert all(set(json.loads(line)) >= MEMBER_KEYS for line in lines)


def test_csv_parses(registry_file: Path, icor: Run) -> None:
    rows = list(csv.DictReader(io.StringIO(icor("list", "-f", "csv").stdout)))
    assert len(rows) == 59
    by_id = {row["id"]: row for row in rows}
    assert by_id["krasnyj-klin"]["name_en"].endswith("[Red Wedge]")
    assert by_id["aptuf"]["status"] == "inactive"
    assert by_id["aptuf"]["founding"] == "true"


def test_tsv_escapes_tabs_and_newlines(registry_file: Path, icor: Run) -> None:
    edit_registry(registry_file, 'region = "Asia"\nstatus = "inactive"',
                  'region = "Asia"\nstatus = "inactive"\nnotes = "line one\\nline\\ttwo"')
    result = icor("list", "-f", "tsv", "--region", "asia", "--status", "inactive")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].endswith("line one\\nline\\ttwo")
    csv_rows = list(csv.DictReader(io.StringIO(
        icor("list", "-f", "csv", "--region", "asia", "--status", "inactive").stdout)))
    assert csv_rows[0]["notes"] == "line one\nline\ttwo"


def test_dates_as_iso(registry_file: Path, invoke: Run) -> None:
    edit_registry(registry_file, 'region = "Asia"\nstatus = "inactive"\nfounding = true',
                  'region = "Asia"\nstatus = "inactive"\nfounding = true\n'
                  'joined = 2010-10-06\ndeactivated = 2015-01-02')
    records = json.loads(invoke("list", "--status", "inactive", "-f", "json").stdout)
    aptuf = next(r for r in records if r["id"] == "aptuf")
    assert (aptuf["joined"], aptuf["deactivated"]) == ("2010-10-06", "2015-01-02")


# --- Tables ------------------------------------------------------------------------------

def test_table_golden(registry_file: Path, icor: Run) -> None:
    result = icor("list", env=TERMINAL)
    assert result.exit_code == 0
    check_golden("list.txt", plain(result.stdout))


def test_table_golden_narrow(registry_file: Path, icor: Run) -> None:
    result = icor("list", "--region", "asia", env={**TERMINAL, "COLUMNS": "40"})
    check_golden("list-asia-40.txt", plain(result.stdout))
    assert all(len(line) <= 40 for line in plain(result.stdout).splitlines())


def test_table_golden_medium(registry_file: Path, icor: Run) -> None:
    result = icor("list", "--country", "tr", env={**TERMINAL, "COLUMNS": "80"})
    check_golden("list-tr-80.txt", plain(result.stdout))


def test_table_prints_markup_literally(registry_file: Path, icor: Run) -> None:
    edit_registry(registry_file, 'name = "All Pakistan Trade Union Federation"',
                  'name = "[bold]All Pakistan[/bold] Trade Union Federation"')
    result = icor("list", "--region", "asia", env={**TERMINAL, "COLUMNS": "200"})
    assert "[bold]All Pakistan[/bold] Trade Union Federation" in plain(result.stdout)
    red_wedge = icor("list", "--country", "BY", env={**TERMINAL, "COLUMNS": "200"})
    assert "[Red Wedge]" in plain(red_wedge.stdout)


def test_table_colour_on_terminal_and_no_color(registry_file: Path, icor: Run) -> None:
    coloured = icor("list", env={**TERMINAL, "TERM": "xterm-256color"})
    assert "\x1b[32m" in coloured.stdout  # active in green
    plain = icor("list", env={**TERMINAL, "TERM": "xterm-256color", "NO_COLOR": "1"})
    assert "\x1b[32m" not in plain.stdout
    assert "\x1b[3" not in plain.stdout  # no foreground colour at all


def test_table_on_request_when_piped_has_no_escapes(registry_file: Path, icor: Run) -> None:
    result = icor("list", "-f", "table", env={"TERM": "xterm-256color"})
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    assert "59 members" in result.stdout


def test_errors_only_on_stderr(registry_file: Path, icor: Run) -> None:
    result = icor("list", "--region", "Mars", env=TERMINAL)
    assert result.stdout == ""
    assert "Mars" in result.stderr


def test_help_has_examples(icor: Run) -> None:
    for command in ("list", "show", "search", "stats"):
        result = icor(command, "--help")
        assert result.exit_code == 0
        assert "Examples:" in result.stdout
        assert f"icor {command}" in result.stdout.split("Examples:", 1)[1]


# --- Completion --------------------------------------------------------------------------

def _complete(icor: Run, words: str, env: dict[str, str] | None = None) -> list[str]:
    cword = str(len(words.split()) - (0 if words.endswith(" ") else 1))
    result = icor(env={"_ICOR_COMPLETE": "complete_bash", "COMP_WORDS": words,
                       "COMP_CWORD": cword, **(env or {})})
    assert result.exit_code == 0
    return result.stdout.split()


def test_completes_regions_countries_and_ids(registry_file: Path, icor: Run) -> None:
    assert _complete(icor, "icor list --region A") == ["Africa", "Asia", "Australia", "America"]
    assert _complete(icor, "icor list --region Eu") == ["Europe"]
    assert _complete(icor, "icor stats --country T") == ["TG", "TN", "TR"]
    assert _complete(icor, "icor show mlp") == ["mlp", "mlpd"]


def test_completion_never_fails(tmp_path: Path, icor: Run) -> None:
    broken = tmp_path / "registry.toml"
    broken.write_text("this is [not toml", encoding="utf-8")
    assert _complete(icor, "icor show ml", env={"ICOR_REGISTRY": str(broken)}) == []
    assert _complete(icor, f"icor -r {tmp_path / 'nope.toml'} list --region A") == []


def test_table_keeps_columns_aligned_around_a_tab(registry_file: Path, icor: Run) -> None:
    """A tab in a value (validate warns, but the file may hold one) is shown as a space:
    its width would depend on where it falls and push the next columns out of line."""
    edit_registry(registry_file, 'abbreviation = "KOE"', 'abbreviation = "K\\tOE"')
    lines = plain(icor("list", "--country", "GR", env=TERMINAL).stdout).splitlines()
    assert lines[2].startswith("koe  K OE")
    country = lines[0].index("Country")
    assert lines[2][country:country + 2] == "GR"


@pytest.mark.parametrize("columns", ["0", "-5"])
def test_table_at_a_nonsense_width_still_prints(registry_file: Path, icor: Run,
                                                columns: str) -> None:
    result = icor("list", "--country", "IN", env={**TERMINAL, "COLUMNS": columns})
    assert result.exit_code == 0
    assert "cpi-ml-red-star" in result.stdout and "2 members" in result.stdout


def test_founding_mark_explained_only_when_shown(registry_file: Path, icor: Run) -> None:
    narrow = {**TERMINAL, "COLUMNS": "80"}
    assert "★ founding member" in icor("list", "--country", "IN", env=narrow).stdout
    others = plain(icor("list", "--region", "europe", "--no-founding", env=narrow).stdout)
    assert others.splitlines()[-1] == "12 members"
    assert "★" not in others
