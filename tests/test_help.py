"""Help, version and shell completion, for every command the app registers.

Commands are discovered from the app at test time, so a command added later is held to the
same rules: ``--help`` exits 0, starts with a one-line summary and shows examples.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from conftest import Result

from icor_cli import __version__
from icor_cli.cli import app

Run = Callable[..., Result]


# Click is reached through the command objects (Typer may vendor its own copy of it).
ROOT_COMMAND: Any = typer.main.get_command(app)


def _is_group(command: Any) -> bool:
    return hasattr(command, "list_commands")


def _subcommand(group: Any, name: str) -> Any:
    return group.get_command(group.context_class(group), name)


def _commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for name in group.list_commands(group.context_class(group)):
        command = _subcommand(group, name)
        if command is None or command.hidden:
            continue
        yield (*prefix, name)
        if _is_group(command):
            yield from _commands(command, (*prefix, name))


COMMANDS = sorted(_commands(ROOT_COMMAND))


def _command(path: tuple[str, ...]) -> Any:
    command = ROOT_COMMAND
    for name in path:
        command = _subcommand(command, name)
        assert command is not None
    return command


def test_commands_are_registered() -> None:
    assert ("validate",) in COMMANDS
    assert ("schema",) in COMMANDS


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_help_has_summary_and_examples(invoke: Run, path: tuple[str, ...]) -> None:
    result = invoke(*path, "--help")
    assert result.exit_code == 0, result.stderr
    assert re.match(rf"Usage: \S+ {re.escape(' '.join(path))}\b", result.stdout)

    help_text = (_command(path).help or "").strip()
    summary = help_text.split("\n\n", 1)[0]
    assert summary, f"icor {' '.join(path)} has no summary"
    assert "\n" not in summary, f"the summary of icor {' '.join(path)} is not one line"
    assert len(summary) <= 80
    assert summary in result.stdout

    lines = result.stdout.splitlines()
    assert "  Examples:" in lines, f"icor {' '.join(path)} --help shows no Examples:"
    examples = lines[lines.index("  Examples:") + 1:]
    shown = [line.strip() for line in examples if line.startswith("    icor ")]
    assert shown, "Examples: is followed by no `icor ...` line (missing \\b before it?)"
    assert any(example.startswith(f"icor {' '.join(path)}") or
               f" {path[-1]}" in example for example in shown)


def test_root_help_lists_every_command(invoke: Run) -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for path in COMMANDS:
        if len(path) == 1:
            assert re.search(rf"^  {re.escape(path[0])}\b", result.stdout, re.MULTILINE)
    assert "Examples:" in result.stdout


def test_version(icor: Run) -> None:
    result = icor("--version")
    assert result.exit_code == 0
    assert result.stdout == f"icor {__version__}\n"


def test_no_arguments_shows_help(icor: Run) -> None:
    result = icor()
    assert "Usage: icor" in result.stdout + result.stderr


# --- shell completion ---------------------------------------------------------------------


def _icor_path() -> str:
    script = shutil.which("icor", path=str(Path(sys.executable).parent))
    if script is None:
        pytest.skip("the icor console script is not installed in this environment")
    return script


def _clean_env(home: Path, shell: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("_ICOR")}
    env.update(HOME=str(home), SHELL=shell,
               PATH=f"{Path(_icor_path()).parent}{os.pathsep}{env.get('PATH', '')}")
    return env


def test_bash_completion_script_completes_commands(tmp_path: Path) -> None:
    """The script ``--show-completion`` prints, loaded into bash, completes ``icor val``."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    env = _clean_env(tmp_path, bash)
    script = (
        'eval "$(icor --show-completion bash)"\n'
        "COMP_WORDS=(icor val); COMP_CWORD=1; _icor_completion icor\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
        "COMP_WORDS=(icor validate --fo); COMP_CWORD=2; _icor_completion icor\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    done = subprocess.run([bash, "-c", script], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["validate", "--format"]


def test_install_completion_bash(tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    env = _clean_env(tmp_path, bash)
    # Run from bash so the shell is detected as a user's would be.
    done = subprocess.run([bash, "-c", "icor --install-completion; true"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "bash completion installed" in done.stdout
    installed = tmp_path / ".bash_completions" / "icor.sh"
    assert "complete -o default -F _icor_completion icor" in installed.read_text()
    assert "source" in (tmp_path / ".bashrc").read_text()


def test_zsh_completion_protocol() -> None:
    """What the zsh script asks ``icor`` for, answered without needing zsh itself."""
    env = {**os.environ, "_ICOR_COMPLETE": "complete_zsh",
           "_TYPER_COMPLETE_ARGS": "icor val"}
    done = subprocess.run([_icor_path()], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert '"validate"' in done.stdout


def test_zsh_completion_script_and_install(tmp_path: Path) -> None:
    zsh = shutil.which("zsh")
    if zsh is None:
        pytest.skip("zsh is not installed")
    env = _clean_env(tmp_path, zsh)
    shown = subprocess.run([zsh, "-fc", "icor --show-completion; true"], env=env,
                           capture_output=True, text=True, timeout=60)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("#compdef icor")
    assert "compdef _icor_completion icor" in shown.stdout
    installed = subprocess.run([zsh, "-fc", "icor --install-completion; true"], env=env,
                               capture_output=True, text=True, timeout=60)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    assert "zsh completion installed" in installed.stdout
    assert (tmp_path / ".zfunc" / "_icor").read_text().startswith("#compdef icor")
    assert "fpath+=~/.zfunc" in (tmp_path / ".zshrc").read_text()
    # The installed function loads in a fresh zsh with compinit.
    loaded = subprocess.run(
        [zsh, "-fc", "fpath+=~/.zfunc; autoload -Uz compinit; compinit -u; "
                     "autoload -Uz _icor; whence -w _icor_completion || _icor; "
                     "print ${_comps[icor]}"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    assert "_icor" in loaded.stdout
