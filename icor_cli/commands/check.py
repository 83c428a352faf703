"""``icor validate`` and ``icor schema``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from icor_cli.commands import source


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    github = "github"


def validate(
    ctx: typer.Context,
    fmt: Annotated[
        ReportFormat | None,
        typer.Option("--format", "-f", help="text (default), json, or github annotations."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Exit 1 on warnings too."),
    ] = False,
) -> None:
    """Run every check on the registry and report every problem.

    \b
    Checks: syntax, schema, uniqueness, countries, regions, dates, counts
    (stated vs actual), hygiene (NFC, control characters, whitespace, mixed
    scripts) and format (canonical form). Errors exit 1; warnings exit 0
    unless --strict.

    \b
    Examples:
      icor validate
      icor validate --strict --format github
      icor validate --format json | jq '.[] | .message'
    """
    from icor_cli.checks import run_checks
    from icor_cli.render import findings as render

    where = source(ctx)
    report = run_checks(where)
    chosen = fmt or ReportFormat.text
    if chosen is ReportFormat.json:
        render.render_json(report)
    elif chosen is ReportFormat.github:
        render.render_github(report, where.display)
    else:
        render.render_text(report, where.display)
    if report.errors or (strict and report.warnings):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
