"""Shared fixtures: a private copy of the registry per test, and two ways to run icor.

``icor`` runs the installed console script in a subprocess (what users and scripts do);
``invoke`` runs the Typer app in-process with CliRunner (fast, for many small cases).
Both point ICOR_REGISTRY at the copy, so no test touches the real file.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "registry.toml"  # the live data: only for tests about the shipped registry
FIXTURE = ROOT / "tests" / "data" / "registry.toml"  # frozen: what behaviour tests run on


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


def _icor_command() -> list[str]:
    script = shutil.which("icor", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "icor_cli"]


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite runs in GitHub Actions too, where these would switch `validate` to
    annotations; tests that want them set them."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE", "ICOR_DEBUG"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _no_internal_error_reported(request: pytest.FixtureRequest,
                                monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test fails on an internal error icor reports in-process, however the test
    ran it (the ``icor`` and ``invoke`` fixtures also check subprocess output), unless
    it is marked ``provokes_bug``."""
    from icor_cli import errors

    reported: list[BaseException] = []
    report_bug = errors.report_bug

    def recording(error: BaseException) -> None:
        reported.append(error)
        report_bug(error)

    monkeypatch.setattr(errors, "report_bug", recording)
    yield
    if request.node.get_closest_marker("provokes_bug") is None:
        assert not reported, f"icor reported an internal error: {reported!r}"


#: The frozen clock of every test: what icor takes as today (see icor_cli.clock).
TODAY = dt.date(2026, 3, 15)


@pytest.fixture(autouse=True)
def _frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dates that default to today are the same on every day the suite runs."""
    epoch = dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=dt.UTC).timestamp()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(epoch)))


@pytest.fixture
def registry_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the frozen fixture registry in tmp_path; ICOR_REGISTRY points at it."""
    path = tmp_path / "registry.toml"
    shutil.copyfile(FIXTURE, path)
    monkeypatch.setenv("ICOR_REGISTRY", str(path))
    monkeypatch.chdir(tmp_path)
    return path


def _no_internal_error(request: pytest.FixtureRequest, result: Result) -> Result:
    """Every run through the fixtures fails its test on an ``internal error`` (a bug),
    unless the test is marked ``provokes_bug``."""
    if request.node.get_closest_marker("provokes_bug") is None:
        assert "internal error" not in result.stderr + result.stdout, result.stderr
    return result


@pytest.fixture
def icor(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Callable[..., Result]:
    """Run the installed ``icor`` (stdout is a pipe, so never a terminal)."""
    monkeypatch.delenv("ICOR_DEBUG", raising=False)

    def run(*args: str, input: str | None = None, env: dict[str, str | None] | None = None,
            cwd: Path | None = None) -> Result:
        """``env`` adds to the environment; a value of None removes the variable."""
        merged = {**os.environ, **(env or {})}
        full_env = {key: value for key, value in merged.items() if value is not None}
        done = subprocess.run(
            [*_icor_command(), *args], capture_output=True, text=True, input=input,
            env=full_env, cwd=cwd, timeout=120,
        )
        return _no_internal_error(request, Result(done.returncode, done.stdout, done.stderr))

    return run


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch,
           request: pytest.FixtureRequest) -> Iterator[Callable[..., Result]]:
    """Run the Typer app in-process."""
    from icor_cli.cli import app

    monkeypatch.delenv("ICOR_DEBUG", raising=False)
    monkeypatch.setenv("COLUMNS", "120")
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        result = runner.invoke(app, list(args), input=input, catch_exceptions=False)
        return _no_internal_error(request, Result(result.exit_code, result.stdout, result.stderr))

    yield run


def read_until_closed(fd: int) -> bytes:
    """Everything a pseudo-terminal's child writes, until it closes (EIO or EOF)."""
    chunks = []
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)
