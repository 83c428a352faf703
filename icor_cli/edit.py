"""Kept for code written against the old single module: changes now live in ``changes``,
stated figures in ``figures``, diffs and comment lines in ``textdiff``, input cleaning in
``inputs``, country and region resolution in ``countries`` and ``query``. New code
imports from those."""

from __future__ import annotations

from icor_cli.inputs import clean_text, parse_date
from icor_cli.textdiff import comment_lines, unified_diff

__all__ = ["clean_text", "comment_lines", "parse_date", "unified_diff"]
