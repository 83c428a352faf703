"""Pure functions over a registry: member lookup, filters and sorting.

Search and statistics, which only their commands need, are ``search`` and ``stats``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from icor_cli.errors import UsageError
from icor_cli.models import SORT_KEYS, STATUS_CHOICES, Member, Registry


def _describe(member_id: str, member: Member) -> str:
    return f"{member_id} ({member.abbreviation}, {member.country})"


def find_member(registry: Registry, reference: str) -> tuple[str, Member]:
    """Resolve a MEMBER argument, the first step that matches deciding: the id; the
    abbreviation exactly; the abbreviation (or id) ignoring case, spacing, punctuation and
    script (``bkp`` finds ``БКП``); the name or English name, folded, exactly; then as a
    unique prefix (``Rode Morgen``, ``rode``). Ambiguous or unknown references are usage
    errors (exit 2) listing the candidates or suggestions."""
    members = registry.members
    reference = " ".join(reference.split())
    if reference in members:
        return reference, members[reference]
    exact = [(i, m) for i, m in members.items() if m.abbreviation == reference]
    if len(exact) == 1:
        return exact[0]
    from icor_cli.fold import fold_key, fold_words

    key = fold_key(reference)
    steps: list[Callable[[], list[tuple[str, Member]]]] = [
        lambda: exact,
        lambda: [(i, m) for i, m in members.items()
                 if key and (fold_key(m.abbreviation) == key or fold_key(i) == key)],
    ]
    words = fold_words(reference)
    if words:
        def names(member: Member) -> list[str]:
            return [fold_words(n) for n in (member.name, member.name_en) if n]

        steps.append(lambda: [(i, m) for i, m in members.items() if words in names(m)])
        steps.append(lambda: [(i, m) for i, m in members.items()
                              if any(n.startswith(words) for n in names(m))])
    for step in steps:
        matches = step()
        if len(matches) == 1:
            return matches[0]
        if matches:
            listed = ", ".join(_describe(i, m) for i, m in matches)
            raise UsageError(f"{reference!r} is ambiguous: it matches {listed}; use the id")
    raise UsageError(f"no member {reference!r}{_suggestions(registry, key)}")


def _suggestions(registry: Registry, key: str) -> str:
    import difflib

    from icor_cli.fold import fold_key

    by_key: dict[str, list[str]] = {}
    for member_id, member in registry.members.items():
        for candidate in (member_id, member.abbreviation, member.name, member.name_en):
            if candidate:
                by_key.setdefault(fold_key(candidate), []).append(member_id)
    close = difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.6)
    ids = list(dict.fromkeys(i for k in close for i in by_key[k]))[:5]
    if not ids:
        return " (see `icor list` or `icor search`)"
    described = ", ".join(_describe(i, registry.members[i]) for i in ids)
    return f"; did you mean {described}?"


# --- Filters -----------------------------------------------------------------------------



@dataclass(frozen=True, slots=True)
class Filters:
    """What ``--region``, ``--country``, ``--status`` and ``--founding`` ask for, resolved:
    regions as the file spells them, countries as alpha-2 codes. Empty means "any"."""

    regions: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    status: str = "all"
    founding: bool | None = None

    @property
    def empty(self) -> bool:
        return not (self.regions or self.countries or self.founding is not None
                    or self.status != "all")


def resolve_region(registry: Registry, text: str) -> str:
    """A region name, any case, as the registry spells it; or a usage error listing them."""
    wanted = " ".join(text.split()).casefold()
    for region in registry.regions:
        if region.casefold() == wanted:
            return region
    raise UsageError(f"unknown region {text!r}; choose from {', '.join(registry.regions)}")


def resolve_regions(registry: Registry, given: Sequence[str]) -> tuple[str, ...]:
    """Region names as the file spells them, matched case-insensitively (exit 2 if unknown)."""
    return tuple(dict.fromkeys(resolve_region(registry, text) for text in given))


def resolve_countries(registry: Registry, given: Sequence[str]) -> tuple[str, ...]:
    """Alpha-2 codes for ISO codes or names (``countries.resolve_country``; exit 2 if
    unknown or ambiguous)."""
    from icor_cli.countries import resolve_country

    if not given:
        return ()
    present = {member.country for member in registry.members.values()}
    return tuple(dict.fromkeys(resolve_country(text, present) for text in given))


def regions_of_country(registry: Registry, country: str) -> list[str]:
    """The regions the country's members are in, most members first."""
    seen: dict[str, int] = {}
    for member in registry.members.values():
        if member.country == country:
            seen[member.region] = seen.get(member.region, 0) + 1
    return sorted(seen, key=lambda region: -seen[region])


def inferred_region(registry: Registry, country: str) -> str | None:
    """The region of the country's existing members, when they agree on one."""
    regions = regions_of_country(registry, country)
    return regions[0] if len(regions) == 1 else None


def resolve_status(text: str) -> str:
    status = text.strip().lower()
    if status not in STATUS_CHOICES:
        raise UsageError(f"unknown status {text!r}; choose from {', '.join(STATUS_CHOICES)}")
    return status


def make_filters(
    registry: Registry,
    regions: Sequence[str] = (),
    countries: Sequence[str] = (),
    status: str = "all",
    founding: bool | None = None,
) -> Filters:
    return Filters(
        resolve_regions(registry, regions),
        resolve_countries(registry, countries),
        resolve_status(status),
        founding,
    )


def filter_members(registry: Registry, filters: Filters) -> list[tuple[str, Member]]:
    """The members that pass every filter, in file (id) order. One pass, set lookups."""
    if filters.empty:
        return list(registry.members.items())
    regions = set(filters.regions)
    countries = set(filters.countries)
    status = filters.status
    founding = filters.founding
    return [
        (member_id, member)
        for member_id, member in registry.members.items()
        if (not regions or member.region in regions)
        and (not countries or member.country in countries)
        and (status == "all" or member.status == status)
        and (founding is None or member.founding == founding)
    ]


# --- Sorting -----------------------------------------------------------------------------



def sort_members(
    members: Sequence[tuple[str, Member]], key: str, regions: Sequence[str]
) -> list[tuple[str, Member]]:
    """Sorted by ``key``, ties broken by id, so the order is stable and total.

    ``region`` (the default) follows the file's ``regions`` order; ``abbreviation`` and
    ``name`` compare folded text (case, accents and script ignored); ``status`` puts active
    first; ``joined`` puts members without a date last."""
    if key not in SORT_KEYS:
        raise UsageError(f"unknown sort key {key!r}; choose from {', '.join(SORT_KEYS)}")
    if key in ("abbreviation", "name"):
        from icor_cli.fold import fold_words
    order = {region: index for index, region in enumerate(regions)}
    keyed: list[tuple[tuple[object, ...], tuple[str, Member]]] = []
    for item in members:
        member_id, member = item
        value: tuple[object, ...]
        if key == "region":
            value = (order.get(member.region, len(order)), member.region)
        elif key == "abbreviation":
            value = (fold_words(member.abbreviation), member.abbreviation)
        elif key == "name":
            value = (fold_words(member.name), member.name)
        elif key == "country":
            value = (member.country,)
        elif key == "status":
            value = (member.status != "active",)
        elif key == "joined":
            value = (member.joined is None, member.joined.isoformat() if member.joined else "")
        else:
            value = ()
        keyed.append(((*value, member_id), item))
    keyed.sort(key=lambda pair: pair[0])
    return [item for _, item in keyed]
