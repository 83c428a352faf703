"""Every console example of the README's "Scripts, hooks, completion and help" section
runs as shown: each ``$ command`` line is run by bash in a directory holding a copy of
the shipped registry, with the installed ``icor`` first on PATH, and its output (stdout
and stderr together, as a terminal would show them in a pipe) compared with the lines
under it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SHIPPED

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README[README.index("<!-- section: scripts -->"):
                 README.index("<!-- end section: scripts -->")]


def examples() -> list[list[tuple[str, str]]]:
    """Each console block as (command, expected output) pairs, in order."""
    blocks = []
    for block in re.findall(r"```console\n(.*?)```", SECTION, re.DOTALL):
        pairs: list[tuple[str, str]] = []
        for line in block.splitlines(keepends=True):
            if line.startswith("$ "):
                pairs.append((line[2:].rstrip("\n"), ""))
            else:
                command, output = pairs[-1]
                pairs[-1] = (command, output + line)
        blocks.append(pairs)
    return blocks


BLOCKS = examples()


def test_there_are_examples() -> None:
    assert sum(len(block) for block in BLOCKS) >= 15


@pytest.mark.parametrize("block", BLOCKS, ids=[b[0][0][:40] for b in BLOCKS])
def test_example_block_runs_as_shown(tmp_path: Path, block: list[tuple[str, str]]) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    if any("jq " in command for command, _ in block) and shutil.which("jq") is None:
        pytest.skip("jq is not installed")
    shutil.copyfile(SHIPPED, tmp_path / "registry.toml")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("ICOR_", "GITHUB_", "NO_COLOR", "FORCE_COLOR", "PAGER"))}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    for command, expected in block:
        done = subprocess.run([bash, "-c", command], cwd=tmp_path, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
        assert done.stdout == expected, f"$ {command}"
