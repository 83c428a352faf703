"""Which registry a command works on: option, environment, nearest upward, bundled."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURE, SHIPPED, Result

from icor_cli.store import bundled_registry, find_registry

Run = Callable[..., Result]


def _registry(directory: Path, total: int) -> Path:
    """A copy of the shipped registry whose stated total identifies it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "registry.toml"
    path.write_text(FIXTURE.read_text("utf-8").replace("total = 59", f"total = {total}"),
                    encoding="utf-8")
    return path


def _stated_total(result: Result) -> str:
    return result.stdout + result.stderr


def test_option_beats_environment_beats_upward_search(icor: Run, tmp_path: Path) -> None:
    near = _registry(tmp_path / "repo", 101)
    env = _registry(tmp_path / "env", 102)
    opt = _registry(tmp_path / "opt", 103)
    work = tmp_path / "repo" / "a" / "b"
    work.mkdir(parents=True)

    result = icor("-r", str(opt), "validate", cwd=work, env={"ICOR_REGISTRY": str(env)})
    assert "stated total is 103" in result.stderr
    result = icor("validate", cwd=work, env={"ICOR_REGISTRY": str(env)})
    assert "stated total is 102" in result.stderr
    result = icor("validate", cwd=work, env={"ICOR_REGISTRY": str(near)})
    assert "stated total is 101" in result.stderr
    assert f"{near}:" in result.stderr
    assert result.exit_code == 1


def test_long_option_and_relative_names(icor: Run, tmp_path: Path) -> None:
    _registry(tmp_path / "data", 104)
    result = icor("--registry", "data/registry.toml", "validate", cwd=tmp_path,
                  env={"ICOR_REGISTRY": None})
    assert result.stderr.startswith("data/registry.toml:")
    assert "stated total is 104" in result.stderr


def test_bundled_registry_when_nothing_else(icor: Run, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    result = icor("validate", "--strict", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "59 members (57 active, 2 inactive) in 45 countries" in result.stdout
    assert bundled_registry().read_bytes() == SHIPPED.read_bytes()


def test_find_registry_reports_bundled(tmp_path: Path) -> None:
    source = find_registry(None, environ={}, cwd=tmp_path)
    assert source.bundled
    explicit = find_registry("x.toml", environ={}, cwd=tmp_path)
    assert (explicit.path, explicit.display, explicit.bundled) == (Path("x.toml"), "x.toml",
                                                                   False)


def test_missing_file_is_exit_3(icor: Run, tmp_path: Path) -> None:
    result = icor("-r", "nope.toml", "validate", cwd=tmp_path)
    assert result.exit_code == 3
    assert result.stderr == "icor: error: nope.toml: no such file\n"
    assert result.stdout == ""


def test_directory_is_exit_3(icor: Run, tmp_path: Path) -> None:
    result = icor("-r", str(tmp_path), "validate", cwd=tmp_path)
    assert result.exit_code == 3
    assert "is a directory" in result.stderr


def test_python_dash_m(tmp_path: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "icor_cli", "-r", str(FIXTURE), "validate"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0
    assert "no problems" in done.stdout


@pytest.mark.parametrize(("args", "env"), [
    (("-r", "", "validate"), {}),
    (("validate",), {"ICOR_REGISTRY": ""}),
    (("-r", "", "list"), {}),
])
def test_an_empty_registry_path_is_a_usage_error(icor: Run, tmp_path: Path,
                                                 args: tuple[str, ...],
                                                 env: dict[str, str]) -> None:
    """A CI step with an unset variable must not check the bundled copy instead."""
    result = icor(*args, cwd=tmp_path, env=env)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1


def test_a_discovered_dangling_symlink_is_an_error(icor: Run, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    (tmp_path / "registry.toml").symlink_to(tmp_path / "gone.toml")
    work = tmp_path / "sub"
    work.mkdir()
    result = icor("validate", cwd=work)
    assert result.exit_code == 3
    assert "dangling symlink" in result.stderr
    assert "bundled" not in result.stderr and result.stdout == ""


def test_a_discovered_directory_is_an_error(icor: Run, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    (tmp_path / "registry.toml").mkdir()
    result = icor("stats", cwd=tmp_path)
    assert result.exit_code == 3
    assert "is a directory" in result.stderr


@pytest.mark.parametrize("command", [("validate",), ("list",), ("add", "-a", "X", "-n", "Y",
                                                                   "-c", "DE")])
def test_only_regular_files_are_read(icor: Run, tmp_path: Path,
                                     command: tuple[str, ...]) -> None:
    """A FIFO would hang and /dev/zero would be read until memory runs out."""
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    for path in (str(fifo), "/dev/zero"):
        started = time.monotonic()
        result = icor("-r", path, *command, cwd=tmp_path)
        assert result.exit_code == 3, result.stderr
        assert "not a regular file" in result.stderr
        assert time.monotonic() - started < 20
