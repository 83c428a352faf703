"""The one error boundary: whatever happens, one line on stderr and a documented exit
code, never a traceback; a check's verdict survives a reader that goes away."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result, _icor_command

from icor_cli import errors

Run = Callable[..., Result]


def harness(code: str, *args: str, env: dict[str, str] | None = None) -> Result:
    """Run icor's console-script entry after ``code`` has patched something."""
    program = f"import sys\n{code}\nsys.argv = ['icor', *{list(args)!r}]\n" \
              "from icor_cli.main import main\nmain()\n"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=60)
    return Result(done.returncode, done.stdout, done.stderr)


def one_line(text: str) -> str:
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


@pytest.mark.parametrize("args", [("--version",), ("list", "-f", "json"), ("schema",),
                                  ("stats", "-f", "csv")])
def test_output_to_a_full_device_is_exit_3(registry_file: Path, args: tuple[str, ...]) -> None:
    with Path("/dev/full").open("w") as full:
        done = subprocess.run([*_icor_command(), *args], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=60)
    assert done.returncode == 3
    assert "cannot write output" in one_line(done.stderr)


def test_a_closed_pipe_keeps_the_verdict(registry_file: Path) -> None:
    text = registry_file.read_text(encoding="utf-8")
    registry_file.write_text(text.replace("total = 59", "total = 58"), encoding="utf-8")
    big = registry_file.parent / "big.toml"
    # Many findings, so the report is still being written when `head` goes away.
    lines = text.replace("total = 59", "total = 58").split("\n")
    big.write_text("\n".join(line + "   " if line.startswith("name = ") else line
                             for line in lines), encoding="utf-8")
    command = " ".join(_icor_command())
    for path in (registry_file, big):
        for fmt in ("github", "text", "json"):
            done = subprocess.run(
                ["bash", "-c", f"set -o pipefail; {command} -r '{path}' validate --strict "
                               f"-f {fmt} | head -c 1 >/dev/null"],
                capture_output=True, text=True, timeout=60)
            assert done.returncode == 1, (fmt, done.stderr)
            assert "Traceback" not in done.stderr


def test_a_closed_pipe_after_a_valid_check_is_success(registry_file: Path) -> None:
    command = " ".join(_icor_command())
    done = subprocess.run(["bash", "-c", f"set -o pipefail; {command} list -f csv | head -1"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr == ""


@pytest.mark.provokes_bug
def test_a_bug_is_exit_70_with_one_line(registry_file: Path) -> None:
    result = harness("import icor_cli.query as q\n"
                     "def broken(*a, **k):\n    raise RuntimeError('boom')\n"
                     "q.filter_members = broken", "list", "-f", "json")
    assert result.exit_code == 70
    assert "internal error: RuntimeError: boom" in one_line(result.stderr)


@pytest.mark.provokes_bug
def test_a_bug_is_exit_70_in_process(invoke: Run, registry_file: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import icor_cli.query

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("boom")

    monkeypatch.setattr(icor_cli.query, "filter_members", broken)
    result = invoke("list", "-f", "json")
    assert result.exit_code == 70
    assert result.exit_code != 1  # never read as "the registry is invalid"
    assert "internal error" in one_line(result.stderr)


@pytest.mark.provokes_bug
def test_a_bug_at_start_up_is_exit_70(registry_file: Path) -> None:
    result = harness("import icor_cli.cli as c\n"
                     "def broken(*a):\n    raise LookupError('early')\n"
                     "c.invoked_command = broken", "list")
    assert result.exit_code == 70
    assert "internal error: LookupError: early" in one_line(result.stderr)


def test_debug_shows_the_traceback(registry_file: Path) -> None:
    result = harness("import icor_cli.cli as c\n"
                     "def broken(*a):\n    raise LookupError('early')\n"
                     "c.invoked_command = broken", "list", env={"ICOR_DEBUG": "1"})
    assert result.exit_code == 70
    assert "Traceback" in result.stderr and "LookupError: early" in result.stderr


@pytest.mark.parametrize(("code", "status", "stderr"), [
    (None, 0, ""), (0, 0, ""), (4, 4, ""), (True, 1, ""), ("bye", 1, "icor: error: bye\n"),
    (300, 70, ""),
])
def test_exit_statuses(code: object, status: int, stderr: str,
                       capsys: pytest.CaptureFixture[str]) -> None:
    assert errors.exit_status(code) == status
    assert capsys.readouterr().err == stderr


@pytest.mark.parametrize("module", ["typer", "pydantic", "tomli", "rich.console"])
def test_an_interrupt_while_loading_is_exit_130(registry_file: Path, module: str) -> None:
    """Ctrl-C lands while a heavy module is being imported (the first tenth of a second)."""
    result = harness(
        "import builtins\nreal = builtins.__import__\n"
        "def imp(name, *a, **k):\n"
        f"    if name == {module!r}:\n        raise KeyboardInterrupt\n"
        "    return real(name, *a, **k)\n"
        "builtins.__import__ = imp", "stats", "-f", "table",
        env={"ICOR_FORCE_TERMINAL": "1"})
    assert result.exit_code == 130
    assert one_line(result.stderr) == "icor: interrupted"


def test_an_interrupt_swallowed_by_validation_is_not_a_schema_error(registry_file: Path) -> None:
    """pydantic-core may turn a pending interrupt into a validation error: a valid file
    must not be reported invalid because the user pressed Ctrl-C."""
    result = harness(
        "from icor_cli import errors, models\n"
        "real = models.Registry.from_data.__func__\n"
        "def interrupted(cls, data):\n"
        "    errors.interrupted.set()\n"
        "    return real(cls, {'schema_version': 'garbage'})\n"
        "models.Registry.from_data = classmethod(interrupted)", "validate")
    assert result.exit_code == 130
    assert one_line(result.stderr) == "icor: interrupted"
    assert result.stdout == ""


def test_ctrl_c_at_random_moments(registry_file: Path) -> None:
    """After the interpreter itself has started (its own ~20 ms are Python's), Ctrl-C at
    any moment is exit 130 and one line, or the command had already finished."""
    rng = random.Random(10)
    for _ in range(12):
        process = subprocess.Popen([*_icor_command(), "validate"], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.08, 0.5))
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
        assert "Traceback" not in err
        assert process.returncode in (0, 130), err
        if process.returncode == 130:
            assert err == "icor: interrupted\n"


@pytest.mark.parametrize(("args", "redirect"), [
    (("validate",), ">&-"), (("--version",), ">&-"), (("list",), ">&-"),
    (("validate",), "2>&-"), (("deactivate", "mlpd"), "2>&-"),
    (("deactivate", "mlpd"), "2>/dev/full"),
])
def test_a_closed_or_full_stream_is_never_a_failure_of_the_work(
    registry_file: Path, args: tuple[str, ...], redirect: str
) -> None:
    """stdout closed: a quiet stop with the command's own verdict; stderr closed or
    full: diagnostics are dropped, the write that landed is success."""
    command = " ".join(_icor_command())
    done = subprocess.run(["bash", "-c", f"{command} {' '.join(args)} {redirect}"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    if "deactivate" in args:
        assert 'status = "inactive"' in registry_file.read_text(encoding="utf-8").split(
            "[members.mlpd]")[1].split("\n\n")[0]


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_output_encoding_that_cannot_hold_the_data(registry_file: Path,
                                                      encoding: str) -> None:
    done = subprocess.run([*_icor_command(), "show", "bkp", "-f", "tsv"], capture_output=True,
                          timeout=60, env={**os.environ, "PYTHONIOENCODING": encoding})
    assert done.returncode == 0, done.stderr
    assert b"\\u0411" in done.stdout or b"\\u0411".upper() in done.stdout.upper()


def test_stdin_registry_is_bounded(registry_file: Path) -> None:
    with Path("/dev/zero").open("rb") as zero:
        done = subprocess.run([*_icor_command(), "-r", "-", "validate"], stdin=zero,
                              capture_output=True, text=True, timeout=120)
    assert done.returncode == 3
    assert "too large" in one_line(done.stderr)


@pytest.mark.parametrize("args", [("show", "x" * 100_000), ("list", "-f", "x" * 100_000),
                                  ("list", "--country", "x" * 100_000),
                                  ("add", "-a", "A" * 100_000, "-n", "X", "-c", "DE")],
                         ids=["member", "format", "country", "abbreviation"])
def test_messages_stay_short_whatever_the_argument(registry_file: Path,
                                                   args: tuple[str, ...]) -> None:
    done = subprocess.run([*_icor_command(), *args], capture_output=True, text=True,
                          timeout=60)
    assert all(len(line) <= 2100 for line in done.stderr.splitlines()), done.stderr[:300]
