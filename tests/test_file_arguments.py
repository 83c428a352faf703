"""``icor validate FILE...`` and ``icor fmt [--check] FILE...`` (each file on its own, one
summary, the worst exit code), and ``-r`` after the command name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SHIPPED, Result

Run = Callable[..., Result]


def _good(tmp_path: Path, name: str = "good.toml") -> Path:
    path = tmp_path / name
    path.write_bytes(SHIPPED.read_bytes())
    return path


def _bad_counts(tmp_path: Path, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(SHIPPED.read_text(encoding="utf-8").replace("active = 57\n", "active = 58\n",
                                                                1), encoding="utf-8")
    return path


def _not_canonical(tmp_path: Path, name: str = "loose.toml") -> Path:
    path = tmp_path / name
    path.write_text(SHIPPED.read_text(encoding="utf-8").replace("\n[members.", "\n\n[members.", 1),
                    encoding="utf-8")
    return path


def test_validate_files_each_on_its_own(icor: Run, tmp_path: Path) -> None:
    good, bad = _good(tmp_path), _bad_counts(tmp_path)
    done = icor("validate", "good.toml", "bad.toml", cwd=tmp_path)
    assert done.exit_code == 1
    assert done.stdout.splitlines() == [
        "good.toml: 59 members (57 active, 2 inactive) in 45 countries: no problems",
        "bad.toml: 59 members (57 active, 2 inactive) in 45 countries: 1 error, 0 warnings",
        "2 files checked, 1 failed",
    ]
    assert done.stderr.startswith("bad.toml:20:1: error: stated active is 58 but the registry "
                                  "has 57 active members")
    assert done.stderr.endswith("[counts]\n") and done.stderr.count("\n") == 1
    assert good.read_bytes() == SHIPPED.read_bytes()
    assert bad.exists()


def test_validate_all_good_files_exit_0(icor: Run, tmp_path: Path) -> None:
    _good(tmp_path, "a.toml")
    _good(tmp_path, "b.toml")
    done = icor("validate", "a.toml", "b.toml", cwd=tmp_path)
    assert done.exit_code == 0, done.stderr
    assert done.stdout.endswith("2 files checked, 0 failed\n")


def test_validate_missing_file_among_others_is_exit_3_after_checking_the_rest(
        icor: Run, tmp_path: Path) -> None:
    _good(tmp_path)
    done = icor("validate", "missing.toml", "good.toml", cwd=tmp_path)
    assert done.exit_code == 3
    assert done.stderr == "icor: error: missing.toml: no such file\n"
    assert "good.toml: 59 members" in done.stdout
    assert done.stdout.endswith("2 files checked, 0 failed, 1 could not be read\n")


def test_validate_single_missing_file_is_one_line(icor: Run, tmp_path: Path) -> None:
    done = icor("validate", "missing.toml", cwd=tmp_path)
    assert (done.exit_code, done.stdout) == (3, "")
    assert done.stderr == "icor: error: missing.toml: no such file\n"


def test_validate_json_of_several_files_is_one_array(icor: Run, tmp_path: Path) -> None:
    import json

    _good(tmp_path)
    _bad_counts(tmp_path)
    done = icor("validate", "--format", "json", "good.toml", "bad.toml", cwd=tmp_path)
    assert done.exit_code == 1
    findings = json.loads(done.stdout)
    assert [(f["file"], f["check"]) for f in findings] == [("bad.toml", "counts")]


def test_validate_strict_applies_to_every_file(icor: Run, tmp_path: Path) -> None:
    _good(tmp_path)
    _not_canonical(tmp_path)  # a format warning
    assert icor("validate", "good.toml", "loose.toml", cwd=tmp_path).exit_code == 0
    strict = icor("validate", "--strict", "good.toml", "loose.toml", cwd=tmp_path)
    assert strict.exit_code == 1
    assert strict.stdout.endswith("2 files checked, 1 failed\n")


def test_files_take_precedence_over_the_registry_in_use(icor: Run, tmp_path: Path) -> None:
    _bad_counts(tmp_path)
    done = icor("validate", "bad.toml", cwd=tmp_path, env={"ICOR_REGISTRY": str(SHIPPED)})
    assert done.exit_code == 1
    assert done.stdout.startswith("bad.toml:")


def test_fmt_check_files(icor: Run, tmp_path: Path) -> None:
    good, loose = _good(tmp_path), _not_canonical(tmp_path)
    before = loose.read_bytes()
    done = icor("fmt", "--check", "good.toml", "loose.toml", cwd=tmp_path)
    assert done.exit_code == 1
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "good.toml: already in canonical form",
        "loose.toml: not in canonical form (run `icor fmt`)",
        "2 files: 1 not in canonical form, 1 already in canonical form",
    ]
    assert loose.read_bytes() == before
    assert good.read_bytes() == SHIPPED.read_bytes()


def test_fmt_rewrites_each_file(icor: Run, tmp_path: Path) -> None:
    _good(tmp_path)
    loose = _not_canonical(tmp_path)
    done = icor("fmt", "good.toml", "loose.toml", cwd=tmp_path)
    assert done.exit_code == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "2 files: 1 rewritten, 1 already in canonical form"
    assert loose.read_bytes() == SHIPPED.read_bytes()


def test_fmt_one_bad_file_does_not_stop_the_others(icor: Run, tmp_path: Path) -> None:
    loose = _not_canonical(tmp_path)
    broken = tmp_path / "broken.toml"
    broken.write_text("schema_version = \n", encoding="utf-8")
    done = icor("fmt", "broken.toml", "loose.toml", cwd=tmp_path)
    assert done.exit_code == 1
    assert done.stderr.startswith("broken.toml:1:")
    assert done.stderr.splitlines()[-1] == "2 files: 1 rewritten, 1 failed"
    assert loose.read_bytes() == SHIPPED.read_bytes()
    assert broken.read_text(encoding="utf-8") == "schema_version = \n"


@pytest.mark.parametrize("args", [
    ["validate", "-r", "bad.toml"],
    ["validate", "--registry", "bad.toml"],
    ["validate", "--registry=bad.toml"],
])
def test_registry_option_after_the_command(icor: Run, tmp_path: Path, args: list[str]) -> None:
    _bad_counts(tmp_path)
    done = icor(*args, cwd=tmp_path, env={"ICOR_REGISTRY": str(SHIPPED)})
    assert done.exit_code == 1
    assert done.stdout.startswith("bad.toml: 59 members")


def test_registry_option_after_the_command_wins(icor: Run, tmp_path: Path) -> None:
    _bad_counts(tmp_path)
    done = icor("-r", str(SHIPPED), "validate", "-r", "bad.toml", cwd=tmp_path)
    assert done.exit_code == 1
    assert done.stdout.startswith("bad.toml:")


def test_registry_option_after_read_and_write_commands(invoke: Run, tmp_path: Path) -> None:
    path = _good(tmp_path, "registry.toml")
    shown = invoke("show", "bkp", "-r", str(path), "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert '"id": "bkp"' in shown.stdout
    done = invoke("deactivate", "mlpd", "-r", str(path), "--date", "2025-01-01")
    assert done.exit_code == 0, done.stderr
    assert 'status = "inactive"' in path.read_text(encoding="utf-8")


def test_registry_option_is_in_every_commands_help(invoke: Run) -> None:
    for command in ("list", "validate", "fmt", "add"):
        assert "-r, --registry PATH" in invoke(command, "--help").stdout


def test_registry_from_stdin_after_the_command(icor: Run, tmp_path: Path) -> None:
    done = icor("list", "-r", "-", "--country", "BG", "--fields", "id",
                input=SHIPPED.read_text(encoding="utf-8"), cwd=tmp_path)
    assert (done.exit_code, done.stdout) == (0, "id\nbkp\nbrp-k\n"), done.stderr
