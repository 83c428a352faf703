"""``--fields`` and ``--no-header`` on list, search and show; ``stats --sort``; the
by-country stats table without its always-1 countries column."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icor_cli.fields import available, member_fields
from icor_cli.models import Member

Run = Callable[..., Result]


def test_member_fields_come_from_the_model() -> None:
    assert member_fields() == ("id", *Member.model_fields)
    assert "country_name" in available()
    assert "match" not in available()
    assert {"match", "matched"} <= set(available(search=True))


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_list_fields_pick_and_order_columns(invoke: Run, registry_file: object,
                                            fmt: str) -> None:
    done = invoke("list", "--country", "TR", "--fields", "country_name,id", "-f", fmt)
    assert done.exit_code == 0, done.stderr
    sep = "," if fmt == "csv" else "\t"
    lines = done.stdout.splitlines()
    assert lines[0] == f"country_name{sep}id"
    assert lines[1:] == [f"Türkiye{sep}{i}" for i in
                         ("bp-nk-t", "mlkp", "sgb", "tikb", "tkp-ml")]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_no_header(invoke: Run, registry_file: object, fmt: str) -> None:
    done = invoke("list", "--country", "BG", "--fields", "id", "-f", fmt, "--no-header")
    assert (done.exit_code, done.stdout) == (0, "bkp\nbrp-k\n")
    whole = invoke("list", "--country", "BG", "-f", fmt, "--no-header")
    assert whole.stdout.splitlines()[0].startswith(("bkp,", "bkp\t"))


def test_list_fields_json_and_jsonl(invoke: Run, registry_file: object) -> None:
    done = invoke("list", "--country", "BG", "--fields", "id,country_name,founding", "-f", "json")
    assert json.loads(done.stdout) == [
        {"id": "bkp", "country_name": "Bulgaria", "founding": False},
        {"id": "brp-k", "country_name": "Bulgaria", "founding": True},
    ]
    lines = invoke("list", "--country", "BG", "--fields", "abbreviation", "-f",
                   "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == [{"abbreviation": "БКП"},
                                                    {"abbreviation": "БРП(к)"}]


def test_show_fields(invoke: Run, registry_file: object) -> None:
    done = invoke("show", "bkp", "--fields", "name_en,country_name", "-f", "json")
    assert json.loads(done.stdout) == {"name_en": "Bulgarian Communist Party",
                                       "country_name": "Bulgaria"}
    tsv = invoke("show", "bkp", "--fields", "id,abbreviation", "-f", "tsv", "--no-header")
    assert tsv.stdout == "bkp\tБКП\n"


def test_show_fields_table(icor: Run, registry_file: object) -> None:
    done = icor("show", "bkp", "--fields", "name_en,country_name",
                env={"ICOR_FORCE_TERMINAL": "1", "NO_COLOR": "1", "TERM": "dumb"})
    assert done.exit_code == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    assert [line.split(None, 1) for line in lines] == [
        ["name_en", "Bulgarian Communist Party"], ["country_name", "Bulgaria"]]


def test_search_fields_include_match(invoke: Run, registry_file: object) -> None:
    done = invoke("search", "bkp", "--fields", "id,match,matched", "-f", "csv")
    assert done.stdout.splitlines()[:2] == ["id,match,matched", "bkp,exact,abbreviation"]


def test_list_fields_table(icor: Run, registry_file: object) -> None:
    done = icor("list", "--country", "BG", "--fields", "id,country_name",
                env={"ICOR_FORCE_TERMINAL": "1", "NO_COLOR": "1", "COLUMNS": "80"})
    assert done.exit_code == 0, done.stderr
    plain = done.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "").replace("\x1b[2m", "")
    assert plain.splitlines()[0].split() == ["id", "country_name"]
    assert "brp-k  Bulgaria" in plain
    assert plain.rstrip().endswith("2 members")


@pytest.mark.parametrize("command", [["list"], ["search", "bkp"], ["show", "bkp"]])
def test_unknown_field_is_usage_error_listing_valid_ones(
        icor: Run, registry_file: object, command: list[str]) -> None:
    done = icor(*command, "--fields", "id,colour")
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr.startswith("icor: error: unknown field 'colour' for --fields; "
                                  "choose from id, abbreviation, name,")
    assert "country_name" in done.stderr
    assert done.stderr.count("\n") == 1


def test_empty_field_is_usage_error(icor: Run, registry_file: object) -> None:
    done = icor("list", "--fields", "id,,name")
    assert done.exit_code == 2
    assert "unknown field '(empty)'" in done.stderr


def test_fields_ignore_case_and_spaces_and_repeats(invoke: Run, registry_file: object) -> None:
    done = invoke("list", "--country", "BG", "--fields", " ID , Name_EN,id", "-f", "csv")
    assert done.stdout.splitlines()[0] == "id,name_en"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(available()), min_size=1, max_size=6, unique=True),
       st.sampled_from(["csv", "json"]))
def test_any_choice_of_fields(invoke: Run, registry_file: object, chosen: list[str],
                              fmt: str) -> None:
    done = invoke("list", "--region", "asia", "--fields", ",".join(chosen), "-f", fmt)
    assert done.exit_code == 0, done.stderr
    full = json.loads(invoke("list", "--region", "asia", "-f", "json").stdout)
    if fmt == "json":
        records = json.loads(done.stdout)
        assert [list(r) for r in records] == [chosen] * len(full)
        for record, whole in zip(records, full, strict=True):
            for key in chosen:
                if key in whole:
                    assert record[key] == whole[key]
    else:
        rows = list(csv.reader(io.StringIO(done.stdout)))
        assert rows[0] == chosen
        assert len(rows) == len(full) + 1


# --- stats ---------------------------------------------------------------------------------

def _groups(invoke: Run, *args: str) -> list[tuple[str, int, int]]:
    data = json.loads(invoke("stats", *args, "-f", "json").stdout)
    return [(g["group"], g["total"], g["active"]) for g in data["groups"]]


def test_stats_sort_total(invoke: Run, registry_file: object) -> None:
    groups = _groups(invoke, "--sort", "total")
    assert [g[0] for g in groups] == ["Europe", "America", "Asia", "Africa", "Australia"]
    by_country = _groups(invoke, "--by", "country", "--sort", "total")
    totals = [g[1] for g in by_country]
    assert totals == sorted(totals, reverse=True)
    assert by_country[0] == ("TR", 5, 5)


def test_stats_sort_active_and_name(invoke: Run, registry_file: object) -> None:
    active = _groups(invoke, "--sort", "active")
    assert [g[0] for g in active] == ["Europe", "America", "Africa", "Asia", "Australia"]
    named = _groups(invoke, "--sort", "name")
    assert [g[0] for g in named] == ["Africa", "America", "Asia", "Australia", "Europe"]


def test_stats_sort_unknown_is_usage_error(icor: Run, registry_file: object) -> None:
    done = icor("stats", "--sort", "size")
    assert done.exit_code == 2
    assert "size" in done.stderr


def test_by_country_table_has_no_countries_column(icor: Run, registry_file: object) -> None:
    done = icor("stats", "--by", "country",
                env={"ICOR_FORCE_TERMINAL": "1", "NO_COLOR": "1", "COLUMNS": "120"})
    header = done.stdout.splitlines()[0]
    assert "Countries" not in header
    assert "Founding" in header
    assert "countries: 45/45" in done.stdout
    by_region = icor("stats", env={"ICOR_FORCE_TERMINAL": "1", "COLUMNS": "120"})
    assert "Countries" in by_region.stdout.splitlines()[0]


def test_fields_table_shows_control_characters_escaped(icor: Run, registry_file: Path) -> None:
    text = registry_file.read_text(encoding="utf-8")
    registry_file.write_text(text.replace('name = "Българска Комунистическа Партия"',
                                          'name = "Evil\\u001b[31m [bold]Red[/]"', 1),
                             encoding="utf-8")
    done = icor("list", "--country", "BG", "--fields", "id,name",
                env={"ICOR_FORCE_TERMINAL": "1", "NO_COLOR": "1", "COLUMNS": "100"})
    assert done.exit_code == 0, done.stderr
    assert "Evil\\x1b[31m [bold]Red[/]" in done.stdout
    assert "\x1b[31m" not in done.stdout
