"""A large registry shows what it is doing on a terminal, and nowhere else."""

from __future__ import annotations

import os
import pty
import subprocess
from pathlib import Path

from conftest import FIXTURE, _icor_command


def _large_registry(tmp_path: Path) -> Path:
    # The last member's last field: the file stays canonical.
    text = FIXTURE.read_text("utf-8") + 'notes = "' + "x" * 2_100_000 + '"\n'
    path = tmp_path / "registry.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _run(path: Path, stderr_terminal: bool) -> tuple[str, str]:
    main, secondary = pty.openpty() if stderr_terminal else (None, None)
    done = subprocess.run(
        [*_icor_command(), "-r", str(path), "validate"],
        stdout=subprocess.PIPE, stderr=secondary if secondary is not None else subprocess.PIPE,
        timeout=120, check=False,
    )
    if main is None:
        return done.stdout.decode(), done.stderr.decode()
    assert secondary is not None
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return done.stdout.decode(), b"".join(chunks).decode()


def test_status_on_a_terminal_is_cleared(tmp_path: Path) -> None:
    stdout, stderr = _run(_large_registry(tmp_path), stderr_terminal=True)
    assert "icor: parsing..." in stderr and "icor: checking..." in stderr
    assert stderr.endswith("\r\x1b[K")
    assert "no problems" in stdout


def test_no_status_when_piped(tmp_path: Path) -> None:
    stdout, stderr = _run(_large_registry(tmp_path), stderr_terminal=False)
    assert stderr == ""
    assert "no problems" in stdout
