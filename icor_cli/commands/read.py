"""``icor list``, ``icor show``, ``icor search`` and ``icor stats``: reading the registry.

Each command reads load → compute (``query``, ``search``, ``stats``) → render (``render.members``,
``render.stats``). Rich, pycountry and transliteration are imported only on the paths
that need them, so ``icor list -f json`` starts fast.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated

import typer

from icor_cli.commands import source

if TYPE_CHECKING:
    from icor_cli.models import Registry
    from icor_cli.query import Filters


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    tsv = "tsv"


class StatusChoice(StrEnum):
    active = "active"
    inactive = "inactive"
    all = "all"


class SortKey(StrEnum):
    region = "region"
    id = "id"
    abbreviation = "abbreviation"
    name = "name"
    country = "country"
    status = "status"
    joined = "joined"


class GroupBy(StrEnum):
    region = "region"
    country = "country"


# --- Completion: read the registry lazily, never fail -------------------------------------

def _completion_registry(ctx: typer.Context) -> Registry | None:
    try:
        from icor_cli.store import find_registry, load

        root = ctx.find_root()
        option = root.params.get("registry") or (root.obj if isinstance(root.obj, str) else None)
        return load(find_registry(option if isinstance(option, str) else None)).registry
    except Exception:
        return None


def complete_region(ctx: typer.Context, incomplete: str) -> list[str]:
    registry = _completion_registry(ctx)
    if registry is None:
        return []
    start = incomplete.casefold()
    return [region for region in registry.regions if region.casefold().startswith(start)]


def complete_country(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    registry = _completion_registry(ctx)
    if registry is None:
        return []
    try:
        from icor_cli.countries import country_name

        start = incomplete.upper()
        codes = sorted({m.country for m in registry.members.values()})
        return [(code, country_name(code)) for code in codes if code.startswith(start)]
    except Exception:
        return []


def complete_member(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    registry = _completion_registry(ctx)
    if registry is None:
        return []
    return [
        (member_id, f"{member.abbreviation} ({member.country})")
        for member_id, member in sorted(registry.members.items())
        if member_id.startswith(incomplete)
    ]


# --- Shared options ----------------------------------------------------------------------

RegionOption = Annotated[
    list[str] | None,
    typer.Option("--region", metavar="REGION", autocompletion=complete_region,
                 help="Only this region (repeatable; case-insensitive)."),
]
CountryOption = Annotated[
    list[str] | None,
    typer.Option("--country", metavar="COUNTRY", autocompletion=complete_country,
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
    """
    from icor_cli.query import filter_members, sort_members
    from icor_cli.render import members as render

    registry = _registry(ctx)
    if as_of is not None:
        from icor_cli.commands.history import registry_as_of

        registry = registry_as_of(registry, as_of)
    filters = _filters(registry, region, country, status, founding)
    items = sort_members(filter_members(registry, filters), sort.value, registry.regions)
    chosen = _format(fmt)
    if chosen == "table":
        render.members_table(items)
    else:
        records = (render.member_record(member_id, member) for member_id, member in items)
        from icor_cli.models import MEMBER_COLUMNS

        render.write_records(records, MEMBER_COLUMNS, chosen)


def show_member(
    ctx: typer.Context,
    member: Annotated[
        str,
        typer.Argument(metavar="MEMBER", autocompletion=complete_member,
                       help="Id, abbreviation (case, punctuation and script ignored), "
                            "or name or English name (or a unique beginning of one)."),
    ],
    fmt: FormatOption = None,
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
    """
    from icor_cli.query import find_member
    from icor_cli.render import members as render

    registry = _registry(ctx)
    member_id, found = find_member(registry, member)
    chosen = _format(fmt)
    if chosen == "table":
        render.member_table(member_id, found)
    else:
        from icor_cli.models import MEMBER_COLUMNS

        render.write_records([render.member_record(member_id, found)],
                             MEMBER_COLUMNS, chosen, single=True)


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
) -> None:
    """Search ids, abbreviations, names and countries; best matches first.

    \b
    Case, accents, script (by transliteration), spacing and punctuation are
    ignored, and a one-letter typo is tolerated. Ranking: exact abbreviation
    or id, then prefix, whole word, substring, fuzzy; the "matched" column
    names the field that matched.

    \b
    Examples:
      icor search marxist
      icor search bkp
      icor search 'partido comunista' --region America
      icor search turkiye --format json | jq -r '.[].id'
    """
    from icor_cli.query import filter_members
    from icor_cli.render import members as render
    from icor_cli.search import search_members as run_search

    registry = _registry(ctx)
    filters = _filters(registry, region, country, status, founding)
    hits = run_search(query, filter_members(registry, filters))
    if limit:
        hits = hits[:limit]
    chosen = _format(fmt)
    if chosen == "table":
        render.search_table(hits)
    else:
        render.write_records((render.hit_record(hit) for hit in hits),
                             render.SEARCH_COLUMNS, chosen)


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
    fmt: FormatOption = None,
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
    """
    from icor_cli.query import filter_members
    from icor_cli.render.stats import render_stats
    from icor_cli.stats import compute_stats

    registry = _registry(ctx)
    if as_of is not None:
        from icor_cli.commands.history import registry_as_of, stats_as_of

        registry = registry_as_of(registry, as_of)
    filters = _filters(registry, region, country, status, founding)
    stats = compute_stats(registry, filter_members(registry, filters), by.value, filters)
    if as_of is not None:
        stats = stats_as_of(stats, registry, as_of)
    render_stats(stats, _format(fmt))


def register(app: typer.Typer) -> None:
    app.command("list")(list_members)
    app.command("show")(show_member)
    app.command("search")(search_members)
    app.command("stats")(show_stats)
