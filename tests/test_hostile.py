"""Hostile data stays data: no workflow command, no terminal control, no markup, no
invisible characters, bounded cost, located findings for pathological TOML."""

from __future__ import annotations

import resource
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURE, Result, _icor_command

Run = Callable[..., Result]
INJECTED = "x\n::error::pwned"


def no_workflow_command(text: str) -> None:
    """No line the runner would read as a command, unless icor means it (annotations
    from ``validate -f github`` start ``::error file=`` or ``::warning file=``)."""
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith("::"):
            assert stripped.startswith(("::error file=", "::warning file=")), line


def with_key(path: Path, key: str) -> None:
    text = path.read_text(encoding="utf-8")
    escaped = key.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    path.write_text(text.replace("[members.mlpd]\n", f'[members.mlpd]\n"{escaped}" = 1\n', 1),
                    encoding="utf-8")


def with_name(path: Path, name: str) -> None:
    text = path.read_text(encoding="utf-8")
    escaped = name.replace("\\", "\\\\").replace('"', '\\"')
    for char in "\n\r\x1b\x07\u202e\u2066":
        escaped = escaped.replace(char, f"\\u{ord(char):04x}")
    path.write_text(text.replace('name = "Bloque Democratico Popular"', f'name = "{escaped}"', 1),
                    encoding="utf-8")


@pytest.mark.parametrize("args", [
    ("fmt", "--check"), ("validate",), ("validate", "-f", "github"), ("validate", "-f", "json"),
    ("list",), ("add", "-a", "X", "-n", "Y", "-c", "DE"), ("fmt",),
])
def test_a_hostile_key_cannot_start_a_workflow_command(icor: Run, registry_file: Path,
                                                       args: tuple[str, ...]) -> None:
    with_key(registry_file, INJECTED)
    result = icor(*args, env={"GITHUB_ACTIONS": "true"})
    assert result.exit_code in (1, 2)
    no_workflow_command(result.stdout)
    no_workflow_command(result.stderr)


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_a_path_with_a_line_break_cannot_start_a_workflow_command(
    icor: Run, tmp_path: Path, fmt: str
) -> None:
    directory = tmp_path / "a\n::error::pwned"
    directory.mkdir()
    (directory / "registry.toml").write_bytes(FIXTURE.read_bytes())
    for name in ("registry.toml", "missing.toml"):
        result = icor("-r", str(directory / name), "validate", "-f", fmt, cwd=tmp_path)
        no_workflow_command(result.stdout)
        no_workflow_command(result.stderr)


@pytest.mark.parametrize("args", [("list", "-f", "table"), ("show", "bdp", "-f", "table"),
                                  ("search", "Bloque", "-f", "table"), ("list", "-f", "tsv"),
                                  ("stats", "--by", "country", "-f", "table")])
def test_escape_sequences_in_data_never_reach_the_terminal(
    icor: Run, registry_file: Path, args: tuple[str, ...]
) -> None:
    with_name(registry_file, "Bloque \x1b[2J\x1b]0;owned\x07 \u202eRED\r::warning::x")
    result = icor(*args, env={"ICOR_FORCE_TERMINAL": "1", "COLUMNS": "200"})
    assert result.exit_code == 0, result.stderr
    data = result.stdout.replace("\x1b[", "")  # Rich's own styling codes start so
    assert "\x1b" not in data.replace("\x1b[0m", "")
    for char in ("\x07", "\u202e", "\r"):
        assert char not in result.stdout
    if "show" in args:
        assert "\\x1b[2J" in result.stdout and "\\u202e" in result.stdout


def test_csv_quotes_a_bare_carriage_return(icor: Run, registry_file: Path) -> None:
    import csv
    import io

    with_name(registry_file, "Bloque\rDemocratico, \"Popular\"")
    done = subprocess.run([*_icor_command(), "list", "-f", "csv"], capture_output=True,
                          check=True)
    rows = list(csv.reader(io.StringIO(done.stdout.decode("utf-8"), newline="")))
    assert len(rows) == 60  # header + 59 members: the CR did not split a row
    assert [row[2] for row in rows if row[0] == "bdp"] == ["Bloque\rDemocratico, \"Popular\""]


def test_rich_markup_in_a_path_is_text(icor: Run, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from icor_cli.render import findings

    directory = tmp_path / "[bold]x[/]"
    directory.mkdir(parents=True)
    path = directory / "registry.toml"
    path.write_text(FIXTURE.read_text(encoding="utf-8").replace("total = 59", "total = 58"),
                    encoding="utf-8")
    monkeypatch.setattr(findings, "is_terminal", lambda stream: True)
    monkeypatch.setenv("ICOR_REGISTRY", str(path))
    monkeypatch.chdir(tmp_path)
    from typer.testing import CliRunner

    from icor_cli.cli import app

    result = CliRunner().invoke(app, ["validate"])
    assert result.exit_code == 1
    assert "[bold]x[/]/registry.toml:22:1" in result.stderr
    assert "stated total is 58" in result.stderr


@pytest.mark.parametrize("char", ["\u2066", "\u202e", "\u2060", "\u00ad", "\U000e0041",
                                  "\u200d", "\ufe0f", "\u180e"])
def test_invisible_characters_are_refused(icor: Run, registry_file: Path, char: str) -> None:
    before = registry_file.read_bytes()
    result = icor("add", "-a", "NKP", "-n", f"Neue{char} Partei", "-c", "DE")
    assert result.exit_code in (1, 2), result.stderr
    assert registry_file.read_bytes() == before
    with_name(registry_file, f"Bloque{char}Popular")
    result = icor("validate", "--strict")
    assert result.exit_code == 1
    assert "invisible character" in result.stderr


@pytest.mark.parametrize("value", ["=HYPERLINK(\"x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_a_formula_start_is_a_warning(icor: Run, registry_file: Path, value: str) -> None:
    with_name(registry_file, value)
    result = icor("validate")
    assert result.exit_code == 0
    assert "formula" in result.stderr
    assert icor("validate", "--strict").exit_code == 1


def _limited(args: list[str], memory: int, cwd: Path) -> tuple[subprocess.CompletedProcess[str],
                                                             float]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    started = time.monotonic()
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=cwd,
                          preexec_fn=limit)
    return done, time.monotonic() - started


@pytest.mark.parametrize("name", ["a" * 400_000 + "é", "aé" * 200_000, "a " * 200_000 + "x",
                                  "Ш" * 200_000 + "a"],
                         ids=["long-word", "mixed", "many-words", "cyrillic"])
def test_long_values_cost_linear_time_and_bounded_memory(registry_file: Path,
                                                         name: str) -> None:
    with_name(registry_file, name)
    command = [*_icor_command(), "validate"]
    done, seconds = _limited(command, 1 << 30, registry_file.parent)
    assert done.returncode in (0, 1), done.stderr[-500:]
    assert seconds < 20
    assert all(len(line) < 2000 for line in done.stderr.splitlines())  # excerpts, bounded


@pytest.mark.parametrize(("replace", "line", "message"), [
    (("total = 59", "total = " + "9" * 5000), 22, "more than 4,300 digits"),
    (("schema_version = 1", "schema_version = 1\nx = " + "[" * 2000 + "]" * 2000), 2,
     "nested more than"),
    (("schema_version = 1", "schema_version = 1\nx = " + "{a=" * 2000 + "1" + "}" * 2000), 2,
     "nested more than"),
    # tomli 2.1 reads it (a schema error: unknown field), later versions recurse too deep
    (("[members.mlpd]\n", "[members.mlpd]\n" + ".".join(["a"] * 5000) + " = 1\n"), 223,
     ""),
    (("schema_version = 1", "schema_version = true"), 1, "must be the integer 1"),
    (("schema_version = 1", "schema_version = 1.0"), 1, "must be the integer 1"),
], ids=["huge-integer", "deep-arrays", "deep-inline-tables", "long-dotted-key",
        "version-true", "version-float"])
def test_pathological_toml_gives_a_located_finding(
    icor: Run, registry_file: Path, replace: tuple[str, str], line: int, message: str
) -> None:
    text = registry_file.read_text(encoding="utf-8")
    registry_file.write_text(text.replace(*replace, 1), encoding="utf-8")
    result = icor("validate")
    assert result.exit_code == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"registry.toml:{line}:"), first
    assert message in first




def test_the_step_summary_stays_under_githubs_limit(icor: Run, tmp_path: Path) -> None:
    """Thousands of findings quoting long keys, under a long path: the summary is
    bounded (GitHub refuses a step summary over 1 MiB)."""
    directory = tmp_path / ("d" * 200) / ("e" * 200)
    directory.mkdir(parents=True)
    path = directory / "registry.toml"
    extra = "".join(f'{"k" * 3000}{number} = 1\n' for number in range(1500))
    path.write_text(FIXTURE.read_text(encoding="utf-8").replace(
        "[members.mlpd]\n", "[members.mlpd]\n" + extra, 1), encoding="utf-8")
    summary = tmp_path / "summary.md"
    result = icor("-r", str(path), "validate", "-f", "github",
                  env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    assert 0 < summary.stat().st_size < 1024 * 1024
    assert all(len(line) < 2000 for line in result.stdout.splitlines())


@pytest.mark.parametrize("field", ["name_en", "notes", "deactivation_reason", "abbreviation"])
def test_hygiene_checks_every_free_text_field(icor: Run, registry_file: Path,
                                              field: str) -> None:
    """Optional fields too (their type is ``FreeText | None``)."""
    from icor_cli.models import FREE_TEXT_FIELDS

    assert field in FREE_TEXT_FIELDS
    text = registry_file.read_text(encoding="utf-8")
    member = "aptuf" if field == "deactivation_reason" else "mlpd"
    header = f"[members.{member}]\n"
    block_end = text.index("\n\n", text.index(header))
    block = text[text.index(header):block_end]
    lines = [line for line in block.split("\n") if not line.startswith(f"{field} = ")]
    lines.insert(1, f'{field} = "a\\u202eb"')
    registry_file.write_text(text.replace(block, "\n".join(lines)), encoding="utf-8")
    result = icor("validate")
    assert result.exit_code == 1, result.stderr
    assert f"members.{member}.{field} contains control or invisible character U+202E" in (
        result.stderr)


def test_diffs_on_a_terminal_show_control_characters_escaped(icor: Run,
                                                             registry_file: Path) -> None:
    with_name(registry_file, "Bloque \u202eRED\x1b[2J")
    result = icor("fmt", "--diff", env={"ICOR_FORCE_TERMINAL": "1"})
    assert "\u202e" not in result.stdout and "\x1b[2J" not in result.stdout
    assert icor("fmt").exit_code == 0  # canonical form writes the bidi override raw
    text = registry_file.read_text(encoding="utf-8")
    registry_file.write_text(text.replace('name_en = "Popular Democratic Bloc"',
                                          'name_en = "Popular \u202eRED Bloc"'), encoding="utf-8")
    result = icor("deactivate", "bdp", "--dry-run", env={"ICOR_FORCE_TERMINAL": "1"})
    assert "RED" in result.stdout
    assert "\u202e" not in result.stdout and "\\u202e" in result.stdout
    piped = icor("deactivate", "bdp", "--dry-run")
    assert "\u202e" in piped.stdout  # piped, the diff is data, as in the file


def test_github_annotations_escape_every_control_character(icor: Run,
                                                           registry_file: Path) -> None:
    with_key(registry_file, "\r::error::cr\n::error::lf\x1b]8;;http://evil\x07x\u2028")
    result = icor("validate", "-f", "github")
    for char in ("\x1b", "\x07", "\u2028", "\r"):
        assert char not in result.stdout
    no_workflow_command(result.stdout)
