"""``icor stats``: per-group counts, totals, stated vs actual, in every format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import Result
from test_list import TERMINAL, check_golden, edit_registry, plain

Run = Callable[..., Result]


def stats(invoke: Run, *args: str) -> dict[str, Any]:
    result = invoke("stats", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_by_region_json_shape(invoke: Run, registry_file: Path) -> None:
    data = stats(invoke)
    assert data["by"] == "region"
    assert data["filtered"] is False
    assert [g["group"] for g in data["groups"]] == ["Africa", "Asia", "Australia", "Europe",
                                                     "America"]
    asia = data["groups"][1]
    assert {k: asia[k] for k in ("active", "inactive", "total")} == {
        "active": 9, "inactive": 1, "total": 10}
    assert asia["stated"] == {"active": 9}
    assert asia["differs"] == []
    totals = data["totals"]
    assert (totals["active"], totals["inactive"], totals["total"], totals["countries"]) == (
        57, 2, 59, 45)
    assert totals["stated"] == {"active": 57, "inactive": 2, "total": 59, "countries": 45}
    assert totals["differs"] == []
    assert sum(g["founding"] for g in data["groups"]) == totals["founding"]
    assert sum(g["total"] for g in data["groups"]) == 59
    assert data["stated_source"]


def test_by_country(invoke: Run, registry_file: Path) -> None:
    data = stats(invoke, "--by", "country")
    assert data["by"] == "country"
    groups = {g["group"]: g for g in data["groups"]}
    assert len(groups) == 45
    assert groups["TR"]["total"] == 5 and groups["TR"]["countries"] == 1
    assert groups["TR"]["label"] in ("Türkiye", "Turkey")
    assert all(g["stated"] == {} for g in data["groups"])
    labels = [g["label"] for g in data["groups"]]
    # by name, ignoring case and accents, as `list --sort name` does
    assert labels.index("Côte d'Ivoire") < labels.index("Cyprus") < labels.index("Czechia")
    assert labels.index("Türkiye") < labels.index("Uruguay")
    assert data["totals"]["total"] == 59


def test_differences_are_marked(invoke: Run, icor: Run, registry_file: Path) -> None:
    edit_registry(registry_file, "countries = 45", "countries = 46")
    edit_registry(registry_file, "Asia = 9", "Asia = 8")
    data = stats(invoke)
    assert data["totals"]["differs"] == ["countries"]
    assert data["groups"][1]["differs"] == ["active"]
    table = plain(icor("stats", env=TERMINAL).stdout)
    assert "45/46 ≠" in table and "9/8 ≠" in table
    rows = list(csv.DictReader(io.StringIO(icor("stats", "-f", "csv").stdout)))
    assert rows[-1]["differs"] == "countries" and rows[-1]["stated_countries"] == "46"


def test_filters_drop_stated_totals(invoke: Run, registry_file: Path) -> None:
    data = stats(invoke, "--status", "active")
    assert data["filtered"] is True
    assert data["totals"]["stated"] == {}
    assert data["totals"]["total"] == 57
    assert all(g["stated"] == {} for g in data["groups"])
    only_asia = stats(invoke, "--region", "asia")
    assert [g["group"] for g in only_asia["groups"]] == ["Asia"]
    assert only_asia["groups"][0]["stated"] == {"active": 9}
    assert only_asia["totals"]["stated"] == {}
    founding = stats(invoke, "--founding", "--country", "TR")
    assert founding["totals"]["total"] == 3


@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_every_format_carries_the_same_rows(icor: Run, registry_file: Path, fmt: str) -> None:
    result = icor("stats", "-f", fmt, env={"COLUMNS": "40"})
    assert result.exit_code == 0
    assert "\x1b" not in result.stdout
    if fmt == "jsonl":
        rows: list[dict[str, Any]] = [json.loads(line) for line in result.stdout.splitlines()]
    else:
        rows = list(csv.DictReader(io.StringIO(result.stdout),
                                   delimiter="\t" if fmt == "tsv" else ","))
    assert [r["row"] for r in rows] == ["group"] * 5 + ["total"]
    assert [str(r["group"]) for r in rows][:2] == ["Africa", "Asia"]
    assert int(rows[-1]["total"]) == 59
    if fmt != "jsonl":
        assert rows[-1]["stated_total"] == "59"
        assert rows[0]["stated_inactive"] == ""


def test_piped_default_is_tsv(icor: Run, registry_file: Path) -> None:
    lines = icor("stats").stdout.splitlines()
    assert lines[0].startswith("row\tgroup\tlabel\tactive\tstated_active")
    assert len(lines) == 7


def test_table_golden_with_bars(icor: Run, registry_file: Path) -> None:
    result = icor("stats", env=TERMINAL)
    text = plain(result.stdout)
    assert "█" in text
    check_golden("stats-region.txt", text)
    by_country = icor("stats", "--by", "country", "--region", "asia", env=TERMINAL)
    check_golden("stats-country-asia.txt", plain(by_country.stdout))


def test_bad_grouping_exits_2(icor: Run, registry_file: Path) -> None:
    result = icor("stats", "--by", "planet")
    assert result.exit_code == 2 and result.stdout == ""
    assert icor("stats", "--country", "Atlantis").exit_code == 2
