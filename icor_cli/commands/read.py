"""``icor list``, ``icor show``, ``icor search`` and ``icor stats``: reading the registry.

Each command reads load → compute (``query``, ``search``, ``stats``) → render (``render.members``,
``render.stats``). Rich, pycountry and transliteration are imported only on the paths
that need them, so ``icor list -f json`` starts fast.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from icor_cli.choices import OutputFormat, SortKey, StatusChoice
from icor_cli.commands import source

if TYPE_CHECKING:
    from collections.abc import Iterable

    from icor_cli.models import Registry
    from icor_cli.query import Filters


class StatsSort(StrEnum):
    total = "total"
    active = "active"
    name = "name"


class GroupBy(StrEnum):
    region = "region"
    country = "country"


# --- Shared options ----------------------------------------------------------------------

RegionOption = Annotated[
    list[str] | None,
    typer.Option("--region", metavar="REGION",
                 help="Only this region (repeatable; case-insensitive)."),
]
CountryOption = Annotated[
    list[str] | None,
    typer.Option("--country", metavar="COUNTRY",
                 help="Only this country: ISO code or name, English or its own, e.g. "
                      "TR, TUR, Turkey, Türkiye (repeatable)."),
]
StatusOption = Annotated[
    StatusChoice,
    typer.Option("--status", case_sensitive=False, help="Member status to include."),
]
FoundingOption = Annotated[
    bool | None,
    typer.Option("--founding/--no-founding", show_default=False,
                 help="Only founding members, or only members who joined later."),
]
AsOfOption = Annotated[
    str | None,
    typer.Option("--as-of", metavar="YYYY-MM-DD",
                 help="Membership on that date, from joined and deactivated (members "
                      "whose membership then is unknown are named on stderr)."),
]
FormatOption = Annotated[
    OutputFormat | None,
    typer.Option("--format", "-f", case_sensitive=False, show_default=False,
                 help="Output format (default: table on a terminal, tsv otherwise)."),
]
FieldsOption = Annotated[
    str | None,
    typer.Option("--fields", metavar="FIELD,...", show_default=False,
                 help="Only these columns, in this order: id, any member field, "
                      "country_name (e.g. id,abbreviation,country_name)."),
]
SearchFieldsOption = Annotated[
    str | None,
    typer.Option("--fields", metavar="FIELD,...", show_default=False,
                 help="Only these columns, in this order: id, any member field, "
                      "country_name, matched, match."),
]
NoHeaderOption = Annotated[
    bool,
    typer.Option("--no-header", help="Leave out the header row of csv and tsv."),
]


def _filters(
    registry: Registry,
    region: list[str] | None,
    country: list[str] | None,
    status: StatusChoice,
    founding: bool | None,
) -> Filters:
    from icor_cli.query import make_filters

    return make_filters(registry, region or (), country or (), status.value, founding)


def _format(fmt: OutputFormat | None) -> str:
    from icor_cli.render.members import default_format

    return fmt.value if fmt is not None else default_format()


def _registry(ctx: typer.Context) -> Registry:
    from icor_cli.store import load

    return load(source(ctx)).registry


# --- Commands ----------------------------------------------------------------------------

def list_members(
    ctx: typer.Context,
    region: RegionOption = None,
    country: CountryOption = None,
    status: StatusOption = StatusChoice.all,
    founding: FoundingOption = None,
    sort: Annotated[
        SortKey,
        typer.Option("--sort", case_sensitive=False,
                     help="Order by this key, ties by id. region follows the file's "
                          "regions order."),
    ] = SortKey.region,
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
    as_of: AsOfOption = None,
) -> None:
    """List members, one row each, filtered and sorted.

    \b
    Examples:
      icor list
      icor list --region Asia --status active
      icor list --country Turkey --country DE --sort abbreviation
      icor list --no-founding --format json | jq length
      icor list -f csv > members.csv
      icor list --fields id,country_name --format csv --no-header
    """
    from icor_cli.fields import parse_fields
    from icor_cli.query import filter_members, sort_members
    from icor_cli.render import members as render

    columns = parse_fields(fields)
    registry = _registry(ctx)
    if as_of is not None:
        from icor_cli.commands.history import registry_as_of

        registry = registry_as_of(registry, as_of)
    filters = _filters(registry, region, country, status, founding)
    items = sort_members(filter_members(registry, filters), sort.value, registry.regions)
    chosen = _format(fmt)
    records = (render.member_record(member_id, member) for member_id, member in items)
    if columns is not None:
        _write_fields(records, columns, chosen, header=not no_header)
    elif chosen == "table":
        render.members_table(items)
    else:
        from icor_cli.models import MEMBER_COLUMNS

        render.write_records(records, MEMBER_COLUMNS, chosen, header=not no_header)


def _write_fields(records: Iterable[dict[str, Any]], columns: tuple[str, ...], chosen: str, *,
                  header: bool, single: bool = False, noun: tuple[str, str] | None = None
                  ) -> None:
    """Records reduced to the ``--fields`` columns, in any format."""
    from icor_cli.fields import select
    from icor_cli.render import fields as table
    from icor_cli.render.members import write_records

    picked = select(records, columns)
    if chosen != "table":
        write_records(picked, columns, chosen, single=single, header=header)
    elif single:
        table.record_table(next(iter(picked)), columns)
    else:
        table.records_table(picked, columns, *([noun] if noun else []))


def show_member(
    ctx: typer.Context,
    member: Annotated[
        str,
        typer.Argument(metavar="MEMBER",
                       help="Id, abbreviation (case, punctuation and script ignored), "
                            "or name or English name (or a unique beginning of one)."),
    ],
    fmt: FormatOption = None,
    fields: FieldsOption = None,
    no_header: NoHeaderOption = False,
) -> None:
    """Show every field of one member.

    \b
    MEMBER is the id, else the abbreviation exactly, else the abbreviation
    ignoring case, spacing, punctuation and script (bkp finds БКП), else the
    name or English name, exactly or as a unique beginning ("Rode Morgen").

    \b
    Examples:
      icor show mlpd
      icor show 'BP (NK-T)'
      icor show bkp --format json
      icor show "Rode Morgen"
      icor show bkp --fields name_en,country_name --format tsv --no-header
    """
    from icor_cli.fields import parse_fields
    from icor_cli.query import find_member
    from icor_cli.render import members as render

    columns = parse_fields(fields)
    registry = _registry(ctx)
    member_id, found = find_member(registry, member)
    chosen = _format(fmt)
    if columns is not None:
        _write_fields([render.member_record(member_id, found)], columns, chosen,
                      header=not no_header, single=True)
    elif chosen == "table":
        render.member_table(member_id, found)
    else:
        from icor_cli.models import MEMBER_COLUMNS

        render.write_records([render.member_record(member_id, found)],
                             MEMBER_COLUMNS, chosen, single=True, header=not no_header)


def search_members(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Text to look for.")],
    region: RegionOption = None,
    country: CountryOption = None,
    status: StatusOption = StatusChoice.all,
    founding: FoundingOption = None,
    limit: Annotated[
        int,
        typer.Option("--limit", "-n", min=0, help="At most this many results (0: all)."),
    ] = 0,
    fmt: FormatOption = None,
    fields: SearchFieldsOption = None,
    no_header: NoHeaderOption = False,
    exit_status: Annotated[
        bool,
        typer.Option("--exit-status",
                     help="Exit 1 when nothing is found (as grep does), instead of 0."),
    ] = False,
) -> None:
    """Search ids, abbreviations, names and countries; best matches first.

    \b
    Case, accents, script (by transliteration), spelling variants of
    transliteration (j/y, tsch/ch, kh/h, doubled letters...), spacing and
    punctuation are ignored, and a one-letter typo is tolerated. Ranking:
    exact abbreviation or id, then prefix, whole word, substring, fuzzy, stem;
    the "matched" column names the field that matched.

    \b
    When no member matches every word, the members matching most words are
    listed (match "partial") and stderr says so; when nothing matches, stderr
    names the closest members and the exit status is 0 (1 with --exit-status).

    \b
    Examples:
      icor search marxist
      icor search bkp
      icor search 'partido comunista' --region America
      icor search turkiye --format json | jq -r '.[].id'
      icor search 'Rossijskaja maoistskaja' --fields id,match
      icor search kommunisticheskaja --fields id,match --format tsv --no-header
    """
    from icor_cli.fields import parse_fields
    from icor_cli.query import filter_members
    from icor_cli.render import members as render
    from icor_cli.search import find

    columns = parse_fields(fields, search=True)
    registry = _registry(ctx)
    filters = _filters(registry, region, country, status, founding)
    result = find(query, filter_members(registry, filters))
    hits = result.hits[:limit] if limit else result.hits
    chosen = _format(fmt)
    if not result.complete:
        _note("no member matches all words; closest: "
              + ", ".join(_described(hit.member_id, hit.member) for hit in hits))
    elif not hits:
        message = f"no member matches {_shown_query(query)}"
        if result.closest:
            message += "; closest: " + ", ".join(_described(i, m) for i, m in result.closest)
        _note(message)
    if columns is not None:
        _write_fields((render.hit_record(hit) for hit in hits), columns, chosen,
                      header=not no_header, noun=("match", "matches"))
    elif chosen == "table":
        render.search_table(hits)
    else:
        render.write_records((render.hit_record(hit) for hit in hits),
                             render.SEARCH_COLUMNS, chosen, header=not no_header)
    if exit_status and not hits:
        raise typer.Exit(1)


def _described(member_id: str, member: Any) -> str:
    return f"{member_id} ({member.abbreviation}, {member.country})"


def _shown_query(query: str, limit: int = 60) -> str:
    """The query quoted for a message: escaped (a line break or escape sequence in it
    cannot start a line or act on the terminal) and cut after ``limit`` characters."""
    shown = query if len(query) <= limit else query[:limit] + "…"
    return repr(shown)


def _note(message: str) -> None:
    """A line for people on stderr (stdout keeps only the data)."""
    typer.echo(f"icor: {message}", err=True)


def show_stats(
    ctx: typer.Context,
    by: Annotated[
        GroupBy,
        typer.Option("--by", case_sensitive=False, help="Group by region or by country."),
    ] = GroupBy.region,
    region: RegionOption = None,
    country: CountryOption = None,
    status: StatusOption = StatusChoice.all,
    founding: FoundingOption = None,
    sort: Annotated[
        StatsSort | None,
        typer.Option("--sort", case_sensitive=False, show_default=False,
                     help="Order groups by total or active (largest first) or name "
                          "(default: the file's regions order, or country names)."),
    ] = None,
    fmt: FormatOption = None,
    no_header: NoHeaderOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Count members per region or country, against the stated figures.

    \b
    Per group: active, inactive, total, distinct countries and founding
    members, then a totals row. Stated figures ([stated] in the file) are shown
    beside the actual ones as actual/stated and marked where they differ:
    per region the active count, on the totals row active, inactive, total and
    countries (only without filters, as they describe the whole registry).

    \b
    Examples:
      icor stats
      icor stats --by country --status active
      icor stats --format json | jq '.totals'
      icor stats --by country --sort total
    """
    from icor_cli.query import filter_members
    from icor_cli.render.stats import render_stats
    from icor_cli.stats import compute_stats, sort_rows

    registry = _registry(ctx)
    if as_of is not None:
        from icor_cli.commands.history import registry_as_of, stats_as_of

        registry = registry_as_of(registry, as_of)
    filters = _filters(registry, region, country, status, founding)
    stats = compute_stats(registry, filter_members(registry, filters), by.value, filters)
    if as_of is not None:
        stats = stats_as_of(stats, registry, as_of)
    if sort is not None:
        sort_rows(stats, sort.value)
    render_stats(stats, _format(fmt), header=not no_header)


def register(app: typer.Typer) -> None:
    app.command("list")(list_members)
    app.command("show")(show_member)
    app.command("search")(search_members)
    app.command("stats")(show_stats)
