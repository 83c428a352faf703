"""``icor deactivate`` and ``icor reactivate``: status, date, reason, history kept in notes,
idempotence, and refusals that leave the file as it was."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
from conftest import TODAY, Result

Run = Callable[..., Result]


def member(path: Path, member_id: str) -> dict[str, object]:
    return tomli.loads(path.read_text(encoding="utf-8"))["members"][member_id]  # type: ignore[no-any-return]


def count(path: Path) -> int:
    return len(tomli.loads(path.read_text(encoding="utf-8"))["members"])


def test_deactivate_records_status_date_and_reason(invoke: Run, registry_file: Path) -> None:
    before = member(registry_file, "bkp")
    result = invoke("deactivate", "bkp", "--reason", "Left ICOR", "--date", "2024-03-01")
    assert result.exit_code == 0, result.stderr
    assert "deactivated bkp (БКП) as of 2024-03-01: Left ICOR" in result.stderr
    assert result.stdout == ""
    assert member(registry_file, "bkp") == {
        **before, "status": "inactive", "deactivated": dt.date(2024, 3, 1),
        "deactivation_reason": "Left ICOR",
    }
    assert count(registry_file) == 59  # never deletes


def test_member_by_abbreviation_in_any_script_and_date_defaults_to_today(
    invoke: Run, registry_file: Path
) -> None:
    result = invoke("deactivate", "BKP")  # finds БКП
    assert result.exit_code == 0, result.stderr
    data = member(registry_file, "bkp")
    assert data["status"] == "inactive"
    assert data["deactivated"] == TODAY
    assert "deactivation_reason" not in data


def test_deactivate_is_idempotent(invoke: Run, registry_file: Path) -> None:
    assert invoke("deactivate", "mlpd", "--date", "2024-01-01").exit_code == 0
    before = registry_file.read_bytes()
    again = invoke("deactivate", "mlpd", "--reason", "again")
    assert again.exit_code == 0
    assert "already inactive since 2024-01-01; nothing changed" in again.stderr
    assert registry_file.read_bytes() == before


def test_reactivate_keeps_the_history_in_notes(invoke: Run, registry_file: Path) -> None:
    original = member(registry_file, "bkp")
    invoke("deactivate", "bkp", "--reason", "Left ICOR", "--date", "2024-03-01")
    result = invoke("reactivate", "bkp", "--date", "2025-02-01")
    assert result.exit_code == 0, result.stderr
    assert member(registry_file, "bkp") == {
        **original,
        "notes": "Reactivated 2025-02-01; had been inactive since 2024-03-01 (Left ICOR).",
    }


def test_reactivate_appends_to_existing_notes(invoke: Run, registry_file: Path) -> None:
    invoke("add", "-a", "NKP", "-n", "Neue KP", "-c", "DE", "--notes", "First note")
    invoke("deactivate", "nkp", "--date", "2025-01-01")
    assert invoke("reactivate", "nkp", "--date", "2025-06-01").exit_code == 0
    assert member(registry_file, "nkp")["notes"] == (
        "First note\nReactivated 2025-06-01; had been inactive since 2025-01-01.")


def test_reactivate_a_member_inactive_without_a_date(invoke: Run, registry_file: Path) -> None:
    assert member(registry_file, "aptuf")["status"] == "inactive"
    result = invoke("reactivate", "APTUF", "--update-stated")
    assert result.exit_code == 0, result.stderr
    data = member(registry_file, "aptuf")
    assert data["status"] == "active"
    assert data["notes"] == f"Reactivated {TODAY}; had been inactive."
    assert "inactive 2 -> 1" in result.stderr


def test_reactivate_is_idempotent(invoke: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    result = invoke("reactivate", "mlpd")
    assert result.exit_code == 0
    assert "mlpd (MLPD) is already active; nothing changed" in result.stderr
    assert registry_file.read_bytes() == before


def test_update_stated_and_validate(invoke: Run, registry_file: Path, icor: Run) -> None:
    result = invoke("deactivate", "mlpd", "--update-stated")
    assert result.exit_code == 0
    assert "active 57 -> 56, inactive 2 -> 3, active in Europe 26 -> 25" in result.stderr
    assert icor("validate").exit_code == 0
    assert invoke("reactivate", "mlpd", "--update-stated").exit_code == 0
    assert icor("validate").exit_code == 0


def test_without_update_stated_the_stale_figures_are_named(
    invoke: Run, registry_file: Path, icor: Run
) -> None:
    result = invoke("deactivate", "mlpd")
    assert "out of date: active 57 (now 56), inactive 2 (now 3)" in result.stderr
    assert "total" not in result.stderr and "countries" not in result.stderr
    assert icor("validate").exit_code == 1  # CI will ask for the statement to be updated


def test_dry_run(invoke: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    result = invoke("deactivate", "mlpd", "--reason", "Test", "--date", "2025-01-01",
                    "--dry-run")
    assert result.exit_code == 0
    assert registry_file.read_bytes() == before
    assert '-status = "active"' in result.stdout.splitlines()
    assert '+status = "inactive"' in result.stdout.splitlines()
    assert "+deactivated = 2025-01-01" in result.stdout.splitlines()
    assert '+deactivation_reason = "Test"' in result.stdout.splitlines()
    reactivate = invoke("reactivate", "aptuf", "--dry-run")
    assert '+status = "active"' in reactivate.stdout.splitlines()
    assert registry_file.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["deactivate", "nosuch"], "no member 'nosuch'"),
        (["deactivate", "mlpd", "--date", "2024-1-1"], "is not a date"),
        (["deactivate", "mlpd", "--date", "2009-12-31"], "before the organisation was founded"),
        (["deactivate", "mlpd", "--reason", "two\nlines"], "line break"),
        (["reactivate", "nosuch"], "no member 'nosuch'"),
        (["reactivate", "aptuf", "--date", "yesterday"], "is not a date"),
    ],
)
def test_refusals_write_nothing(
    invoke: Run, registry_file: Path, args: list[str], message: str
) -> None:
    before = registry_file.read_bytes()
    result = invoke(*args)
    assert result.exit_code == 2, result.stderr
    assert message in result.stderr
    assert registry_file.read_bytes() == before


def test_dates_must_follow_joining_and_deactivation(invoke: Run, registry_file: Path) -> None:
    invoke("add", "-a", "NKP", "-n", "Neue KP", "-c", "DE", "--joined", "2020-01-01")
    before = registry_file.read_bytes()
    result = invoke("deactivate", "nkp", "--date", "2019-12-31")
    assert result.exit_code == 2
    assert "before nkp joined (2020-01-01)" in result.stderr
    assert registry_file.read_bytes() == before
    invoke("deactivate", "nkp", "--date", "2021-01-01")
    before = registry_file.read_bytes()
    result = invoke("reactivate", "nkp", "--date", "2020-06-01")
    assert result.exit_code == 2
    assert registry_file.read_bytes() == before


def test_bundled_registry_is_read_only(
    icor: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "ICOR_REGISTRY"}
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    for args in (["deactivate", "mlpd"], ["reactivate", "aptuf"]):
        result = icor(*args, cwd=tmp_path, env=env)
        assert result.exit_code == 2
        assert "read-only" in result.stderr


def test_today_is_the_real_date_without_source_date_epoch(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert invoke("deactivate", "mlpd").exit_code == 0
    deactivated = tomllib.loads(registry_file.read_text("utf-8"))["members"]["mlpd"][
        "deactivated"]
    assert deactivated in (dt.date.today(), dt.date.today() - dt.timedelta(days=1))


def test_a_bad_source_date_epoch_is_a_usage_error(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = registry_file.read_bytes()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = invoke("deactivate", "mlpd")
    assert result.exit_code == 2
    assert "SOURCE_DATE_EPOCH" in result.stderr
    assert registry_file.read_bytes() == before
