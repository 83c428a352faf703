"""Interactive ``icor add`` on a real pseudo-terminal: every field asked, invalid answers
asked again, the new member and the count change shown for confirmation, Ctrl-C writes
nothing (exit 130); without a terminal nothing is ever asked."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
from conftest import Result, _icor_command

pytestmark = pytest.mark.skipif(not hasattr(os, "openpty"), reason="needs a pseudo-terminal")


class Terminal:
    """``icor ARGS`` with stdin, stdout and stderr on a pseudo-terminal."""

    def __init__(self, registry: Path, *args: str) -> None:
        leader, follower = os.openpty()
        env = {**os.environ, "ICOR_REGISTRY": str(registry), "NO_COLOR": "1"}
        self.process = subprocess.Popen([*_icor_command(), *args], stdin=follower,
                                        stdout=follower, stderr=follower, env=env,
                                        close_fds=True, start_new_session=True)
        os.close(follower)
        self.leader = leader
        self.output = b""

    def read_until(self, text: bytes) -> None:
        deadline = time.monotonic() + 30
        while text not in self.output and time.monotonic() < deadline:
            ready, _, _ = select.select([self.leader], [], [], 0.5)
            if ready:
                try:
                    self.output += os.read(self.leader, 4096)
                except OSError:
                    break
        assert text in self.output, self.output

    def answer(self, question: bytes, text: str) -> None:
        self.read_until(question)
        self.output = self.output[self.output.index(question) + len(question):]
        os.write(self.leader, text.encode() + b"\n")

    def finish(self) -> int:
        code = self.process.wait(timeout=30)
        try:
            while True:
                ready, _, _ = select.select([self.leader], [], [], 0.2)
                if not ready:
                    break
                chunk = os.read(self.leader, 4096)
                if not chunk:
                    break
                self.output += chunk
        except OSError:
            pass
        os.close(self.leader)
        return code


def members(path: Path) -> dict[str, dict[str, object]]:
    return tomli.loads(path.read_text(encoding="utf-8"))["members"]  # type: ignore[no-any-return]


def test_every_field_asked_bad_answers_asked_again_then_confirmed(registry_file: Path) -> None:
    tty = Terminal(registry_file, "add")
    tty.answer(b"Abbreviation", "MLPD")  # taken in Germany: asked again after the country
    tty.answer(b"Name (in the original language)", "  Neue   Partei ")
    tty.answer(b"English name", "")
    tty.answer(b"Country", "Congo")  # ambiguous: asked again
    tty.read_until(b"ambiguous")
    tty.answer(b"Country", "Germny")
    tty.read_until(b"did you mean Germany (DE)?")
    tty.answer(b"Country", "Deutschland")
    tty.read_until(b"1) Africa")
    tty.answer(b"Region", "Mars")
    tty.read_until(b"unknown region 'Mars'")
    tty.answer(b"Region", "4")
    tty.answer(b"founding", "n")
    tty.answer(b"Joined", "yesterday")
    tty.read_until(b"is not a date")
    tty.answer(b"Joined", "2024-05-01")
    tty.answer(b"Notes", "")
    tty.read_until(b"also used by 'mlpd'")
    tty.answer(b"Abbreviation", "NP")
    tty.read_until(b"New member np")
    tty.read_until(b"active 57 -> 58")
    tty.answer(b"Add this member?", "y")
    assert tty.finish() == 0, tty.output
    assert members(registry_file)["np"] == {
        "abbreviation": "NP", "name": "Neue Partei", "country": "DE", "region": "Europe",
        "status": "active", "founding": False,
        "joined": __import__("datetime").date(2024, 5, 1),
    }


def test_declining_writes_nothing(registry_file: Path) -> None:
    before = registry_file.read_bytes()
    tty = Terminal(registry_file, "add", "-a", "NP", "-n", "Neue Partei", "--no-founding")
    tty.answer(b"English name", "New Party")
    tty.answer(b"Country", "DE")
    tty.answer(b"Region", "")
    tty.answer(b"Joined", "")
    tty.answer(b"Notes", "")
    tty.answer(b"Add this member?", "n")
    assert tty.finish() == 0
    assert b"nothing written" in tty.output
    assert registry_file.read_bytes() == before


def test_yes_skips_the_confirmation(registry_file: Path) -> None:
    tty = Terminal(registry_file, "add", "-a", "NP", "-n", "Neue Partei", "--no-founding",
                   "--yes", "--notes", "x", "--joined", "2024-01-01", "--name-en", "NP")
    tty.answer(b"Country", "DE")
    tty.answer(b"Region", "")
    assert tty.finish() == 0, tty.output
    assert b"Add this member?" not in tty.output
    assert "np" in members(registry_file)


@pytest.mark.parametrize("question", [b"Abbreviation", b"Country", b"Add this member?"])
def test_ctrl_c_anywhere_writes_nothing(registry_file: Path, question: bytes) -> None:
    before = registry_file.read_bytes()
    tty = Terminal(registry_file, "add")
    answers = [(b"Abbreviation", "NP"), (b"Name (in", "Neue Partei"),
               (b"English name", ""), (b"Country", "DE"), (b"Region", ""),
               (b"founding", ""), (b"Joined", ""), (b"Notes", ""),
               (b"Add this member?", "")]
    for asked, text in answers:
        if asked == question:
            tty.read_until(asked)
            # as a person would, not within microseconds of the prompt: CPython's readline
            # misses a signal that lands before it starts waiting for input
            time.sleep(0.3)
            os.killpg(tty.process.pid, signal.SIGINT)
            break
        tty.answer(asked, text)
    assert tty.finish() == 130
    assert registry_file.read_bytes() == before
    assert b"Traceback" not in tty.output


def test_nothing_is_asked_without_a_terminal(
    registry_file: Path, icor: Callable[..., Result]
) -> None:
    result = icor("add", "-a", "NP", "-n", "Neue Partei", "-c", "DE")
    assert result.exit_code == 0
    assert "Add this member?" not in result.stderr


def test_tab_completes_the_country(registry_file: Path) -> None:
    tty = Terminal(registry_file, "add", "-a", "NP", "-n", "Neue Partei", "--no-founding",
                   "--yes", "--notes", "x", "--joined", "2024-01-01", "--name-en", "NP")
    tty.read_until(b"Country")
    time.sleep(0.3)
    os.write(tty.leader, b"Deutschl\t")
    tty.read_until(b"Deutschland")
    os.write(tty.leader, b"\n")
    tty.answer(b"Region", "")
    assert tty.finish() == 0, tty.output
    assert members(registry_file)["np"]["country"] == "DE"
