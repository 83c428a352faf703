"""``icor stated`` (each stated figure beside the actual one) and ``icor stated sync``;
``--update-stated`` on a command that changed nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
from conftest import Result

Run = Callable[..., Result]


def stated(path: Path) -> dict[str, object]:
    return tomli.loads(path.read_text(encoding="utf-8"))["stated"]  # type: ignore[no-any-return]


def test_json_and_csv_list_every_figure(invoke: Run, registry_file: Path) -> None:
    result = invoke("stated", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows[0] == {"figure": "active", "region": None, "stated": 57, "actual": 57,
                       "matches": True}
    assert [r["figure"] for r in rows[:4]] == ["active", "inactive", "total", "countries"]
    assert [r["region"] for r in rows[4:]] == ["Africa", "Asia", "Australia", "Europe",
                                               "America"]
    assert all(r["matches"] for r in rows)
    table = list(csv.reader(io.StringIO(invoke("stated", "-f", "csv").stdout)))
    assert table[0] == ["figure", "region", "stated", "actual", "matches"]
    assert table[6] == ["active_by_region", "Asia", "9", "9", "true"]


def test_table_marks_the_figures_that_differ(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("deactivate", "rm", "--date", "2025-01-01")
    monkeypatch.setenv("ICOR_FORCE_TERMINAL", "1")
    monkeypatch.setenv("NO_COLOR", "1")
    result = invoke("stated", "--format", "table")
    assert result.exit_code == 0
    lines = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout).splitlines()
    active = next(line for line in lines if line.startswith("active "))
    assert active.split()[1:] == ["57", "56", "≠"]
    assert any(line.split()[:2] == ["total", "59"] and "≠" not in line for line in lines)
    assert "run 'icor stated sync'" in result.stdout


def test_sync_sets_every_figure_and_records_date_and_source(
    invoke: Run, icor: Run, registry_file: Path
) -> None:
    assert invoke("deactivate", "rm", "--date", "2025-01-01").exit_code == 0
    assert icor("validate").exit_code == 1
    before = registry_file.read_bytes()
    dry = invoke("stated", "sync", "--dry-run")
    assert dry.exit_code == 0 and "-active = 57" in dry.stdout and "+active = 56" in dry.stdout
    assert registry_file.read_bytes() == before
    result = invoke("stated", "sync", "--as-of", "2025-06-01", "--source", " ICOR  site ")
    assert result.exit_code == 0, result.stderr
    assert "active 57 -> 56" in result.stderr
    figures = stated(registry_file)
    assert (figures["active"], figures["inactive"], figures["total"]) == (56, 3, 59)
    assert figures["as_of"] == dt.date(2025, 6, 1)
    assert figures["source"] == "ICOR site"
    assert icor("validate", "--strict").exit_code == 0
    again = invoke("stated", "sync")
    assert again.exit_code == 0 and "already match" in again.stderr


def test_sync_refuses_a_bad_date(invoke: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    result = invoke("stated", "sync", "--as-of", "June")
    assert result.exit_code == 2 and "is not a date" in result.stderr
    assert registry_file.read_bytes() == before


def test_update_stated_after_the_fact_aligns_without_false_history(
    invoke: Run, icor: Run, registry_file: Path
) -> None:
    """Forgot --update-stated: repeating the command with it fixes the figures, and no
    note or date is written for a change that did not happen."""
    assert invoke("deactivate", "rm", "--date", "2025-01-01").exit_code == 0
    members_before = tomli.loads(registry_file.read_text(encoding="utf-8"))["members"]
    result = invoke("deactivate", "rm", "--update-stated")
    assert result.exit_code == 0, result.stderr
    assert "already inactive" in result.stderr and "active 57 -> 56" in result.stderr
    data = tomli.loads(registry_file.read_text(encoding="utf-8"))
    assert data["members"] == members_before
    assert icor("validate", "--strict").exit_code == 0
    # already in line: said, nothing written
    before = registry_file.read_bytes()
    result = invoke("deactivate", "rm", "--update-stated")
    assert "already match" in result.stderr
    assert registry_file.read_bytes() == before


def test_update_stated_says_why_not_when_figures_differ_otherwise(
    invoke: Run, registry_file: Path
) -> None:
    assert invoke("deactivate", "rm", "--date", "2025-01-01").exit_code == 0
    assert invoke("deactivate", "mlpd", "--date", "2025-01-01").exit_code == 0
    before = registry_file.read_bytes()
    result = invoke("deactivate", "rm", "--update-stated")
    assert result.exit_code == 0
    assert "not updated" in result.stderr and "icor stated sync" in result.stderr
    assert registry_file.read_bytes() == before


def test_update_stated_on_an_edit_that_changes_nothing_says_why(
    invoke: Run, registry_file: Path
) -> None:
    assert invoke("deactivate", "rm", "--date", "2025-01-01").exit_code == 0
    before = registry_file.read_bytes()
    result = invoke("edit", "rm", "--name-en", "Red Dawn", "--update-stated")
    assert result.exit_code == 0
    assert "nothing changed" in result.stderr
    assert "this command moves none" in result.stderr and "icor stated sync" in result.stderr
    assert registry_file.read_bytes() == before
