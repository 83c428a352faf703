"""The pager and --color: long output on a terminal goes through $ICOR_PAGER / $PAGER
(here a fake pager that records what it was given) on a pseudo-terminal; short output,
--no-pager and pipes do not."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SHIPPED, Result, read_until_closed

from icor_cli.pager import pager_command, taller_than_screen

Run = Callable[..., Result]
BIN = Path(sys.executable).parent
pty = pytest.importorskip("pty")

FAKE_PAGER = """\
import sys
data = sys.stdin.read()
with open(sys.argv[1], "w", encoding="utf-8") as out:
    out.write(data)
sys.stdout.write("[fake pager showed %d lines]\\n" % data.count("\\n"))
"""


def on_terminal(argv: list[str], env: dict[str, str], rows: int = 20,
                columns: int = 100) -> str:
    """Run ``icor ARGV`` on a pseudo-terminal of ``rows`` x ``columns``; its output."""
    import fcntl
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        os.execve(str(BIN / "icor"), ["icor", *argv], env)
    output = read_until_closed(fd)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    return output.decode("utf-8", "replace").replace("\r\n", "\n")


@pytest.fixture
def fake(tmp_path: Path) -> tuple[dict[str, str], Path]:
    script = tmp_path / "fake_pager.py"
    script.write_text(FAKE_PAGER, encoding="utf-8")
    record = tmp_path / "paged.txt"
    env = {key: value for key, value in os.environ.items()
           if key not in ("COLUMNS", "LINES", "PAGER", "ICOR_PAGER", "NO_COLOR",
                          "FORCE_COLOR", "ICOR_FORCE_TERMINAL")}
    env.update(ICOR_REGISTRY=str(SHIPPED), TERM="xterm",
               ICOR_PAGER=f"{sys.executable} {script} {record}")
    return env, record


def test_long_output_goes_through_the_pager(fake: tuple[dict[str, str], Path]) -> None:
    env, record = fake
    shown = on_terminal(["list"], env)
    assert "[fake pager showed" in shown
    assert "bkp" not in shown  # the table went to the pager, not the screen
    paged = record.read_text(encoding="utf-8")
    assert "bkp" in paged and "59 members" in paged
    assert "\x1b[" in paged  # colours kept for less -R


def test_pager_variable_falls_back_to_pager(fake: tuple[dict[str, str], Path]) -> None:
    env, record = fake
    env["PAGER"] = env.pop("ICOR_PAGER")
    assert "[fake pager showed" in on_terminal(["list"], env)
    assert record.exists()


def test_short_output_is_not_paged(fake: tuple[dict[str, str], Path]) -> None:
    env, record = fake
    shown = on_terminal(["show", "bkp", "--fields", "id,abbreviation"], env)
    assert "БКП" in shown
    assert not record.exists()


def test_no_pager_option(fake: tuple[dict[str, str], Path]) -> None:
    env, record = fake
    shown = on_terminal(["--no-pager", "list"], env)
    assert "59 members" in shown
    assert not record.exists()


@pytest.mark.parametrize("value", ["", "cat"])
def test_empty_or_cat_pager_means_none(fake: tuple[dict[str, str], Path], value: str) -> None:
    env, record = fake
    env["ICOR_PAGER"] = value
    assert "59 members" in on_terminal(["list"], env)
    assert not record.exists()


def test_help_topic_is_paged_when_long(fake: tuple[dict[str, str], Path]) -> None:
    env, record = fake
    shown = on_terminal(["help", "file-format"], env, rows=10)
    assert "[fake pager showed" in shown
    assert "Member fields:" in record.read_text(encoding="utf-8")


def test_missing_pager_prints_plainly(fake: tuple[dict[str, str], Path]) -> None:
    env, _ = fake
    env["ICOR_PAGER"] = "/nonexistent/pager"
    assert "59 members" in on_terminal(["list"], env)


def test_never_when_piped(icor: Run, fake: tuple[dict[str, str], Path]) -> None:
    env, record = fake
    done = icor("list", "--format", "table", env=env)
    assert done.exit_code == 0
    assert "bkp" in done.stdout
    assert not record.exists()


def test_pager_command_order() -> None:
    assert pager_command({}) == ["less", "-FRX"]
    assert pager_command({"PAGER": "more"}) == ["more"]
    assert pager_command({"PAGER": "more", "ICOR_PAGER": "less -R"}) == ["less", "-R"]
    assert pager_command({"ICOR_PAGER": ""}) == []


def test_taller_than_screen_counts_wrapped_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "10")
    monkeypatch.setenv("LINES", "3")
    assert not taller_than_screen("a\nb\n")
    assert taller_than_screen("a\nb\nc\n")
    assert taller_than_screen("x" * 25 + "\n")  # three rows once wrapped
    assert not taller_than_screen("\x1b[1m" + "x" * 9 + "\x1b[0m\n")


# --- --color ----------------------------------------------------------------------------

def test_color_never_on_a_terminal(fake: tuple[dict[str, str], Path]) -> None:
    env, _ = fake
    shown = on_terminal(["--no-pager", "--color", "never", "show", "bkp"], env)
    assert "БКП" in shown
    assert "\x1b[3" not in shown  # no colour (bold may stay, as with NO_COLOR)


def test_color_auto_on_a_terminal_has_colour(fake: tuple[dict[str, str], Path]) -> None:
    env, _ = fake
    assert "\x1b[" in on_terminal(["--no-pager", "list", "--region", "asia"], env)


def test_color_always_when_piped(icor: Run) -> None:
    plain = icor("-r", str(SHIPPED), "list", "-f", "table", "--region", "asia")
    assert "\x1b[" not in plain.stdout
    coloured = icor("-r", str(SHIPPED), "--color", "always", "list", "-f", "table",
                    "--region", "asia")
    assert "\x1b[" in coloured.stdout
    forced = icor("-r", str(SHIPPED), "list", "-f", "table", "--region", "asia",
                  env={"FORCE_COLOR": "1"})
    assert "\x1b[" in forced.stdout


def test_color_never_beats_force_color(icor: Run) -> None:
    done = icor("-r", str(SHIPPED), "--color", "never", "list", "-f", "table",
                env={"FORCE_COLOR": "1"})
    assert "\x1b[3" not in done.stdout


def test_color_never_keeps_machine_formats_plain(icor: Run) -> None:
    done = icor("-r", str(SHIPPED), "--color", "always", "list", "-f", "json")
    assert "\x1b" not in done.stdout


def test_bad_color_is_usage_error(icor: Run) -> None:
    done = icor("--color", "sometimes", "list")
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == ("icor: error: --color must be one of auto, always, never, not "
                           "'sometimes'\n")


def test_commands_that_may_prompt_are_never_paged(fake: tuple[dict[str, str], Path],
                                                  tmp_path: Path) -> None:
    """A prompt needs the real terminal (readline's Tab completion): write commands are
    not paged, whatever they print."""
    from icor_cli.pager import PAGED_COMMANDS

    assert not {"add", "edit", "deactivate", "reactivate", "import", "fmt"} & PAGED_COMMANDS
    env, record = fake
    registry = tmp_path / "registry.toml"
    registry.write_bytes(SHIPPED.read_bytes())
    env["ICOR_REGISTRY"] = str(registry)
    shown = on_terminal(["deactivate", "mlpd", "--dry-run"], env, rows=5)
    assert "status" in shown
    assert not record.exists()
