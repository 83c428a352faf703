"""``icor import FILE``: add and update members from what ``icor list`` writes."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from icor_cli.commands import source
from icor_cli.commands.write import DryRun, UpdateStated, apply_change

if TYPE_CHECKING:
    from icor_cli.changes import Change
    from icor_cli.models import Registry


class ImportFormat(StrEnum):
    csv = "csv"
    tsv = "tsv"
    json = "json"
    jsonl = "jsonl"


def _read(path: str) -> str:
    from icor_cli.errors import RegistryIOError

    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as file:  # noqa: PTH123 - a path or '-'
                data = file.read()
    except OSError as error:
        raise RegistryIOError(f"cannot read {path!r}: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise RegistryIOError(f"{path!r} is not UTF-8 (byte {error.start + 1})") from None


def import_members(
    ctx: typer.Context,
    path: Annotated[str, typer.Argument(metavar="FILE", help="CSV, TSV, JSON or JSON Lines "
                                        "file, or - for standard input.")],
    fmt: Annotated[
        ImportFormat | None,
        typer.Option("--format", "-f", case_sensitive=False, show_default=False,
                     help="The file's format (default: from the extension, else the "
                          "content)."),
    ] = None,
    dry_run: DryRun = False,
    update_stated: UpdateStated = False,
) -> None:
    """Add and update members from CSV, TSV, JSON or JSONL, all or nothing.

    The columns are those `icor list -f FORMAT` writes. A row whose id exists updates
    that member: a column left out keeps the field, an empty cell (JSON null) removes an
    optional one. A row without an id, or with a new one, adds a member (its id derived
    as in add). Any bad row and nothing is written; every bad row is reported with its
    line. Added ids are printed on stdout.

    \b
    Examples:
      icor list -f csv > members.csv && icor import members.csv
      icor import new-members.jsonl --dry-run
      icor list -f json | icor import - --format json
    """
    from icor_cli.importing import RowErrors, detect_format, import_rows, parse
    from icor_cli.render import write_location_error

    where = source(ctx)
    text = _read(path)
    chosen = fmt.value if fmt is not None else detect_format(path, text)
    shown = "<stdin>" if path == "-" else path

    def compute(registry: Registry) -> Change:
        return import_rows(registry, parse(text, chosen))

    try:
        change = apply_change(where, compute, dry_run=dry_run, update_stated=update_stated)
    except RowErrors as error:
        for line, message in error.errors:
            write_location_error(f"{shown}:{line}: {message}")
        raise
    if not dry_run and change.changed and change.member_id:
        typer.echo("\n".join(change.member_id.split()))


def register(app: typer.Typer) -> None:
    app.command("import")(import_members)
