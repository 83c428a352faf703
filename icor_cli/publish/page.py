"""The member section of the organisation's "About" page, built from the registry.

Pure functions over ``Registry``: no I/O, no Rich. ``render page`` prints
``page_text``, ``render markdown`` prints ``page_markdown``; ``publish.html`` and
``publish.audit`` share the wording and the order defined here.

Order (documented in the README): regions in the registry's ``regions`` order (a region
without members is left out of the list, but keeps its figure); within a region by
country name (English, accents ignored), then abbreviation (case, accents and script
ignored), then id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from icor_cli.models import Counts, Member, Registry

# How the page names a country where pycountry's short name reads differently there.
PAGE_COUNTRY_NAMES: dict[str, str] = {
    "CD": "Democratic Republic of the Congo",
    "CZ": "Czech Republic",
    "RU": "Russia",
    "TR": "Turkey",
    "US": "USA",
}

# Words that say the country although no name of it is spelled out (irregular adjectives
# and spellings). Regular ones are derived: Bulgaria → Bulgarian, Morocco → Moroccan,
# Hungary → Hungarian, Chile → Chilean, Nepal → Nepalese, Pakistan → Pakistani.
COUNTRY_WORDS: dict[str, tuple[str, ...]] = {
    "AF": ("Afghan",),
    "CH": ("Swiss",),
    "CI": ("Ivorian",),
    "DE": ("German", "Deutschland", "Deutschlands"),
    "DK": ("Danish",),
    "ES": ("Spanish",),
    "FI": ("Finnish",),
    "FR": ("French",),
    "GB": ("British",),
    "GR": ("Greek",),
    "IE": ("Irish",),
    "LU": ("Luxemburg",),
    "NL": ("Dutch",),
    "PE": ("Peruvian",),
    "PH": ("Filipino", "Philippine"),
    "PL": ("Polish",),
    "PT": ("Portuguese",),
    "SE": ("Swedish",),
    "TR": ("Turkish",),
}

_SUFFIXES = ("", "n", "an", "ian", "i", "ese", "s")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

FOUNDING_MARK = "*"
INACTIVE_MARK = "**"
SEPARATOR = "  "


def legend(registry: Registry) -> list[tuple[str, str]]:
    """The page's legend: (mark, meaning)."""
    short = registry.organisation.short_name
    return [
        (FOUNDING_MARK, f"{short} founding member"),
        (INACTIVE_MARK, "currently inactive, are not included in approval process"),
    ]


def _fold(text: str) -> str:
    from icor_cli.fold import fold_words

    return fold_words(text)


@cache
def page_country_name(code: str) -> str:
    """The country as the page names it (``Czech Republic``, ``USA``)."""
    from icor_cli.countries import country_name

    return PAGE_COUNTRY_NAMES.get(code) or country_name(code)


@cache
def _country_phrases(code: str) -> frozenset[str]:
    """Folded phrases that say ``code``: its names, with regular adjective endings."""
    from icor_cli.countries import all_country_names, country_name

    names = {page_country_name(code), country_name(code), *all_country_names(code)}
    phrases: set[str] = set()
    for name in names:
        folded = _fold(name)
        if len(folded) < 3:
            continue
        for suffix in _SUFFIXES:
            phrases.add(folded + suffix)
        if folded[-1] in "aeiouy":
            for suffix in ("an", "ian", "ese"):
                phrases.add(folded[:-1] + suffix)
    phrases.update(_fold(word) for word in COUNTRY_WORDS.get(code, ()))
    return frozenset(phrases)


def says_country(member: Member) -> bool:
    """Whether the member's name or English name already says its country (a name or
    adjective of it, as a whole word or words)."""
    text = f" {_fold(member.name)} {_fold(member.name_en or '')} "
    return any(f" {phrase} " in text for phrase in _country_phrases(member.country))


def names_text(member: Member) -> str:
    """``Name (English name)``; the English name only where it differs."""
    if member.name_en and member.name_en != member.name:
        return f"{member.name} ({member.name_en})"
    return member.name


def member_text(member: Member) -> str:
    """What follows the abbreviation: the names, and the country where they do not say
    it (``Rode Morgen (Red Dawn), Netherlands``)."""
    text = names_text(member)
    if not says_country(member):
        text += f", {page_country_name(member.country)}"
    return text


def marks(member: Member) -> str:
    """``*`` founding, ``**`` inactive, ``* **`` both, ``""`` neither."""
    found = [FOUNDING_MARK] if member.founding else []
    if member.status == "inactive":
        found.append(INACTIVE_MARK)
    return " ".join(found)


def member_line(member: Member) -> str:
    """One line of the list: ``ABBREVIATION  Name (English name)[, Country][  marks]``."""
    line = f"{member.abbreviation}{SEPARATOR}{member_text(member)}"
    mark = marks(member)
    return f"{line}{SEPARATOR}{mark}" if mark else line


@cache
def _country_key(code: str) -> str:
    return _fold(page_country_name(code))


def _sort_key(item: tuple[str, Member]) -> tuple[str, str, str]:
    from icor_cli.fold import fold_key

    member_id, member = item
    return (_country_key(member.country), fold_key(member.abbreviation), member_id)


def grouped(registry: Registry) -> list[tuple[str, list[tuple[str, Member]]]]:
    """Members by region in ``regions`` order (regions without members left out)."""
    groups: dict[str, list[tuple[str, Member]]] = {region: [] for region in registry.regions}
    for item in registry.members.items():
        groups.setdefault(item[1].region, []).append(item)
    return [(region, sorted(items, key=_sort_key)) for region, items in groups.items() if items]


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def counts_sentence(registry: Registry, counts: Counts) -> str:
    """The page's sentence, with the actual figures."""
    short = registry.organisation.short_name
    return (
        f"{short} currently consists of {counts.active} active and {counts.inactive} "
        f"inactive, therefore {counts.total} Member in total, present in {counts.countries} "
        f"{_plural(counts.countries, 'country', 'countries')}. The active members are "
        "distributed among the regions as follows:"
    )


def region_figures(registry: Registry, counts: Counts) -> list[tuple[str, int]]:
    """(region, active members) in ``regions`` order."""
    return [(region, counts.active_by_region.get(region, 0)) for region in registry.regions]


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A stated figure that differs from the actual one."""

    figure: str  # "active", "inactive", "total", "countries", "active in REGION"
    stated: int
    actual: int

    def describe(self) -> str:
        return f"stated {self.figure} is {self.stated} but the registry has {self.actual}"


def stated_mismatches(registry: Registry, counts: Counts | None = None) -> list[Mismatch]:
    """Every stated figure (``[stated]``) that differs from the registry's actual one."""
    counts = counts or registry.counts()
    stated = registry.stated
    pairs = [
        ("active", stated.active, counts.active),
        ("inactive", stated.inactive, counts.inactive),
        ("total", stated.total, counts.total),
        ("countries", stated.countries, counts.countries),
    ]
    pairs += [(f"active in {region}", said, counts.active_by_region.get(region, 0))
              for region, said in stated.active_by_region.items()]
    return [Mismatch(figure, said, real) for figure, said, real in pairs if said != real]


_BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def flat(text: str) -> str:
    """One line: line breaks and other control characters become spaces (the page is
    line-oriented; ``icor validate`` reports such characters in the registry)."""
    return text if text.isprintable() else _BREAKS.sub(" ", text)


def page_lines(registry: Registry) -> list[str]:
    counts = registry.counts()
    lines = [counts_sentence(registry, counts), ""]
    figures = region_figures(registry, counts)
    width = max(len(region) for region, _ in figures) + 2
    digits = max(len(str(n)) for _, n in figures)
    lines += [f"{flat(region):<{width}}{n:>{digits}}" for region, n in figures]
    for _, items in grouped(registry):
        lines.append("")
        lines += [flat(member_line(member)) for _, member in items]
    lines.append("")
    lines += [f"{mark} = {meaning}" for mark, meaning in legend(registry)]
    return lines


def page_text(registry: Registry) -> str:
    """``icor render page``: the member section as the organisation publishes it."""
    return "\n".join(page_lines(registry)) + "\n"


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~#!])")


def md(text: str) -> str:
    """Text safe in Markdown: every character Markdown could read as syntax escaped."""
    return _MD_SPECIAL.sub(r"\\\1", flat(text))


def page_markdown(registry: Registry) -> str:
    """``icor render markdown``: the same content, for a README or a wiki."""
    counts = registry.counts()
    out = [f"## {md(registry.organisation.short_name)} members", "",
           md(counts_sentence(registry, counts)), "",
           "| Region | Active members |", "|---|---:|"]
    out += [f"| {md(region)} | {n} |" for region, n in region_figures(registry, counts)]
    for region, items in grouped(registry):
        out += ["", f"### {md(region)}", ""]
        for _, member in items:
            mark = marks(member)
            line = f"- **{md(member.abbreviation)}** {md(member_text(member))}"
            out.append(f"{line} {md(mark)}" if mark else line)
    out.append("")
    out += [f"{md(mark)} = {md(meaning)}  " for mark, meaning in legend(registry)]
    out[-1] = out[-1].rstrip()
    return "\n".join(out) + "\n"
