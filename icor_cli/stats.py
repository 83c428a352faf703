"""Statistics: members counted by region or country, beside the counts stated publicly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from icor_cli.errors import UsageError
from icor_cli.fold import fold_words
from icor_cli.models import Member, Registry
from icor_cli.query import Filters

GROUP_BY = ("region", "country")
STAT_FIGURES = ("active", "inactive", "total", "countries", "founding")


@dataclass(slots=True)
class StatsRow:
    """Counts for one group (or the totals), with the stated figures that apply to it."""

    group: str
    label: str
    active: int = 0
    inactive: int = 0
    total: int = 0
    countries: int = 0
    founding: int = 0
    stated: dict[str, int] = field(default_factory=dict)

    @property
    def differs(self) -> list[str]:
        return [name for name, value in self.stated.items() if getattr(self, name) != value]


@dataclass(slots=True)
class Stats:
    by: str
    rows: list[StatsRow]
    totals: StatsRow
    filtered: bool
    stated_source: str | None
    stated_as_of: str | None


def _add(row: StatsRow, member: Member, countries: set[str]) -> None:
    row.total += 1
    if member.status == "active":
        row.active += 1
    else:
        row.inactive += 1
    if member.founding:
        row.founding += 1
    countries.add(member.country)


def compute_stats(
    registry: Registry, members: Sequence[tuple[str, Member]], by: str, filters: Filters
) -> Stats:
    """Per region (in the file's order) or per country (by name): active, inactive,
    total, distinct countries, founding members, and a totals row.

    Stated figures come from ``[stated]``: per region only ``active`` (and only when no
    filter other than ``--region`` is given); on the totals row active, inactive, total
    and countries, only without any filter (they describe the whole registry)."""
    if by not in GROUP_BY:
        raise UsageError(f"unknown grouping {by!r}; choose from {', '.join(GROUP_BY)}")
    rows: dict[str, StatsRow] = {}
    row_countries: dict[str, set[str]] = {}
    if by == "region":
        chosen = set(filters.regions)
        shown = [r for r in registry.regions if not chosen or r in chosen]
        for region in shown:
            rows[region] = StatsRow(region, region)
            row_countries[region] = set()
    all_countries: set[str] = set()
    totals = StatsRow("total", "Total")
    for _member_id, member in members:
        group = member.region if by == "region" else member.country
        row = rows.get(group)
        if row is None:
            row = rows[group] = StatsRow(group, group)
            row_countries[group] = set()
        _add(row, member, row_countries[group])
        _add(totals, member, all_countries)
    for group, row in rows.items():
        row.countries = len(row_countries[group])
    totals.countries = len(all_countries)
    ordered = list(rows.values())
    stated = registry.stated
    only_regions = not (filters.countries or filters.founding is not None
                        or filters.status != "all")
    if by == "region":
        if only_regions:
            for row in ordered:
                if row.group in stated.active_by_region:
                    row.stated = {"active": stated.active_by_region[row.group]}
    else:
        from icor_cli.countries import country_name

        for row in ordered:
            row.label = country_name(row.group)
        ordered.sort(key=lambda row: (fold_words(row.label), row.group))
    if filters.empty:
        totals.stated = {"active": stated.active, "inactive": stated.inactive,
                         "total": stated.total, "countries": stated.countries}
    return Stats(
        by, ordered, totals, not filters.empty, stated.source,
        stated.as_of.isoformat() if stated.as_of else None,
    )


STATS_SORT = ("total", "active", "name")


def sort_rows(stats: Stats, key: str) -> None:
    """``stats --sort``: ``total`` or ``active`` largest first, ``name`` by label
    (case, accents and script ignored); ties by label, then group."""
    if key not in STATS_SORT:
        raise UsageError(f"unknown sort key {key!r}; choose from {', '.join(STATS_SORT)}")
    if key == "name":
        stats.rows.sort(key=lambda row: (fold_words(row.label), row.group))
    else:
        stats.rows.sort(key=lambda row: (-getattr(row, key), fold_words(row.label), row.group))
