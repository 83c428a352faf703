"""Pure functions over a registry: member lookup, filters, sorting, search, statistics."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from icor_cli.errors import UsageError
from icor_cli.models import Member, Registry


def _describe(member_id: str, member: Member) -> str:
    return f"{member_id} ({member.abbreviation}, {member.country})"


def find_member(registry: Registry, reference: str) -> tuple[str, Member]:
    """Resolve a MEMBER argument: the id; else the abbreviation exactly; else the
    abbreviation (or id) ignoring case, spacing, punctuation and script (``bkp`` finds
    ``БКП``). Ambiguous or unknown references are usage errors (exit 2)."""
    members = registry.members
    if reference in members:
        return reference, members[reference]
    exact = [(i, m) for i, m in members.items() if m.abbreviation == reference]
    if len(exact) == 1:
        return exact[0]
    from icor_cli.fold import fold_key

    key = fold_key(reference)
    matches = exact or [
        (i, m) for i, m in members.items()
        if key and (fold_key(m.abbreviation) == key or fold_key(i) == key)
    ]
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
        for candidate in (member_id, member.abbreviation):
            by_key.setdefault(fold_key(candidate), []).append(member_id)
    close = difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.6)
    ids = list(dict.fromkeys(i for k in close for i in by_key[k]))[:5]
    if not ids:
        return " (see `icor list` or `icor search`)"
    described = ", ".join(_describe(i, registry.members[i]) for i in ids)
    return f"; did you mean {described}?"


# --- Filters -----------------------------------------------------------------------------

STATUS_CHOICES = ("active", "inactive", "all")


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


def resolve_regions(registry: Registry, given: Sequence[str]) -> tuple[str, ...]:
    """Region names as the file spells them, matched case-insensitively (exit 2 if unknown)."""
    by_fold = {region.casefold(): region for region in registry.regions}
    resolved: list[str] = []
    for text in given:
        region = by_fold.get(text.strip().casefold())
        if region is None:
            raise UsageError(
                f"unknown region {text!r}; choose from {', '.join(registry.regions)}"
            )
        if region not in resolved:
            resolved.append(region)
    return tuple(resolved)


def resolve_countries(registry: Registry, given: Sequence[str]) -> tuple[str, ...]:
    """Alpha-2 codes for ISO codes or English/common names (exit 2 if unknown)."""
    from icor_cli.countries import country_code

    resolved: list[str] = []
    for text in given:
        code = country_code(text)
        if code is None:
            present = sorted({member.country for member in registry.members.values()})
            raise UsageError(
                f"unknown country {text!r}; use an ISO 3166-1 alpha-2 code or an English "
                f"name (the registry has {', '.join(present)})"
            )
        if code not in resolved:
            resolved.append(code)
    return tuple(resolved)


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

SORT_KEYS = ("region", "id", "abbreviation", "name", "country", "status", "joined")
DEFAULT_SORT = "region"


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


# --- Search ------------------------------------------------------------------------------

SEARCH_FIELDS = ("abbreviation", "id", "name", "name_en", "country", "country_name")
MATCH_KINDS = ("exact", "prefix", "word", "substring", "fuzzy")
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
FUZZY_MIN_LENGTH = 4


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result: the member, how well it matched and in which field(s)."""

    member_id: str
    member: Member
    tier: int  # index into MATCH_KINDS: lower is better
    exactness: int  # within a tier: 0 raw equality, 1 case-insensitive, 2 folded
    matched: str  # a field of SEARCH_FIELDS, or several joined by "+"

    @property
    def match(self) -> str:
        return MATCH_KINDS[self.tier]

    def sort_key(self) -> tuple[int, int, int, str]:
        first = self.matched.split("+", 1)[0]
        return (self.tier, self.exactness, SEARCH_FIELDS.index(first), self.member_id)


def _edits1(word: str) -> frozenset[str]:
    """Every string one edit (delete, insert, substitute, swap neighbours) from ``word``,
    over folded text's alphabet. About 70 per letter: constant work per query, so fuzzy
    matching costs one set lookup per member word, whatever the registry's size."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    substitutes = [a + c + b[1:] for a, b in splits if b for c in _ALNUM]
    inserts = [a + c + b for a, b in splits for c in _ALNUM]
    return frozenset((*deletes, *swaps, *substitutes, *inserts))


class _Query:
    """The query folded once: words, key (letters and digits only) and typo neighbours."""

    def __init__(self, text: str) -> None:
        from icor_cli.fold import fold_words

        self.raw = text.strip()
        self.casefolded = self.raw.casefold()
        self.words_text = fold_words(text)
        self.words = self.words_text.split()
        self.key = self.words_text.replace(" ", "")
        self.padded = f" {self.words_text} "
        self.near = [
            _edits1(word) if len(word) >= FUZZY_MIN_LENGTH else frozenset()
            for word in self.words
        ]


_SEPARATOR = "\x00"  # between a member's fields while folding them in one pass
_NOT_ALNUM_OR_SEPARATOR = re.compile(r"[^a-z0-9\x00]+")


def _country_texts(code: str, cache: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The folded code and English names of a country (computed once per country)."""
    texts = cache.get(code)
    if texts is None:
        from icor_cli.countries import all_country_names, country_name
        from icor_cli.fold import fold_words

        names = [country_name(code), *all_country_names(code)]
        texts = (code.lower(), *dict.fromkeys(fold_words(name) for name in names if name))
        cache[code] = texts
    return texts


_WORD_CACHE: dict[str, str] = {}
_WORD_CACHE_SIZE = 200_000


def _transliterate_words(text: str) -> str:
    """``fold.transliterate`` word by word, remembering each non-ASCII word: names share
    most of their words, so a large registry transliterates each distinct word once."""
    if text.isascii():
        return text
    from icor_cli.fold import transliterate

    cache = _WORD_CACHE
    out: list[str] = []
    for word in text.split(" "):
        if word.isascii():
            out.append(word)
            continue
        ascii_word = cache.get(word)
        if ascii_word is None:
            if len(cache) >= _WORD_CACHE_SIZE:
                cache.clear()
            ascii_word = cache[word] = transliterate(word)
        out.append(ascii_word)
    return " ".join(out)


def _fold_own_fields(member_id: str, member: Member) -> list[str]:
    """Abbreviation, id, name and English name folded as ``fold_words`` does, with one
    regular-expression pass for the whole member."""
    parts = (member.abbreviation, member_id, member.name, member.name_en or "")
    joined = _SEPARATOR.join(_transliterate_words(part.replace(_SEPARATOR, " "))
                             for part in parts)
    folded = _NOT_ALNUM_OR_SEPARATOR.sub(" ", joined.lower())
    return [text.strip() for text in folded.split(_SEPARATOR)]


def _match_member(
    query: _Query, member_id: str, member: Member, country_cache: dict[str, tuple[str, ...]]
) -> Hit | None:
    own = _fold_own_fields(member_id, member)
    country = _country_texts(member.country, country_cache)
    # Cheap rejection first: one haystack per member, so a member that cannot match costs
    # a few substring tests (the common case in a large registry).
    haystack = "\n".join((*own, *country))
    qk = query.key
    whole = qk in haystack.replace(" ", "")
    if not whole:
        words = None
        for word, near in zip(query.words, query.near, strict=True):
            if word in haystack:
                continue
            if not near:
                return None
            if words is None:
                words = frozenset(haystack.split())
            if near.isdisjoint(words):
                return None
    fields: list[tuple[str, str]] = [("abbreviation", own[0]), ("id", own[1]), ("name", own[2])]
    if member.name_en:
        fields.append(("name_en", own[3]))
    fields.append(("country", country[0]))
    fields.extend(("country_name", text) for text in country[1:])

    best: tuple[int, int, int] | None = None  # tier, exactness, field index
    best_field = ""
    qw = query.words_text
    for name, text in fields if whole else ():
        key = text.replace(" ", "")
        index = SEARCH_FIELDS.index(name)
        if index < 2 and key == qk:
            original = member.abbreviation if name == "abbreviation" else member_id
            exactness = 0 if original == query.raw else (
                1 if original.casefold() == query.casefolded else 2)
            candidate = (0, exactness, index)
        elif text.startswith(qw) or key.startswith(qk):
            candidate = (1, 2, index)
        elif qw in text:
            candidate = (2 if query.padded in f" {text} " else 3, 2, index)
        elif qk in key:
            candidate = (3, 2, index)
        else:
            continue
        if best is None or candidate < best:
            # The member's best exactness, but the first field in SEARCH_FIELDS order
            # among equally good tiers: "bkp" is reported as matching the abbreviation
            # БКП even though it equals the id more exactly.
            if best is not None and best[0] == candidate[0]:
                best, best_field = (candidate[0], candidate[1], best[2]), best_field
            else:
                best, best_field = candidate, name
    if best is not None:
        return Hit(member_id, member, best[0], best[1], best_field)
    if len(query.words) > 1:
        spread = _every_word(query, fields, fuzzy=False)
        if spread:
            return Hit(member_id, member, 3, 2, spread)
    if any(query.near):
        spread = _every_word(query, fields, fuzzy=True)
        if spread:
            return Hit(member_id, member, 4, 2, spread)
    return None


def _every_word(query: _Query, fields: list[tuple[str, str]], fuzzy: bool) -> str:
    """The fields (joined by "+") in which every query word is found, or "" if one is
    missing. Not fuzzy: each word is a substring of some field (a one-letter word, the
    start of a word). Fuzzy: also one edit away from a whole word of some field."""
    matched: list[str] = []
    for word, near in zip(query.words, query.near, strict=True):
        # A one-letter word ("m" of "m.l.p.d") would be inside almost any name: it must
        # start a word.
        needle = f" {word}" if len(word) == 1 else word
        for name, text in fields:
            haystack = f" {text}" if len(word) == 1 else text
            if needle in haystack or (fuzzy and near and not near.isdisjoint(text.split())):
                if name not in matched:
                    matched.append(name)
                break
        else:
            return ""
    return "+".join(matched)


def search_members(query: str, members: Iterable[tuple[str, Member]]) -> list[Hit]:
    """Members matching ``query``, best first: exact abbreviation or id, then prefixes,
    whole words, substrings (also every query word somewhere), then one-typo matches.

    Case, accents, script (by transliteration), spacing and punctuation are ignored.
    Each member's fields are folded once, in one pass; a member that cannot match is
    rejected with a few substring tests. The cost is linear in the number of members."""
    folded = _Query(query)
    if not folded.key:
        return []
    country_cache: dict[str, tuple[str, ...]] = {}
    hits = [
        hit
        for member_id, member in members
        if (hit := _match_member(folded, member_id, member, country_cache)) is not None
    ]
    hits.sort(key=Hit.sort_key)
    return hits


# --- Statistics --------------------------------------------------------------------------

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
        ordered.sort(key=lambda row: (row.label.casefold(), row.group))
    if filters.empty:
        totals.stated = {"active": stated.active, "inactive": stated.inactive,
                         "total": stated.total, "countries": stated.countries}
    return Stats(
        by, ordered, totals, not filters.empty, stated.source,
        stated.as_of.isoformat() if stated.as_of else None,
    )
