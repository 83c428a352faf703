"""``icor validate`` inside GitHub Actions: annotations on the diff, and a step summary."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURE, Result

from icor_cli.errors import Finding
from icor_cli.render.findings import annotation_path, github_line

Run = Callable[..., Result]

ANNOTATION = re.compile(r"^::(error|warning) file=([^,]+),line=(\d+),col=(\d+),title=[^:]+::(.+)$")


@pytest.fixture
def actions(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The environment of a GitHub Actions step; returns the step summary file."""
    summary = tmp_path / "step_summary.md"
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    return summary


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def break_counts(path: Path) -> str:
    """Stated active one too low, overall and in Asia."""
    text = path.read_text(encoding="utf-8")
    text = text.replace("active = 57\n", "active = 56\n", 1).replace("Asia = 9\n", "Asia = 8\n", 1)
    path.write_text(text, encoding="utf-8")
    return text


def test_annotations_by_default_under_actions(icor: Run, registry_file: Path,
                                              actions: Path) -> None:
    text = break_counts(registry_file)
    result = icor("validate")
    assert result.exit_code == 1
    annotations = [ANNOTATION.match(line) for line in result.stdout.splitlines()
                   if line.startswith("::")]
    assert len(annotations) == 2
    assert all(match is not None for match in annotations)
    first, second = (m for m in annotations if m is not None)
    assert first.group(1) == "error"
    assert first.group(2) == "registry.toml"
    assert int(first.group(3)) == line_of(text, "active = 56")
    assert first.group(5) == ("stated active is 56 but the registry has 57 active members; "
                               "run 'icor stated sync' once the published figures match")
    assert int(second.group(3)) == line_of(text, "Asia = 8")
    assert "Asia" in second.group(5)


def test_explicit_format_wins_over_actions(icor: Run, registry_file: Path,
                                           actions: Path) -> None:
    break_counts(registry_file)
    text = icor("validate", "--format", "text")
    assert text.exit_code == 1
    assert "::error" not in text.stdout + text.stderr
    assert "registry.toml:" in text.stderr
    as_json = icor("validate", "--format", "json")
    assert as_json.stdout.lstrip().startswith("[")
    assert not actions.exists()  # the step summary belongs to the github format


def test_text_outside_actions(icor: Run, registry_file: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    break_counts(registry_file)
    result = icor("validate")
    assert "::error" not in result.stdout
    assert "error: stated active is 56" in result.stderr


def test_step_summary_has_findings_and_stated_vs_actual(icor: Run, registry_file: Path,
                                                        actions: Path) -> None:
    actions.write_text("## an earlier step\n", encoding="utf-8")
    text = break_counts(registry_file)
    assert icor("validate").exit_code == 1
    summary = actions.read_text(encoding="utf-8")
    assert summary.startswith("## an earlier step\n")  # appended, not overwritten
    assert "## ❌ icor validate: `registry.toml`" in summary
    assert (f"| ❌ error | `registry.toml:{line_of(text, 'active = 56')}:1` | counts | "
            "stated active is 56 but the registry has 57 active members; run 'icor stated "
            "sync' once the published figures match |") in summary
    assert "### Stated vs actual" in summary
    assert "| active | 56 | 57 | ❌ +1 |" in summary
    assert "| active in Asia | 8 | 9 | ❌ +1 |" in summary
    assert "| total | 59 | 59 | ✅ |" in summary
    assert "| active in Europe | 26 | 26 | ✅ |" in summary


def test_step_summary_of_a_clean_registry(icor: Run, registry_file: Path,
                                          actions: Path) -> None:
    result = icor("validate", "--strict")
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "::" not in result.stdout
    summary = actions.read_text(encoding="utf-8")
    assert "## ✅ icor validate" in summary
    assert "59 members (57 active, 2 inactive) in 45 countries: no problems" in summary
    assert "| active | 57 | 57 | ✅ |" in summary


def test_unparseable_registry_still_named_in_summary(icor: Run, registry_file: Path,
                                                     actions: Path) -> None:
    registry_file.write_text('schema_version = 1\nregions = ["Asia"\n', encoding="utf-8")
    result = icor("validate")
    assert result.exit_code == 1
    assert result.stdout.startswith("::error file=registry.toml,line=")
    assert "title=icor syntax::TOML syntax" in result.stdout
    summary = actions.read_text(encoding="utf-8")
    assert "could not be loaded" in summary
    assert "| ❌ error | `registry.toml:" in summary
    assert "TOML syntax" in summary
    assert "Stated vs actual" not in summary


def test_missing_registry_named_in_summary(icor: Run, tmp_path: Path, actions: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = icor("-r", "nowhere/registry.toml", "validate")
    assert result.exit_code == 3
    assert "icor: error: nowhere/registry.toml: no such file" in result.stderr
    assert result.stdout.startswith("::error file=nowhere/registry.toml,")
    assert "could not be read: nowhere/registry.toml: no such file" in actions.read_text(
        encoding="utf-8")


def test_unwritable_summary_is_a_warning_not_a_crash(icor: Run, registry_file: Path,
                                                     actions: Path,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     tmp_path: Path) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "such" / "dir.md"))
    clean = icor("validate")
    assert clean.exit_code == 0
    assert "icor: warning: cannot write the step summary to " in clean.stderr
    assert "Traceback" not in clean.stderr
    summary_dir = tmp_path / "a-directory"
    summary_dir.mkdir()
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary_dir))
    break_counts(registry_file)
    broken = icor("validate")
    assert broken.exit_code == 1  # the findings decide the exit code, not the summary
    assert "cannot write the step summary" in broken.stderr
    assert "::error file=registry.toml" in broken.stdout


def test_paths_are_relative_to_the_workspace(icor: Run, tmp_path: Path, actions: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """A registry found upward from a subdirectory, or given as an absolute path, is
    annotated with its path from the repository root, or GitHub cannot place it."""
    data = tmp_path / "data"
    (data / "deep").mkdir(parents=True)
    shutil.copyfile(FIXTURE, data / "registry.toml")
    break_counts(data / "registry.toml")
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    from_below = icor("validate", cwd=data / "deep")
    assert "::error file=data/registry.toml,line=" in from_below.stdout
    absolute = icor("-r", str(data / "registry.toml"), "validate", cwd=tmp_path)
    assert "::error file=data/registry.toml,line=" in absolute.stdout


def test_annotation_path_outside_the_workspace_is_kept(tmp_path: Path) -> None:
    inside = tmp_path / "ws" / "registry.toml"
    assert annotation_path(str(inside), str(tmp_path / "ws")) == "registry.toml"
    elsewhere = tmp_path / "other" / "registry.toml"
    assert annotation_path(str(elsewhere), str(tmp_path / "ws")) == str(elsewhere)


def test_annotation_escaping() -> None:
    finding = Finding("hygiene", "warning", "a,b:c.toml", "50% done\nsecond line", 3, 7)
    line = github_line(finding)
    assert line == ("::warning file=a%2Cb%3Ac.toml,line=3,col=7,title=icor hygiene::"
                    "50%25 done%0Asecond line")


def test_summary_escapes_table_cells(icor: Run, registry_file: Path, actions: Path) -> None:
    text = registry_file.read_text(encoding="utf-8")
    for abbreviation in ('"APTUF"', '"BDP"'):  # the same odd abbreviation twice
        text = text.replace(f"abbreviation = {abbreviation}", 'abbreviation = "A | <b>"', 1)
    registry_file.write_text(text, encoding="utf-8")
    assert icor("validate").exit_code == 1
    summary = actions.read_text(encoding="utf-8")
    rows = [row for row in summary.splitlines() if "uniqueness" in row]
    assert rows
    for row in rows:
        assert len(re.split(r"(?<!\\)\|", row)) == 6, row  # 4 cells: no pipe splits the row
        assert "A \\| &lt;b>" in row


def test_project_workflow_runs_ci_script_on_every_python_and_the_lowest_versions() -> None:
    yaml = pytest.importorskip("yaml")
    from conftest import ROOT

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(
        encoding="utf-8"))
    test = workflow["jobs"]["test"]
    assert test["runs-on"] == "ubuntu-latest"
    assert test["strategy"]["matrix"]["python-version"] == ["3.11", "3.12", "3.13"]
    assert any("bash .ci/run" in step.get("run", "") for step in test["steps"])
    lowest = workflow["jobs"]["lowest"]
    assert any("--resolution lowest-direct" in step.get("run", "") for step in lowest["steps"])
    assert any("python -m pytest" in step.get("run", "") for step in lowest["steps"])


def test_annotation_path_of_a_symlinked_registry(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    target = tmp_path / "elsewhere.toml"
    target.write_text("", encoding="utf-8")
    (workspace / "registry.toml").symlink_to(target)
    assert annotation_path(str(workspace / "registry.toml"), str(workspace)) == "registry.toml"
    linked = tmp_path / "linked-ws"
    linked.symlink_to(workspace)
    assert annotation_path(str(workspace / "x" / "registry.toml"), str(linked)) == (
        "x/registry.toml")
