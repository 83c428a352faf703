"""``icor validate`` and ``icor schema``: checking a registry, and the file format's schema."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from icor_cli.choices import ReportFormat
from icor_cli.commands import source

if TYPE_CHECKING:
    from icor_cli.store import RegistrySource


#: ``--format`` of every command that reports findings (validate, audit).
ReportFormatOption = Annotated[
    ReportFormat | None,
    typer.Option("--format", "-f",
                 help="text, json, or github annotations (default: github when "
                      "$GITHUB_ACTIONS is true, else text)."),
]

FilesArgument = Annotated[
    list[str] | None,
    typer.Argument(metavar="FILE", show_default=False,
                   help="Registry files to check, each on its own (default: the registry "
                        "in use, see --registry)."),
]


def validate(
    ctx: typer.Context,
    files: FilesArgument = None,
    fmt: ReportFormatOption = None,
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
    Files given as arguments are checked each on its own (as pre-commit and
    editors pass them), with one summary line per file and a last line for
    all of them; exit 1 if any has an error, 3 if one cannot be read.

    \b
    In GitHub Actions ($GITHUB_ACTIONS=true) the default format is github:
    annotations on the pull request's diff, and a Markdown summary appended
    to $GITHUB_STEP_SUMMARY when it is set.

    \b
    Examples:
      icor validate
      icor validate --strict --format github
      icor validate --format json | jq '.[] | .message'
      icor validate a/registry.toml b/registry.toml
    """
    from icor_cli import verdict
    from icor_cli.checks import Report, run_checks
    from icor_cli.errors import IcorError, RegistryIOError
    from icor_cli.render import findings as render
    from icor_cli.render import write_error

    targets = file_sources(files) if files else [source(ctx)]
    chosen = fmt or default_format()
    reports: list[Report] = []
    code = 0
    for where in targets:
        try:
            report = run_checks(where)
        except IcorError as error:
            if chosen is ReportFormat.github and isinstance(error, RegistryIOError):
                render.render_github_failure(where.display, str(error))
            if len(targets) == 1:
                raise
            write_error(str(error))
            code = max(code, error.exit_code)
            continue
        reports.append(report)
        if report.errors or (strict and report.warnings):
            code = max(code, 1)
        # Recorded before the report is printed: a reader that goes away keeps it.
        verdict.set(code)
        if chosen is ReportFormat.github:
            render.render_github(report, where.display)
            if report.registry is not None:  # on a pull request: the diff against its base
                from icor_cli.commands.history import pull_request_summary

                pull_request_summary(where, report.registry)
        elif chosen is ReportFormat.text:
            render.render_text(report, where.display)
    verdict.set(code)
    if chosen is ReportFormat.json:
        render.render_json_reports(reports)
    elif len(targets) > 1:
        failed = sum(1 for r in reports if r.errors or (strict and r.warnings))
        unread = len(targets) - len(reports)
        parts = [f"{len(targets)} files checked", f"{failed} failed"]
        if unread:
            parts.append(f"{unread} could not be read")
        sys.stdout.write(", ".join(parts) + "\n")
    if code:
        raise typer.Exit(code)


def file_sources(files: list[str]) -> list[RegistrySource]:
    """Files named on the command line, each named in messages as it was given."""
    from pathlib import Path

    from icor_cli.store import RegistrySource

    return [RegistrySource(Path(name), name) for name in dict.fromkeys(files)]


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
