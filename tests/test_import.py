"""``icor import``: the round trip of every format list writes, adds and updates, all or
nothing with every bad row and its line, --dry-run, stdin."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
from conftest import Result

Run = Callable[..., Result]


def members(path: Path) -> dict[str, dict[str, object]]:
    return tomli.loads(path.read_text(encoding="utf-8"))["members"]  # type: ignore[no-any-return]


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl"])
def test_list_then_import_changes_nothing(
    icor: Run, registry_file: Path, tmp_path: Path, fmt: str
) -> None:
    # a value that needs quoting or escaping in every format
    assert icor("edit", "rm", "--notes", 'He said "hi",\tthen\nleft; a\\b').exit_code == 0
    before = registry_file.read_bytes()
    listed = icor("list", "-f", fmt)
    assert listed.exit_code == 0
    exported = tmp_path / f"m.{fmt}"
    exported.write_text(listed.stdout, encoding="utf-8")
    result = icor("import", str(exported))
    assert result.exit_code == 0, result.stderr
    assert "nothing changed" in result.stderr
    assert registry_file.read_bytes() == before
    # detected from the content too, and read from stdin
    plain = tmp_path / "members"
    plain.write_text(listed.stdout, encoding="utf-8")
    assert icor("import", str(plain)).exit_code == 0
    assert icor("import", "-", input=listed.stdout).exit_code == 0
    assert registry_file.read_bytes() == before


def test_adds_and_updates_in_one_write(icor: Run, registry_file: Path, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("id,abbreviation,name,country,name_en\n"
                    "rm,RM,Rode Morgen,Netherlands,Red  Morning\n"
                    ",NKP,Neue KP,Deutschland,\n"
                    "new-one,NO,New One,DEU,\n", encoding="utf-8")
    result = icor("import", str(rows))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["nkp", "new-one"]
    got = members(registry_file)
    assert got["rm"]["name_en"] == "Red Morning"
    assert got["rm"]["country"] == "NL"
    assert got["nkp"] == {"abbreviation": "NKP", "name": "Neue KP", "country": "DE",
                          "region": "Europe", "status": "active", "founding": False}
    assert got["new-one"]["country"] == "DE"


def test_every_bad_row_is_reported_and_nothing_written(
    icor: Run, registry_file: Path, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.jsonl"
    rows.write_text("\n".join(json.dumps(row) for row in [
        {"abbreviation": "OK1", "name": "Fine", "country": "DE"},
        {"abbreviation": "C1", "name": "X", "country": "Congo"},
        {"abbreviation": "MLPD", "name": "Copy", "country": "DE"},
        {"id": "rm", "region": "Mars"},
        {"abbreviation": "K", "name": "K", "country": "Kurdistan"},
        {"id": "rm", "joined": "2009-01-01"},
        {"id": "mlpd", "name": None},
    ]) + "\n", encoding="utf-8")
    before = registry_file.read_bytes()
    result = icor("import", str(rows))
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "icor: error: 6 bad rows of 7; nothing written"
    assert [line.split(":")[1] for line in lines[:-1]] == ["2", "3", "4", "5", "6", "7"]
    assert "ambiguous" in lines[0] and "also used by 'mlpd'" in lines[1]
    assert "unknown region 'Mars'" in lines[2] and "unknown country 'Kurdistan'" in lines[3]
    assert "before the organisation was founded" in lines[4]
    assert "name is required and cannot be emptied" in lines[5]
    assert registry_file.read_bytes() == before


def test_dry_run_shows_the_diff(icor: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    result = icor("import", "-", "--format", "csv", "--dry-run",
                  input="abbreviation,name,country\nNKP,Neue KP,DE\n")
    assert result.exit_code == 0, result.stderr
    assert "+[members.nkp]" in result.stdout.splitlines()
    assert registry_file.read_bytes() == before


def test_control_characters_are_refused(icor: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    result = icor("import", "-", "-f", "json",
                  input=json.dumps([{"abbreviation": "X\u202e", "name": "X",
                                     "country": "DE"}]))
    assert result.exit_code == 2
    assert "control or invisible character U+202E" in result.stderr
    assert registry_file.read_bytes() == before


def test_a_missing_file_is_exit_3(icor: Run, registry_file: Path) -> None:
    result = icor("import", "no-such-file.csv")
    assert result.exit_code == 3
    assert result.stderr.startswith("icor: error: cannot read")
