"""``icor edit``: each flag, --unset, validation as in add, region moves, --dry-run,
--update-stated, "nothing changed"; refusals leave the file byte for byte."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
from conftest import Result

Run = Callable[..., Result]


def member(path: Path, member_id: str) -> dict[str, object]:
    data = tomli.loads(path.read_text(encoding="utf-8"))
    return data["members"][member_id]  # type: ignore[no-any-return]


def stated(path: Path) -> dict[str, object]:
    return tomli.loads(path.read_text(encoding="utf-8"))["stated"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("args", "field", "value"), [
    (["--abbreviation", "R.M."], "abbreviation", "R.M."),
    (["-a", "RoMo"], "abbreviation", "RoMo"),
    (["--name", "  Rode   Morgen  NL "], "name", "Rode Morgen NL"),
    (["--name-en", "Red Morning"], "name_en", "Red Morning"),
    (["--country", "Belgique"], "country", "BE"),
    (["--region", "asia"], "region", "Asia"),
    (["--no-founding"], "founding", False),
    (["--joined", "2012-05-01"], "joined", dt.date(2012, 5, 1)),
    (["--notes", "line one\nline  two "], "notes", "line one\nline two"),
])
def test_each_flag_changes_its_field_only(
    invoke: Run, registry_file: Path, args: list[str], field: str, value: object
) -> None:
    before = member(registry_file, "rm")
    result = invoke("edit", "rm", *args)
    assert result.exit_code == 0, result.stderr
    assert "edited rm (RM)" in result.stderr
    after = member(registry_file, "rm")
    assert after[field] == value
    assert {k: v for k, v in after.items() if k != field} == {
        k: v for k, v in before.items() if k != field}


def test_deactivation_fields_of_an_inactive_member_and_unset(
    invoke: Run, registry_file: Path
) -> None:
    result = invoke("edit", "aptuf", "--deactivated", "2024-03-01", "--reason", "Left ICOR")
    assert result.exit_code == 0, result.stderr
    got = member(registry_file, "aptuf")
    assert got["deactivated"] == dt.date(2024, 3, 1)
    assert got["deactivation_reason"] == "Left ICOR"
    result = invoke("edit", "aptuf", "--unset", "reason", "--unset", "deactivated",
                    "--unset", "name-en")
    assert result.exit_code == 0, result.stderr
    got = member(registry_file, "aptuf")
    assert "deactivated" not in got and "deactivation_reason" not in got
    assert "name_en" not in got


def test_member_is_found_by_name(invoke: Run, registry_file: Path) -> None:
    result = invoke("edit", "Rode Morgen", "--name-en", "Red Morning")
    assert result.exit_code == 0, result.stderr
    assert member(registry_file, "rm")["name_en"] == "Red Morning"


@pytest.mark.parametrize(("args", "message"), [
    (["rm", "-a", "MLPD"], "also used by 'mlpd'"),
    (["rm", "--country", "Congo"], "ambiguous"),
    (["rm", "--country", "Germny"], "did you mean Germany (DE)?"),
    (["rm", "--region", "Mars"], "unknown region 'Mars'"),
    (["rm", "--joined", "2009-01-01"], "before the organisation was founded"),
    (["rm", "--joined", "01/02/2020"], "is not a date"),
    (["rm", "--reason", "x"], "rm is active, and only an inactive member has "
                              "deactivation_reason (use 'icor deactivate rm')"),
    (["rm", "--deactivated", "2020-01-01"], "--deactivated: rm is active"),
    (["aptuf", "--deactivated", "2011-01-01", "--joined", "2012-01-01"],
     "deactivated 2011-01-01 is before joined 2012-01-01"),
    (["rm", "--unset", "name"], "name is required"),
    (["rm", "--unset", "colour"], "no optional field 'colour'"),
    (["rm", "--name", "bad\u0007name"], "control or invisible character"),
    (["rm", "--name", "two\nlines"], "line break"),
    (["rm", "--name", "   "], "--name is empty"),
    (["nosuch", "--name", "X"], "no member 'nosuch'"),
])
def test_refusals_are_exit_2_and_write_nothing(
    invoke: Run, registry_file: Path, args: list[str], message: str
) -> None:
    before = registry_file.read_bytes()
    result = invoke("edit", *args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert registry_file.read_bytes() == before


def test_nothing_changed_is_exit_0(invoke: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    for args in (["--name-en", "Red Dawn"], [], ["--unset", "notes"]):
        result = invoke("edit", "rm", *args)
        assert result.exit_code == 0, result.stderr
        assert "nothing changed" in result.stderr
    assert registry_file.read_bytes() == before


def test_country_change_moves_the_region_only_when_inferred_and_says_so(
    invoke: Run, registry_file: Path
) -> None:
    result = invoke("edit", "rm", "--country", "India")
    assert result.exit_code == 0, result.stderr
    assert member(registry_file, "rm")["region"] == "Asia"
    assert "region moved to Asia" in result.stderr
    # a country without members: the region stays
    result = invoke("edit", "rm", "--country", "AQ")
    assert result.exit_code == 0, result.stderr
    assert member(registry_file, "rm")["region"] == "Asia"
    # asked: the region given wins
    result = invoke("edit", "rm", "--country", "NL", "--region", "Europe")
    assert member(registry_file, "rm")["region"] == "Europe"


def test_dry_run_prints_the_diff_and_writes_nothing(invoke: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    result = invoke("edit", "rm", "--name-en", "Red Morning", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert '-name_en = "Red Dawn"' in result.stdout.splitlines()
    assert '+name_en = "Red Morning"' in result.stdout.splitlines()
    assert "dry run: nothing written" in result.stderr
    assert registry_file.read_bytes() == before


def test_region_change_with_update_stated_keeps_validate_clean(
    invoke: Run, icor: Run, registry_file: Path
) -> None:
    result = invoke("edit", "rm", "--region", "Asia", "--update-stated")
    assert result.exit_code == 0, result.stderr
    assert "active in Asia 9 -> 10" in result.stderr
    by_region = stated(registry_file)["active_by_region"]
    assert by_region["Asia"] == 10 and by_region["Europe"] == 25  # type: ignore[index]
    assert icor("validate", "--strict").exit_code == 0


def test_without_update_stated_validate_names_the_figures_and_the_fix(
    invoke: Run, icor: Run, registry_file: Path
) -> None:
    result = invoke("edit", "rm", "--region", "Asia")
    assert result.exit_code == 0
    assert "out of date" in result.stderr
    check = icor("validate", "--strict")
    assert check.exit_code == 1
    lines = check.stderr.strip().splitlines()
    assert len(lines) == 2
    assert all(line.endswith("run 'icor stated sync' once the published figures match "
                             "[counts]") for line in lines)
    synced = invoke("stated", "sync")
    assert synced.exit_code == 0, synced.stderr
    assert icor("validate", "--strict").exit_code == 0


@pytest.mark.parametrize(("args", "message"), [
    (["rm", "--name", "Haϊtien"], "mixes scripts"),  # a Greek iota in a Latin word
    (["rm", "--abbreviation", "=RM"], "formula"),
])
def test_a_write_never_adds_a_hygiene_warning(
    invoke: Run, icor: Run, registry_file: Path, args: list[str], message: str
) -> None:
    before = registry_file.read_bytes()
    result = invoke("edit", *args)
    assert result.exit_code == 2
    assert message in result.stderr and "nothing written" in result.stderr
    assert registry_file.read_bytes() == before
    assert invoke("add", "-a", "X", "-n", "Haϊtien", "-c", "DE").exit_code == 2
    assert icor("validate", "--strict").exit_code == 0
