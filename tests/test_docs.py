"""The README documents every command the app registers (sqlite-utils' test_docs idea).

Commands are discovered from the app at test time, so a command added later fails here
until the README mentions it as ``icor <command>``.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import typer
from conftest import ROOT

from icor_cli.cli import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _names(group: Any) -> list[str]:
    ctx = group.context_class(group)
    names = []
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            names.append(name)
    return names


COMMANDS = _names(typer.main.get_command(app))


def test_there_are_commands() -> None:
    assert "validate" in COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name: str) -> None:
    assert re.search(rf"\bicor {re.escape(name)}\b", README), (
        f"README.md never shows `icor {name}`"
    )


def test_readme_has_no_todo_in_the_ecosystem_section() -> None:
    start = README.index("<!-- section: ecosystem -->")
    end = README.index("<!-- end section: ecosystem -->")
    assert "TODO" not in README[start:end]
