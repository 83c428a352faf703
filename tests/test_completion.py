"""Shell completion: ``icor completion SHELL``, ``--show-completion SHELL``, and the
candidates each shell gets, through the protocol its script speaks (bash's
``COMP_WORDS``/``COMP_CWORD``, zsh's ``_TYPER_COMPLETE_ARGS``), and through real bash and
zsh where installed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SHIPPED, Result, read_until_closed

Run = Callable[..., Result]
BIN = Path(sys.executable).parent


def _env(registry: Path, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("_ICOR", "_TYPER", "COMP_", "ICOR_"))}
    env.update(ICOR_REGISTRY=str(registry), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
               **extra)
    return env


def bash_protocol(registry: Path, line: str) -> list[str]:
    """What bash's completion function gets for ``line`` (completing its last word)."""
    words = line.split(" ")
    env = _env(registry, _ICOR_COMPLETE="complete_bash", COMP_WORDS=line,
               COMP_CWORD=str(len(words) - 1))
    done = subprocess.run([str(BIN / "icor")], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def zsh_protocol(registry: Path, line: str) -> str:
    env = _env(registry, _ICOR_COMPLETE="complete_zsh", _TYPER_COMPLETE_ARGS=line)
    done = subprocess.run([str(BIN / "icor")], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    path = tmp_path / "registry.toml"
    path.write_bytes(SHIPPED.read_bytes())
    return path


def test_member_ids_for_show(registry: Path) -> None:
    assert bash_protocol(registry, "icor show ml") == ["mlgs", "mlkp", "mloa", "mlp", "mlpd"]


def test_only_active_members_for_deactivate(registry: Path) -> None:
    assert bash_protocol(registry, "icor deactivate ap") == []  # aptuf is inactive
    assert "mlpd" in bash_protocol(registry, "icor deactivate ml")


def test_only_inactive_members_for_reactivate(registry: Path) -> None:
    assert bash_protocol(registry, "icor reactivate ") == ["aptuf", "pc-ap"]


def test_regions_and_countries_wherever_they_are_options(registry: Path) -> None:
    assert bash_protocol(registry, "icor list --region A") == [
        "Africa", "Asia", "Australia", "America"]
    assert bash_protocol(registry, "icor stats --region eu") == ["Europe"]
    assert bash_protocol(registry, "icor add --region Eu") == ["Europe"]
    assert bash_protocol(registry, "icor search x --country T")[:3] == ["TG", "TN", "TR"]
    add = bash_protocol(registry, "icor add --country D")
    assert add[:2] == ["DE", "DO"]  # the registry's countries first
    assert "DK" in add  # then any other


def test_the_registry_given_after_the_command_is_used(registry: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text(registry.read_text(encoding="utf-8").replace(
        "[members.mlpd]", "[members.mlpd-x]"), encoding="utf-8")
    assert bash_protocol(registry, f"icor show -r {other} mlpd") == ["mlpd-x"]


def test_broken_registry_completes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "registry.toml"
    broken.write_text("not toml [", encoding="utf-8")
    assert bash_protocol(broken, "icor show ml") == []


def test_commands_shells_and_topics(registry: Path) -> None:
    assert "completion" in bash_protocol(registry, "icor co")
    assert bash_protocol(registry, "icor completion ") == ["bash", "zsh", "fish", "powershell"]
    assert bash_protocol(registry, "icor help exit") == ["exit-codes"]


def test_zsh_protocol_gives_ids_with_descriptions(registry: Path) -> None:
    out = zsh_protocol(registry, "icor show bk")
    assert out.startswith("_arguments")
    assert '"bkp":"БКП (BG)"' in out
    assert '"aptuf"' in zsh_protocol(registry, "icor reactivate ")
    assert '"mlpd"' not in zsh_protocol(registry, "icor reactivate ")


@pytest.mark.parametrize(("shell", "start"), [
    ("bash", "_icor_completion() {"), ("zsh", "#compdef icor"),
    ("fish", "complete --command icor"), ("powershell", "Import-Module PSReadLine"),
])
def test_completion_prints_the_script_and_changes_nothing(icor: Run, tmp_path: Path,
                                                           shell: str, start: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    done = icor("completion", shell, env={"HOME": str(home)})
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith(start)
    assert "icor" in done.stdout
    assert done.stderr == ""  # not a terminal: no install hint
    assert list(home.iterdir()) == []


def test_show_completion_takes_a_shell(icor: Run) -> None:
    zsh = icor("--show-completion", "zsh", env={"SHELL": "/bin/bash"})
    assert zsh.exit_code == 0
    assert zsh.stdout.startswith("#compdef icor")
    assert zsh.stdout == icor("completion", "zsh").stdout
    bash = icor("--show-completion", "bash")
    assert bash.stdout.startswith("_icor_completion() {")


def test_unknown_shell_is_usage_error(icor: Run) -> None:
    done = icor("completion", "tcsh")
    assert (done.exit_code, done.stdout) == (2, "")
    assert done.stderr == ("icor: error: unknown shell 'tcsh'; choose from bash, zsh, fish, "
                           "powershell\n")


def test_install_hint_on_a_terminal() -> None:
    pty = pytest.importorskip("pty")
    out = _run_on_terminal(pty, [str(BIN / "icor"), "completion", "bash"])
    assert "To install bash completion" in out
    assert "_icor_completion() {" in out


def _run_on_terminal(pty: object, argv: list[str], env: dict[str, str] | None = None) -> str:
    import pty as pty_module

    pid, fd = pty_module.fork()
    if pid == 0:  # pragma: no cover - the child
        os.execve(argv[0], argv, env or dict(os.environ))
    output = read_until_closed(fd)
    os.waitpid(pid, 0)
    return output.decode("utf-8", "replace")


@pytest.mark.slow
def test_real_bash(registry: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    script = ('eval "$(icor completion bash)"; COMP_WORDS=(icor reactivate ""); COMP_CWORD=2; '
              '_icor_completion icor; printf "%s\\n" "${COMPREPLY[@]}"')
    done = subprocess.run([bash, "--norc", "--noprofile", "-c", script], env=_env(registry),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["aptuf", "pc-ap"]


@pytest.mark.slow
def test_real_zsh(registry: Path) -> None:
    """The script loads in zsh and hands zsh's completion system the member ids
    (``_arguments`` stands in for compsys, which needs an interactive line editor)."""
    zsh = shutil.which("zsh")
    if zsh is None:
        pytest.skip("zsh is not installed (apt-get install zsh)")
    script = ('compdef() { :; }; eval "$(icor completion zsh)"; '
              '_arguments() { print -r -- "$@"; }; '
              'words=(icor show bk); CURRENT=3; _icor_completion')
    done = subprocess.run([zsh, "-f", "-c", script], env=_env(registry),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == '*: :(("bkp":"БКП (BG)"))'
