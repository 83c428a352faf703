"""``icor fmt``: canonical form, --check, --diff, comments kept unless --drop-comments."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
from conftest import FIXTURE, Result

from icor_cli.models import Registry
from icor_cli.store import dump
from icor_cli.textdiff import unified_diff
from icor_cli.tomlpos import comment_lines

Run = Callable[..., Result]


def canonical_of(text: str) -> str:
    return dump(Registry.from_data(tomli.loads(text)))


def scrambled(text: str) -> str:
    """The same data, not canonical: CRLF, a blank line, a member moved to the end."""
    start = text.index("[members.bkp]")
    end = text.index("[members.", start + 1)
    block = text[start:end]
    moved = text[:start] + text[end:] + "\n" + block
    return moved.replace("[organisation]", "\n[organisation]").replace("\n", "\r\n")


def test_canonical_file_passes_check(invoke: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    for args in (["fmt", "--check"], ["fmt"], ["fmt", "--diff"]):
        result = invoke(*args)
        assert result.exit_code == 0
        assert "already in canonical form" in result.stderr
        assert result.stdout == ""
    assert registry_file.read_bytes() == before


def test_check_fails_and_writes_nothing(invoke: Run, registry_file: Path) -> None:
    registry_file.write_bytes(scrambled(FIXTURE.read_text(encoding="utf-8")).encode())
    before = registry_file.read_bytes()
    result = invoke("fmt", "--check")
    assert result.exit_code == 1
    assert "not in canonical form" in result.stderr
    assert result.stdout == ""
    assert registry_file.read_bytes() == before


def test_diff_shows_the_change_and_writes_nothing(invoke: Run, registry_file: Path) -> None:
    registry_file.write_text(
        FIXTURE.read_text(encoding="utf-8").replace("\n[members.", "\n\n[members.", 1),
        encoding="utf-8")
    before = registry_file.read_bytes()
    result = invoke("fmt", "--diff")
    assert result.exit_code == 0
    assert registry_file.read_bytes() == before
    assert result.stdout.startswith("--- ")
    removed = [line for line in result.stdout.splitlines()
               if line.startswith("-") and not line.startswith("---")]
    added = [line for line in result.stdout.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    assert removed == ["-"] and added == []
    assert invoke("fmt", "--check", "--diff").exit_code == 1


def test_fmt_rewrites_into_canonical_form(invoke: Run, registry_file: Path) -> None:
    registry_file.write_bytes(scrambled(FIXTURE.read_text(encoding="utf-8")).encode())
    result = invoke("fmt")
    assert result.exit_code == 0, result.stderr
    assert "rewritten in canonical form" in result.stderr
    assert registry_file.read_bytes() == FIXTURE.read_bytes()
    assert invoke("fmt", "--check").exit_code == 0


def test_comments_are_listed_and_kept_without_the_flag(
    invoke: Run, registry_file: Path
) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    text = "# The ICOR registry\n" + text.replace(
        'short_name = "ICOR"', 'short_name = "ICOR"  # short # name', 1)
    registry_file.write_text(text, encoding="utf-8")
    before = registry_file.read_bytes()
    result = invoke("fmt")
    assert result.exit_code == 1
    assert "registry.toml:1: # The ICOR registry" in result.stderr
    assert 'short_name = "ICOR"  # short # name' in result.stderr
    assert "--drop-comments" in result.stderr
    assert registry_file.read_bytes() == before
    check = invoke("fmt", "--check")
    assert check.exit_code == 1
    assert "drops 2 comment lines" in check.stderr
    dropped = invoke("fmt", "--drop-comments")
    assert dropped.exit_code == 0, dropped.stderr
    assert "2 comment lines dropped" in dropped.stderr
    assert registry_file.read_bytes() == FIXTURE.read_bytes()


def test_comment_scanner_skips_strings() -> None:
    text = (
        'a = "x # not a comment" # one\n'
        "b = 'y # not' \n"
        'c = """\nmulti # not\n""" # two\n'
        "d = '''\n# not\n'''\n"
        '# three\n'
        'e = "esc \\" # still string"\n'
        'f = """ends with quotes"""""  # four\n'
    )
    assert [line for line, _ in comment_lines(text)] == [1, 5, 9, 11]


def test_invalid_file_is_exit_1(invoke: Run, registry_file: Path) -> None:
    registry_file.write_text("schema_version = 1\n[[broken\n", encoding="utf-8")
    before = registry_file.read_bytes()
    for args in (["fmt"], ["fmt", "--check"]):
        result = invoke(*args)
        assert result.exit_code == 1
        assert "TOML syntax" in result.stderr
    assert registry_file.read_bytes() == before


def test_fmt_refuses_the_bundled_registry(
    icor: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    env = {k: v for k, v in os.environ.items() if k != "ICOR_REGISTRY"}
    result = icor("fmt", cwd=tmp_path, env=env)
    assert result.exit_code == 2
    assert "read-only" in result.stderr
    assert icor("fmt", "--check", cwd=tmp_path, env=env).exit_code == 0


def test_load_and_dump_is_byte_identical() -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    assert canonical_of(text) == text
    assert canonical_of(canonical_of(scrambled(text))) == text


@pytest.mark.parametrize("where", [0, 1, 200, -1])
def test_windowed_diff_equals_a_full_difflib_diff(where: int) -> None:
    lines = [f"line {i}\n" for i in range(400)]
    changed = list(lines)
    if where == -1:
        changed.append("new last\n")
    else:
        changed[where] = "changed\n"
        changed.insert(where + 5, "inserted\n")
    before, after = "".join(lines), "".join(changed)
    full = "".join(difflib.unified_diff(lines, changed, "a/x", "b/x"))
    assert unified_diff(before, after, "x") == full
