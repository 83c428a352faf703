"""``icor validate`` and ``icor schema``: checking a registry, and the file format's schema."""

from __future__ import annotations

import os
import sys
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
        typer.Option("--format", "-f",
                     help="text, json, or github annotations (default: github when "
                          "$GITHUB_ACTIONS is true, else text)."),
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
    In GitHub Actions ($GITHUB_ACTIONS=true) the default format is github:
    annotations on the pull request's diff, and a Markdown summary appended
    to $GITHUB_STEP_SUMMARY when it is set.

    \b
    Examples:
      icor validate
      icor validate --strict --format github
      icor validate --format json | jq '.[] | .message'
    """
    from icor_cli import verdict
    from icor_cli.checks import run_checks
    from icor_cli.errors import RegistryIOError
    from icor_cli.render import findings as render

    where = source(ctx)
    chosen = fmt or default_format()
    try:
        report = run_checks(where)
    except RegistryIOError as error:
        if chosen is ReportFormat.github:
            render.render_github_failure(where.display, str(error))
        raise
    failed = bool(report.errors or (strict and report.warnings))
    verdict.set(1 if failed else 0)
    if chosen is ReportFormat.json:
        render.render_json(report)
    elif chosen is ReportFormat.github:
        render.render_github(report, where.display)
        if report.registry is not None:  # on a pull request: the diff against its base
            from icor_cli.commands.history import pull_request_summary

            pull_request_summary(where, report.registry)
    else:
        render.render_text(report, where.display)
    if failed:
        raise typer.Exit(1)


def default_format() -> ReportFormat:
    """github inside GitHub Actions (so findings land on the diff), text elsewhere."""
    if os.environ.get("GITHUB_ACTIONS") == "true":
        return ReportFormat.github
    return ReportFormat.text


def schema() -> None:
    """Print the JSON Schema of the registry file format.

    \b
    The schema (JSON Schema draft 2020-12) is generated from the models that
    icor validate uses. Editors with a TOML language server (taplo, Even
    Better TOML) use it to complete and check registry.toml as it is typed.
    Rules that need the whole file (regions declared in `regions`, unique
    abbreviations, stated counts) are only checked by icor validate.

    \b
    Examples:
      icor schema > registry.schema.json
      icor schema | jq '.["$defs"].Member.required'
    """
    from icor_cli.jsonschema import schema_text

    sys.stdout.write(schema_text())


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("schema")(schema)
