"""Kept for code written against the old single module: changes now live in ``changes``,
stated figures in ``figures``, diffs and comment lines in ``textdiff``, input cleaning in
``inputs``, country and region resolution in ``countries`` and ``query``."""

from __future__ import annotations

from icor_cli.textdiff import comment_lines, unified_diff

__all__ = ["comment_lines", "unified_diff"]
