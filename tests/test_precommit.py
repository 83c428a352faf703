"""The pre-commit hooks, run the way a user's repository runs them.

``pre-commit try-repo`` clones this repository at its HEAD (committed code only), installs
it into a fresh virtualenv from PyPI and runs a hook in a scratch git repository that
holds a registry. That needs pre-commit and a package index; without them the tests skip
and say why.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT

# pip's ways of saying it could not reach an index: skip, do not fail.
_OFFLINE = (
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Could not fetch URL",
    "No matching distribution found",
    "Network is unreachable",
    "ProxyError",
)


def _pre_commit() -> list[str] | None:
    found = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if found:
        return [found]
    found = shutil.which("pre-commit")
    return [found] if found else None


@dataclass
class TryRepo:
    """Runs ``pre-commit try-repo <this repo> HOOK --all-files`` in a scratch repository."""

    command: list[str]
    home: Path
    scratch: Path

    def run(self, hook: str, registry: str) -> subprocess.CompletedProcess[str]:
        (self.scratch / "registry.toml").write_text(registry, encoding="utf-8")
        git(self.scratch, "add", "registry.toml")
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("GITHUB_", "ICOR_", "PRE_COMMIT"))}
        env["PRE_COMMIT_HOME"] = str(self.home)
        done = subprocess.run(
            [*self.command, "try-repo", str(ROOT), hook, "--ref", "HEAD", "--all-files",
             "--verbose", "--color", "never"],
            cwd=self.scratch, env=env, capture_output=True, text=True, timeout=900,
        )
        output = done.stdout + done.stderr
        if done.returncode != 0 and any(sign in output for sign in _OFFLINE):
            pytest.skip(f"pre-commit could not install the hook from the package index:\n"
                        f"{output[-2000:]}")
        return done


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def try_repo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TryRepo]:
    command = _pre_commit()
    if command is None:
        pytest.skip("pre-commit is not installed (pip install pre-commit)")
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True)
    if head.returncode != 0:
        pytest.skip("the project is not a git checkout with a commit: try-repo clones HEAD")
    scratch = tmp_path_factory.mktemp("scratch-repo")
    git(scratch, "init", "--quiet")
    # One cache for the module: the hook's virtualenv is built once, not per test.
    yield TryRepo(command, tmp_path_factory.mktemp("pre-commit-home"), scratch)


def good_registry() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def bad_registry() -> str:
    """Stated counts that no longer match: one finding, exit 1."""
    return good_registry().replace("active = 57\n", "active = 58\n", 1)


def test_hook_file_names_both_hooks() -> None:
    yaml = pytest.importorskip("yaml")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    assert set(by_id) == {"icor-validate", "icor-fmt"}
    for hook in hooks:
        assert hook["language"] == "python"
        assert hook["files"] == r"(^|/)registry\.toml$"
    assert "validate" in by_id["icor-validate"]["entry"]
    assert "fmt --check" in by_id["icor-fmt"]["entry"]


def test_icor_validate_hook_passes_on_a_good_registry(try_repo: TryRepo) -> None:
    done = try_repo.run("icor-validate", good_registry())
    assert done.returncode == 0, done.stdout + done.stderr
    assert "icor validate" in done.stdout
    assert "Passed" in done.stdout


def test_icor_validate_hook_fails_on_a_bad_registry(try_repo: TryRepo) -> None:
    done = try_repo.run("icor-validate", bad_registry())
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Failed" in done.stdout
    assert "stated active is 58 but the registry has 57 active members" in done.stdout


def test_icor_validate_hook_checks_a_registry_in_a_subdirectory(try_repo: TryRepo) -> None:
    nested = try_repo.scratch / "data"
    nested.mkdir(exist_ok=True)
    (nested / "registry.toml").write_text(bad_registry(), encoding="utf-8")
    git(try_repo.scratch, "add", "data/registry.toml")
    try:
        done = try_repo.run("icor-validate", good_registry())
        assert done.returncode == 1, done.stdout + done.stderr
        assert "data/registry.toml" in done.stdout
    finally:
        git(try_repo.scratch, "rm", "--quiet", "--cached", "data/registry.toml")
        (nested / "registry.toml").unlink()


def _has_fmt() -> bool:
    from typer.testing import CliRunner

    from icor_cli.cli import app

    return CliRunner().invoke(app, ["fmt", "--help"]).exit_code == 0


@pytest.mark.skipif(not _has_fmt(), reason="`icor fmt` is not part of this build yet")
def test_icor_fmt_hook(try_repo: TryRepo) -> None:
    good = try_repo.run("icor-fmt", good_registry())
    assert good.returncode == 0, good.stdout + good.stderr
    not_canonical = good_registry().replace("\n[members.", "\n\n[members.", 1)
    bad = try_repo.run("icor-fmt", not_canonical)
    assert bad.returncode == 1, bad.stdout + bad.stderr
