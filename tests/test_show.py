"""``icor show MEMBER``: the contract's member matching, every field, every format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result
from test_list import MEMBER_KEYS, TERMINAL, check_golden, edit_registry, plain

Run = Callable[..., Result]


@pytest.mark.parametrize(
    ("reference", "member_id"),
    [("mlpd", "mlpd"), ("MLPD", "mlpd"), ("БКП", "bkp"), ("bkp", "bkp"), ("Bkp", "bkp"),
     ("BP (NK-T)", "bp-nk-t"), ("bp nk t", "bp-nk-t"), ("brp(k)", "brp-k"),
     ("CPA/ML", "cpa-ml")],
)
def test_member_reference(invoke: Run, registry_file: Path, reference: str,
                          member_id: str) -> None:
    result = invoke("show", reference, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == member_id


def test_json_has_every_field(icor: Run, registry_file: Path) -> None:
    edit_registry(registry_file, 'region = "Asia"\nstatus = "inactive"\nfounding = true',
                  'region = "Asia"\nstatus = "inactive"\nfounding = true\n'
                  'joined = 2010-10-06\ndeactivated = 2015-01-02\n'
                  'deactivation_reason = "dissolved"\nnotes = "a note"')
    result = icor("show", "aptuf", "-f", "json")
    record = json.loads(result.stdout)
    assert set(record) >= MEMBER_KEYS
    assert record["joined"] == "2010-10-06"
    assert record["deactivated"] == "2015-01-02"
    assert record["deactivation_reason"] == "dissolved"
    assert record["notes"] == "a note"
    assert record["founding"] is True


def test_machine_formats(icor: Run, registry_file: Path) -> None:
    assert json.loads(icor("show", "bkp", "-f", "jsonl").stdout)["abbreviation"] == "БКП"
    rows = list(csv.DictReader(io.StringIO(icor("show", "bkp", "-f", "csv").stdout)))
    assert len(rows) == 1 and rows[0]["name"] == "Българска Комунистическа Партия"
    piped = icor("show", "bkp", env={"COLUMNS": "40"})
    rows = list(csv.DictReader(io.StringIO(piped.stdout), delimiter="\t"))
    assert len(rows) == 1 and rows[0]["name_en"] == "Bulgarian Communist Party"
    assert "\x1b" not in piped.stdout


def test_table_shows_every_field_literally(icor: Run, registry_file: Path) -> None:
    result = icor("show", "krasnyj-klin", env=TERMINAL)
    assert result.exit_code == 0
    text = plain(result.stdout)
    for key in MEMBER_KEYS:
        assert key in text
    assert "[Red Wedge]" in text
    assert "BY (Belarus)" in text
    check_golden("show-krasnyj-klin.txt", text)


def test_unknown_member_suggests(icor: Run, registry_file: Path) -> None:
    result = icor("show", "mlpx")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("icor: error: no member 'mlpx'")
    assert "did you mean" in result.stderr and "mlpd" in result.stderr


def test_ambiguous_member_lists_candidates(icor: Run, registry_file: Path) -> None:
    text = registry_file.read_text(encoding="utf-8")
    registry_file.write_text(
        text + '\n[members.mlpd-two]\nabbreviation = "M.L.P.D."\nname = "Another"\n'
        'country = "DE"\nregion = "Europe"\nstatus = "active"\nfounding = false\n',
        encoding="utf-8")
    result = icor("show", "m l p d")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr
    assert "mlpd (MLPD, DE)" in result.stderr and "mlpd-two (M.L.P.D., DE)" in result.stderr
    assert icor("show", "mlpd").exit_code == 0  # the id still wins


def test_missing_argument_exits_2(icor: Run, registry_file: Path) -> None:
    result = icor("show")
    assert result.exit_code == 2
    assert "MEMBER" in result.stderr


@pytest.mark.parametrize("columns", ["20", "30", "35", "40", "60"])
def test_table_never_cuts_a_value(registry_file: Path, icor: Run, columns: str) -> None:
    """Narrow terminals wrap values (below a 16-column value, under the field's name);
    every word of every field is still there."""
    result = icor("show", "pcc-cpi-ml", env={**TERMINAL, "COLUMNS": columns})
    assert result.exit_code == 0, result.stderr
    words = plain(result.stdout).split()
    assert "…" not in result.stdout
    for word in ("pcc-cpi-ml", "Provisional", "(Marxist-Leninist)", "deactivation_reason"):
        assert word in words
