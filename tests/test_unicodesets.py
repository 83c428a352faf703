"""The invisible-character sets come from Unicode's properties, and hygiene and the
terminal escaping use them whole."""

from __future__ import annotations

import subprocess
import sys

import pytest
import regex
from conftest import ROOT

from icor_cli.checks import text_problems
from icor_cli.escape import visible

GENERATOR = ROOT / "tools" / "gen_unicodesets.py"


@pytest.mark.generated
def test_the_generated_table_is_current() -> None:
    done = subprocess.run([sys.executable, str(GENERATOR)], capture_output=True, text=True,
                          check=True)
    assert done.stdout == (ROOT / "icor_cli" / "unicodesets.py").read_text(encoding="utf-8"), (
        "run: python tools/gen_unicodesets.py > icor_cli/unicodesets.py")


def code_points(prop: str) -> list[int]:
    pattern = regex.compile(rf"\p{{{prop}}}")
    return [code for code in range(0x110000) if pattern.match(chr(code))]


@pytest.mark.parametrize("prop", ["Default_Ignorable_Code_Point", "Bidi_Control"])
def test_hygiene_refuses_every_invisible_code_point(prop: str) -> None:
    missed = [f"U+{code:04X}" for code in code_points(prop)
              if not any(severity == "error" and "invisible" in message
                         for severity, message in text_problems(f"Partei{chr(code)}X"))]
    assert missed == []


def test_every_bidi_control_is_escaped_on_a_terminal() -> None:
    for code in code_points("Bidi_Control"):
        assert chr(code) not in visible(f"a{chr(code)}b")


@pytest.mark.parametrize("char", ["\x1b", "\r", "\n", "\x00", "\x7f", "\x9b", "\u2028",
                                  "\u2029", "\u202e", "\u2066", "\ufeff"])
def test_controls_are_shown_escaped(char: str) -> None:
    shown = visible(f"a{char}b")
    assert char not in shown
    assert shown.isprintable()
    assert shown.startswith("a\\") and shown.endswith("b")
