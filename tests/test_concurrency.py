"""Many writers at once, and writers killed at random moments: nothing is ever lost."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import tomli
from conftest import _icor_command

from icor_cli import save
from icor_cli.checks import check_registry
from icor_cli.models import Registry


def load(path: Path) -> Registry:
    return Registry.from_data(tomli.loads(path.read_text(encoding="utf-8")))


def test_sixteen_adds_at_once_all_land(registry_file: Path) -> None:
    env = {**os.environ, "ICOR_REGISTRY": str(registry_file), "ICOR_LOCK_TIMEOUT": "120"}
    processes = [
        subprocess.Popen(
            [*_icor_command(), "add", "-a", f"P{number}", "-n", f"Party {number}",
             "-c", "DE", "--update-stated"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )
        for number in range(16)
    ]
    results = [(p.wait(timeout=180), *p.communicate()) for p in processes]
    assert [code for code, _, _ in results] == [0] * 16, [err for _, _, err in results]
    assert sorted(out.strip() for _, out, _ in results) == sorted(f"p{n}" for n in range(16))
    registry = load(registry_file)
    assert all(f"p{n}" in registry.members for n in range(16))
    assert len(registry.members) == 59 + 16
    # each --update-stated saw the previous writer's result: the counts add up exactly
    assert registry.stated.active == 57 + 16 and registry.stated.total == 59 + 16
    text = registry_file.read_text(encoding="utf-8")
    assert [f for f in check_registry(registry, text, "r") if f.severity == "error"] == []


def grow(path: Path, extra: int) -> None:
    """Make the registry big enough that a write takes a while (more moments to be
    killed in the middle of it)."""
    from icor_cli.store import dump

    data = tomli.loads(path.read_text(encoding="utf-8"))
    for number in range(extra):
        data["members"][f"filler-{number}"] = {
            "abbreviation": f"F{number}", "name": f"Filler party {number}", "country": "IT",
            "region": "Europe", "status": "active", "founding": False,
            "notes": "Generated to make the file larger.",
        }
    path.write_text(dump(Registry.from_data(data)), encoding="utf-8")


def test_killing_writers_at_random_moments_never_loses_anything(registry_file: Path) -> None:
    grow(registry_file, 3000)
    env = {**os.environ, "ICOR_REGISTRY": str(registry_file)}
    command = [*_icor_command(), "add", "-n", "Killed", "-c", "FR"]
    started = time.perf_counter()
    subprocess.run([*command, "-a", "TIMED"], env=env, check=True, capture_output=True)
    duration = time.perf_counter() - started
    rng = random.Random(4)
    landed = set(load(registry_file).members)
    for number in range(15):
        process = subprocess.Popen([*command, "-a", f"K{number}"], env=env,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.1) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        members = set(load(registry_file).members)  # always parses and validates
        assert landed <= members  # nothing that had landed is lost
        assert members - landed <= {f"k{number}"}  # at most this writer's member is new
        landed = members
    # a writer that is not killed cleans what killed ones left, and everything is there
    completed = subprocess.run([*command, "-a", "SURVIVOR"], env=env, capture_output=True,
                               text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert set(load(registry_file).members) == landed | {"survivor"}
    assert sorted(p.name for p in registry_file.parent.iterdir()) == ["registry.toml"]


SLOW_FSYNC = """
import os, sys, time
real_fsync = os.fsync
def fsync(fd):
    if os.readlink(f"/proc/self/fd/{fd}").endswith((".icor-tmp", " (deleted)")):
        print("writing", flush=True)
        time.sleep(60)
    real_fsync(fd)
os.fsync = fsync
from icor_cli.main import main
sys.argv = ["icor", "add", "-a", "MID", "-n", "Killed mid-write", "-c", "FR"]
main()
"""


def _writer_in_the_middle(registry_file: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """An ``icor add`` stopped inside writing its temporary file, and its environment."""
    env = {**os.environ, "ICOR_REGISTRY": str(registry_file)}
    process = subprocess.Popen([sys.executable, "-c", SLOW_FSYNC], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    assert process.stdout.readline() == "writing\n"
    return process, env


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_killed_in_the_middle_of_the_write(registry_file: Path) -> None:
    """SIGKILL while the temporary file is half done: the registry is the old one and,
    the temporary file being unnamed while written, the directory holds nothing else.
    (Where the file system cannot make unnamed files, the next writer removes it.)"""
    before = registry_file.read_bytes()
    process, env = _writer_in_the_middle(registry_file)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert registry_file.read_bytes() == before
    left = sorted(p.name for p in registry_file.parent.iterdir())
    if save.unnamed_temporaries(registry_file.parent):
        assert left == ["registry.toml"]
    completed = subprocess.run([*_icor_command(), "add", "-a", "NEXT", "-n", "Next", "-c", "FR"],
                               env=env, capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert sorted(p.name for p in registry_file.parent.iterdir()) == ["registry.toml"]
    assert "next" in load(registry_file).members


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_ctrl_c_in_the_middle_of_the_write(registry_file: Path) -> None:
    """SIGINT while the temporary file is being written: exit 130, the registry as it was,
    and the temporary file removed."""
    before = registry_file.read_bytes()
    process, _ = _writer_in_the_middle(registry_file)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 130
    assert registry_file.read_bytes() == before
    leftovers = [p for p in registry_file.parent.iterdir() if p.name.endswith(save.TEMP_SUFFIX)]
    assert leftovers == []
