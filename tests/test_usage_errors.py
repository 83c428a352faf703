"""Bad options and arguments: one line on stderr, exit 2, nothing on stdout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Result

Run = Callable[..., Result]


@pytest.mark.parametrize(("args", "expected"), [
    (["list", "--bogus"], "icor: error: No such option: --bogus (see 'icor list --help')"),
    (["--bogus"], "icor: error: No such option: --bogus (see 'icor --help')"),
    (["lst"], "icor: error: No such command 'lst'. Did you mean 'list'? (see 'icor --help')"),
    (["list", "--status", "gone"], "icor: error: Invalid value for '--status': 'gone' is not "
     "one of 'active', 'inactive', 'all'. (see 'icor list --help')"),
    (["show"], "icor: error: Missing argument 'MEMBER'. (see 'icor show --help')"),
    (["validate", "--format", "xml"], "icor: error: Invalid value for '--format' / '-f': "
     "'xml' is not one of 'text', 'json', 'github'. (see 'icor validate --help')"),
])
def test_usage_error_is_one_line(icor: Run, registry_file: Path, args: list[str],
                                 expected: str) -> None:
    before = registry_file.read_bytes()
    result = icor(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", expected + "\n")
    assert registry_file.read_bytes() == before


def test_bare_icor_shows_help(icor: Run) -> None:
    result = icor()
    assert result.exit_code == 2
    assert "Usage: icor [OPTIONS] COMMAND" in result.stdout + result.stderr
