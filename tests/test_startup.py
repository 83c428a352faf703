"""Heavy imports happen only on the paths that use them (issue 6).

Speed itself is measured by ``benchmarks/bench.py``, not here; these tests check which
modules a real ``icor`` process imports, which does not depend on how busy the machine is.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import FIXTURE

HEAVY = {"rich", "anyascii", "pycountry", "tomli_w"}


def imported(*args: str, **env: str) -> set[str]:
    """The modules an ``icor`` process imports, from ``python -X importtime``."""
    environment = {**os.environ, "ICOR_REGISTRY": str(FIXTURE), **env}
    environment.pop("PYDANTIC_DISABLE_PLUGINS", None)
    environment.update(env)
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "icor_cli", *args],
                          capture_output=True, text=True, env=environment, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
            if line.startswith("import time:") and "imported package" not in line}


@pytest.mark.parametrize(("args", "allowed"), [
    (["--help"], set()),
    (["list", "--format", "json"], set()),
    (["list", "--format", "csv"], set()),
    (["show", "mlpd", "--format", "json"], set()),
    (["stats", "--format", "json"], set()),
    (["search", "marxist", "--format", "json"], {"anyascii"}),
    (["validate"], {"anyascii"}),
    (["list", "--format", "table"], {"rich"}),
    (["stats", "--format", "table"], {"rich"}),
])
def test_heavy_modules_load_only_where_used(args: list[str], allowed: set[str]) -> None:
    loaded = imported(*args) & HEAVY
    assert loaded == allowed


def test_help_does_not_load_the_models() -> None:
    assert "icor_cli.models" not in imported("--help")


def test_a_bad_country_gets_suggestions_from_the_generated_table() -> None:
    """Suggestions come from icor_cli.country_table: pycountry's database is not loaded."""
    environment = {**os.environ, "ICOR_REGISTRY": str(FIXTURE)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "icor_cli",
                           "list", "--country", "Germny"],
                          capture_output=True, text=True, env=environment, check=False)
    assert done.returncode == 2
    assert "did you mean Germany (DE)?" in done.stderr
    assert "pycountry" not in {line.rsplit("|", 1)[1].strip()
                           for line in done.stderr.splitlines() if "import time:" in line}


@pytest.mark.parametrize(("args", "command"), [
    (["list", "--format", "json"], "list"),
    (["-r", "stats", "list"], "list"),  # a registry file named like a command
    (["--registry", "x.toml", "validate", "--strict"], "validate"),
    (["--registry=x.toml", "show", "mlpd"], "show"),
    (["-rx.toml", "fmt", "--check"], "fmt"),
    (["--", "search", "x"], "search"),
    (["lst"], None),
    (["--version"], None),
    (["--help"], None),
    (["-h", "list"], None),  # the top-level help, which lists every command
    (["-r", "x.toml", "--help", "stats"], None),
    ([], None),
])
def test_the_invoked_command_is_found_past_global_options(args: list[str],
                                                          command: str | None) -> None:
    from icor_cli.cli import invoked_command

    assert invoked_command(args) == command


def test_one_command_built_per_run_still_suggests_and_completes() -> None:
    environment = {**os.environ, "ICOR_REGISTRY": str(FIXTURE)}
    wrong = subprocess.run([sys.executable, "-m", "icor_cli", "lst"], capture_output=True,
                           text=True, env=environment, check=False)
    assert wrong.returncode == 2
    assert "Did you mean 'list'?" in wrong.stderr
    completion = subprocess.run(
        [sys.executable, "-m", "icor_cli", "list", "--reg"], capture_output=True, text=True,
        check=False, env={**environment, "_ICOR_COMPLETE": "complete_bash",
                          "COMP_WORDS": "icor list --reg", "COMP_CWORD": "2"})
    assert "--region" in completion.stdout


def test_importing_the_package_changes_nothing_in_the_host_process() -> None:
    """The start-up settings are the console script's; a program that imports icor_cli
    keeps its own environment and signal handlers (only icor_cli.main, the console
    script itself, sets them)."""
    probe = ("import os, signal, sys, icor_cli.cli, icor_cli.models, icor_cli.store; "
             "print('PYDANTIC_DISABLE_PLUGINS' in os.environ, "
             "signal.getsignal(signal.SIGINT) is signal.default_int_handler)")
    environment = dict(os.environ)
    environment.pop("PYDANTIC_DISABLE_PLUGINS", None)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env=environment, check=True)
    assert done.stdout.split() == ["False", "True"]
