"""Stats tables on any terminal width: headings may shorten, figures are never cut."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from conftest import FIXTURE, Result

Run = Callable[..., Result]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.mark.parametrize("columns", [30, 40, 46, 47, 50, 60, 72, 100, 140])
@pytest.mark.parametrize("by", ["region", "country"])
def test_every_figure_survives(icor: Run, columns: int, by: str) -> None:
    result = icor("-r", str(FIXTURE), "stats", "--by", by, "--format", "table",
                  env={"ICOR_FORCE_TERMINAL": "1", "COLUMNS": str(columns)})
    assert result.exit_code == 0, result.stderr
    text = ANSI.sub("", result.stdout)
    assert "…" not in text
    words = re.findall(r"[\w/]+", text)
    for figure in ("57/57", "2/2", "59/59", "45/45", "32"):
        assert figure in words, (figure, text)
    if by == "region":
        for region in ("Africa", "Asia", "Australia", "Europe", "America"):
            assert region in words
    else:
        assert "TR" in words and "Türkiye" in words and "Herzegovina" in words
