"""``icor stated``: every stated figure beside the actual count; ``icor stated sync``: set
them all to the actual counts, once the published figures match the registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from icor_cli.choices import OutputFormat
from icor_cli.commands import source
from icor_cli.commands.read import FormatOption
from icor_cli.commands.write import DryRun

if TYPE_CHECKING:
    from icor_cli.figures import Comparison
    from icor_cli.models import Registry
    from icor_cli.store import Loaded

COLUMNS = ("figure", "region", "stated", "actual", "matches")

stated_app = typer.Typer(
    name="stated",
    no_args_is_help=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _record(row: Comparison) -> dict[str, Any]:
    return {"figure": row.key, "region": row.region, "stated": row.stated,
            "actual": row.actual, "matches": row.matches}


def _table(registry: Registry, rows: list[Comparison]) -> None:
    from rich.text import Text

    from icor_cli.render import console as make_console
    from icor_cli.render.columns import Column, render, widths

    console = make_console()
    cells = [[Text(row.label), Text("-" if row.stated is None else str(row.stated)),
              Text(str(row.actual)),
              Text("" if row.matches else "≠", style="bold red")] for row in rows]
    columns = [Column("Figure"), Column("Stated", right=True), Column("Actual", right=True),
               Column("")]
    sizes, _ = widths(columns, cells, console.width)
    console.print(render(columns, cells, sizes), soft_wrap=True, end="")
    stated = registry.stated
    if stated.source or stated.as_of:
        where = f"stated: {stated.source or 'source not recorded'}"
        where += f", as of {stated.as_of}" if stated.as_of else ""
        console.print(Text(where, style="dim"), soft_wrap=True)
    differ = sum(not row.matches for row in rows)
    if differ:
        console.print(Text(f"{differ} figure{'s' * (differ != 1)} differ: run 'icor stated "
                           "sync' once the published figures match", style="dim"),
                      soft_wrap=True)


@stated_app.callback(invoke_without_command=True)
def stated(ctx: typer.Context, fmt: FormatOption = None) -> None:
    """Show every stated figure ([stated]) beside the actual count.

    The stated figures are what the organisation publishes; `icor validate` reports each
    one that differs. Once the published page matches the registry, `icor stated sync`
    records the actual counts as the stated ones.

    \b
    Examples:
      icor stated
      icor stated --format json
      icor stated sync --as-of 2025-06-01 --source "ICOR website, About page"
      icor stated sync --dry-run
    """
    if ctx.invoked_subcommand is not None:
        return
    from icor_cli.figures import compare
    from icor_cli.render.members import default_format, write_records
    from icor_cli.store import load

    registry = load(source(ctx)).registry
    rows = compare(registry)
    chosen = fmt.value if fmt is not None else default_format()
    if chosen == OutputFormat.table:
        _table(registry, rows)
    else:
        write_records((_record(row) for row in rows), COLUMNS, chosen)


def _shown(value: object) -> str:
    if value is None:
        return "(unset)"
    return repr(value) if isinstance(value, str) else str(value)


@stated_app.command("sync")
def sync(
    ctx: typer.Context,
    as_of: Annotated[
        str | None, typer.Option("--as-of", metavar="YYYY-MM-DD",
                                 help="Date of the published figures (stated.as_of)."),
    ] = None,
    source_text: Annotated[
        str | None, typer.Option("--source", metavar="TEXT",
                                 help="Where the figures are published (stated.source)."),
    ] = None,
    dry_run: DryRun = False,
) -> None:
    """Set every stated figure to the actual count, once the published page matches.

    By region too, where the file states figures by region. --as-of and --source replace
    the recorded date and source; without them those are kept.

    \b
    Examples:
      icor stated sync
      icor stated sync --as-of 2025-06-01 --source "ICOR website, About page"
      icor stated sync --dry-run
    """
    from icor_cli.changes import Change
    from icor_cli.commands.write import Outcome, _say, write_outcome
    from icor_cli.figures import compare, sync_stated
    from icor_cli.inputs import clean_text, parse_date
    from icor_cli.store import dump

    where = source(ctx)
    date = parse_date(as_of, "--as-of") if as_of is not None else None
    text = clean_text(source_text, "--source") if source_text is not None else None

    def compute(loaded: Loaded) -> Outcome:
        registry = loaded.registry
        moved = [row for row in compare(registry) if not row.matches]
        after = sync_stated(registry, as_of=date, source=text)
        listed = ", ".join(f"{row.label} {'-' if row.stated is None else row.stated} -> "
                           f"{row.actual}" for row in moved)
        extra = [f"{key} {_shown(getattr(registry.stated, key))} -> "
                 f"{_shown(getattr(after.stated, key))}"
                 for key in ("as_of", "source")
                 if getattr(registry.stated, key) != getattr(after.stated, key)]
        what = ", ".join(part for part in (listed, ", ".join(extra)) if part)
        changed = after.stated != registry.stated
        summary = (f"stated figures set to the registry's counts: {what}" if changed
                   else "stated figures already match the registry; nothing changed")
        return Outcome(Change(after, "", summary, changed=changed), [],
                       dump(after) if changed else loaded.text)

    outcome = write_outcome(where, compute, dry_run=dry_run)
    dry = " (dry run: nothing written)" if dry_run and outcome.change.changed else ""
    _say(where, outcome.change.summary + dry)


def register(app: typer.Typer) -> None:
    app.add_typer(stated_app, name="stated")
