"""Named validation checks. Each returns findings; none prints.

``run_checks`` is what ``icor validate`` runs: syntax and schema come from loading, the
rest look at a valid registry as a whole.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Any

from icor_cli import progress
from icor_cli.errors import Finding, RegistryInvalid
from icor_cli.escape import excerpt
from icor_cli.models import (
    FIGURE_WORDS,
    FREE_TEXT_FIELDS,
    MULTILINE_FIELDS,
    ORGANISATION_TEXT_FIELDS,
    STATED_FIGURES,
    Registry,
)
from icor_cli.store import (
    RegistrySource,
    build,
    decode,
    first_non_canonical_line,
    parse,
    read_bytes,
)
from icor_cli.tomlpos import Locator
from icor_cli.unicodesets import BIDI_CONTROL, DEFAULT_IGNORABLE_CODE_POINT


@dataclass
class Context:
    """A parsed, schema-valid registry with its text, for checks that need places."""

    registry: Registry
    text: str
    display: str

    @cached_property
    def locator(self) -> Locator:
        return Locator(self.text)

    def finding(
        self, check: str, severity: str, path: tuple[str, ...], message: str,
        member: str | None = None,
    ) -> Finding:
        line, column = self.locator.find(path)
        return Finding(check, severity, self.display, message, line, column, member)


def check_uniqueness(ctx: Context) -> Iterator[Finding]:
    """Abbreviations are unique exactly; within a country also after folding case,
    spacing, punctuation and script (a second ``MLPD`` spelled ``M.L.P.D.`` is a duplicate
    entry). Across countries a folded clash is allowed: the published list itself has
    ``PC (ML)`` (Dominican Republic) and ``PC/ML`` (Panama)."""
    from icor_cli.fold import fold_key

    exact: dict[str, str] = {}
    folded: dict[tuple[str, str], str] = {}
    for member_id, member in ctx.registry.members.items():
        path = ("members", member_id, "abbreviation")
        first = exact.setdefault(member.abbreviation, member_id)
        if first != member_id:
            yield ctx.finding("uniqueness", "error", path,
                              f"abbreviation {excerpt(member.abbreviation)} is also used "
                              f"by {excerpt(first)}",
                              member_id)
            continue
        key = (fold_key(member.abbreviation), member.country)
        first = folded.setdefault(key, member_id)
        if first != member_id:
            other = ctx.registry.members[first].abbreviation
            yield ctx.finding(
                "uniqueness", "error", path,
                f"abbreviation {excerpt(member.abbreviation)} is the same as {excerpt(other)} "
                f"of {excerpt(first)} "
                f"(in {member.country}) ignoring case, spacing, punctuation and script",
                member_id,
            )


def check_countries(ctx: Context) -> Iterator[Finding]:
    """A country's members sit in one region; a split is usually a typo."""
    regions_of: dict[str, dict[str, str]] = defaultdict(dict)
    for member_id, member in ctx.registry.members.items():
        regions_of[member.country].setdefault(member.region, member_id)
    for country, regions in regions_of.items():
        if len(regions) > 1:
            ids = list(regions.values())
            names = ", ".join(f"{region} ({member})" for region, member in regions.items())
            yield ctx.finding("countries", "warning", ("members", ids[-1], "region"),
                              f"members in {country} are in different regions: {names}", ids[-1])


def check_regions(ctx: Context) -> Iterator[Finding]:
    """Every declared region has members and, when regions are stated, a stated figure."""
    used = {member.region for member in ctx.registry.members.values()}
    stated = ctx.registry.stated.active_by_region
    for region in ctx.registry.regions:
        if region not in used:
            yield ctx.finding("regions", "warning", ("regions",),
                              f"region {excerpt(region)} has no members")
        if stated and region not in stated:
            yield ctx.finding("regions", "warning", ("stated", "active_by_region"),
                              f"no stated figure for region {excerpt(region)}")


def check_dates(ctx: Context) -> Iterator[Finding]:
    """No member joined before the organisation was founded."""
    founded = ctx.registry.organisation.founded
    for member_id, member in ctx.registry.members.items():
        for field in ("joined", "deactivated"):
            value = getattr(member, field)
            if value is not None and value < founded:
                yield ctx.finding("dates", "error", ("members", member_id, field),
                                  f"{field} {value} is before the organisation was founded "
                                  f"({founded})", member_id)


#: The fix that ends every ``counts`` finding.
SYNC_HINT = "run 'icor stated sync' once the published figures match"


def check_counts(ctx: Context) -> Iterator[Finding]:
    """Each stated figure equals the registry's actual one."""
    stated = ctx.registry.stated
    actual = ctx.registry.counts()
    for key in STATED_FIGURES:
        said, real = getattr(stated, key), getattr(actual, key)
        if said != real:
            yield ctx.finding("counts", "error", ("stated", key),
                              f"stated {key} is {said} but the registry has {real} "
                              f"{FIGURE_WORDS[key]}; " + SYNC_HINT)
    for region, said in stated.active_by_region.items():
        real = actual.active_by_region.get(region, 0)
        if said != real:
            yield ctx.finding("counts", "error", ("stated", "active_by_region", region),
                              f"stated active in {region} is {said} but the registry has {real} "
                              f"active members in {region}; " + SYNC_HINT)


# Control characters (C0 but tab and line feed, which have rules of their own, DEL, C1),
# line and paragraph separators, and every default-ignorable or bidirectional-control
# code point (from Unicode's properties: see tools/gen_unicodesets.py).
_CONTROL = re.compile(
    f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029{DEFAULT_IGNORABLE_CODE_POINT}{BIDI_CONTROL}]"
)
# What a spreadsheet opening an export would run as a formula.
_FORMULA_START = ("=", "+", "-", "@")
_ODD_SPACE = re.compile(r"[ \t]{2,}|\t|[ \t]$|[\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_WORD = re.compile(r"\w+")


# The scripts a copy-paste corruption mixes (Latin "Haϊtien" with a Greek iota, Latin with
# a Cyrillic "а"). Regexes keep this check cheap on 100,000 members; words holding letters
# of any other script fall back to Unicode character names.
_SCRIPT_RANGES = (
    ((0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x1E00, 0x1EFF)),
    ((0x370, 0x3FF), (0x1F00, 0x1FFF)),
    ((0x400, 0x52F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F)),
)
_SCRIPT_LETTERS = tuple(
    re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]")
    for ranges in _SCRIPT_RANGES
)
_KNOWN_SCRIPTS = re.compile(
    r"[\x00-\u052f\u1c80-\u1c8f\u1e00-\u1fff\u2de0-\u2dff\ua640-\ua69f]*"
)


def _non_ascii_words(text: str) -> Iterator[str]:
    """The words of ``text`` holding a non-ASCII letter, in one linear pass (a pattern
    such as ``\\w*[^\\W\\x00-\\x7f]\\w*`` backtracks quadratically on a long ASCII word)."""
    for match in _WORD.finditer(text):
        word = match.group()
        if not word.isascii():
            yield word


def _script(char: str) -> str | None:
    if not char.isalpha():
        return None
    name: str = unicodedata.name(char, "")
    return name.split(" ", 1)[0] if name else None


def mixed_script_word(text: str) -> str | None:
    """The first word that mixes letters of two scripts (``Haϊtien``), if any."""
    for word in _non_ascii_words(text):
        if _KNOWN_SCRIPTS.fullmatch(word):
            if sum(1 for letters in _SCRIPT_LETTERS if letters.search(word)) > 1:
                return word
        elif len({s for s in map(_script, word) if s}) > 1:
            return word
    return None


def text_problems(text: str, multiline: bool = False,
                  exported: bool = True) -> list[tuple[str, str]]:
    """(severity, message) for each hygiene problem in one text value. Only ``notes`` may
    hold line breaks; only ``exported`` values (members' fields, which ``list`` writes
    as CSV) are checked for a spreadsheet formula start (the organisation's phone number
    rightly starts with ``+``)."""
    problems: list[tuple[str, str]] = []
    lines = text.split("\n") if multiline else [text]
    control = _CONTROL.search(text.replace("\n", "") if multiline else text)
    if control:
        problems.append(("error", f"contains control or invisible character "
                                  f"U+{ord(control.group()):04X} at character "
                                  f"{control.start() + 1}"))
    elif not multiline and "\n" in text:
        problems.append(("error", "contains a line break"))
    if exported and text.startswith(_FORMULA_START):
        problems.append(("warning", f"starts with {excerpt(text[0])}: a spreadsheet opening an "
                                    "export would run it as a formula"))
    if any(_ODD_SPACE.search(line) for line in lines):
        problems.append(("warning", "contains stray whitespace (tabs, repeated, trailing or "
                                    "no-break spaces)"))
    if text.isascii():
        return problems
    if not unicodedata.is_normalized("NFC", text):
        problems.append(("warning", "is not in Unicode NFC form"))
    word = mixed_script_word(text)
    if word:
        problems.append(("warning", f"word {excerpt(word)} mixes scripts (a copy-paste "
                                    "corruption?)"))
    return problems


def _texts(registry: Registry) -> Iterator[tuple[tuple[str, ...], str, str | None]]:
    organisation = registry.organisation.__dict__
    for key in ORGANISATION_TEXT_FIELDS:
        if organisation[key] is not None:
            yield ("organisation", key), organisation[key], None
    for index, region in enumerate(registry.regions):
        yield ("regions", str(index)), region, None
    if registry.stated.source:
        yield ("stated", "source"), registry.stated.source, None
    for member_id, member in registry.members.items():
        fields = member.__dict__
        for field in FREE_TEXT_FIELDS:
            if fields[field] is not None:
                yield ("members", member_id, field), fields[field], member_id


_SEP = "\ue000"  # a private-use character: no rule matches it, and it ends words
_ODD_SPACE_CHAR = re.compile(r"[\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]")


@cache
def _script_letters() -> dict[int, str | None]:
    """A ``str.translate`` table: Latin letters → L, Greek → G, Cyrillic → C; digits,
    underscores and combining marks dropped, so letters they separate become adjacent."""
    table: dict[int, str | None] = {}
    for ranges, mark in zip(_SCRIPT_RANGES, "LGC", strict=True):
        for first, last in ranges:
            for code in range(first, last + 1):
                if chr(code).isalpha():
                    table[code] = mark
    for code in [*range(0x30, 0x3A), 0x5F, *range(0x300, 0x370)]:
        table[code] = None
    return table


def _maybe_unclean(singles: str, notes: str, exported: str) -> bool:
    """True when some value may have a hygiene problem. A few C-speed scans over all the
    text at once, so a clean registry of 100,000 members costs well under a second; only
    a hit makes ``check_hygiene`` look at values one by one. Over-approximates."""
    if _CONTROL.search(singles) or _CONTROL.search(notes.replace("\n", "")) or "\n" in singles:
        return True
    if any(_SEP + start in exported for start in _FORMULA_START):
        return True
    for joined in (singles, notes):
        if "  " in joined or "\t" in joined or f" {_SEP}" in joined or " \n" in joined:
            return True
        if joined.endswith(" ") or _ODD_SPACE_CHAR.search(joined):
            return True
        if joined.isascii():
            continue
        if not unicodedata.is_normalized("NFC", joined):
            return True
        marks = joined.translate(_script_letters())
        if any(pair in marks for pair in ("LG", "GL", "LC", "CL", "GC", "CG")):
            return True
        if not _KNOWN_SCRIPTS.fullmatch(joined.replace(_SEP, " ")) and any(
            mixed_script_word(word) for word in _non_ascii_words(joined)
        ):
            return True
    return False


def check_hygiene(ctx: Context) -> Iterator[Finding]:
    """NFC, no control characters, no stray whitespace, no words mixing scripts."""
    singles: list[str] = []
    notes: list[str] = []
    registry = ctx.registry
    singles.extend(v for v in registry.organisation.__dict__.values() if isinstance(v, str))
    singles.extend(registry.regions)
    if registry.stated.source:
        singles.append(registry.stated.source)
    head = len(singles)
    single_fields = [f for f in FREE_TEXT_FIELDS if f not in MULTILINE_FIELDS]
    for member in registry.members.values():
        fields = member.__dict__
        singles.extend(fields[key] for key in single_fields if fields[key] is not None)
        notes.extend(fields[key] for key in MULTILINE_FIELDS if fields[key] is not None)
    exported = _SEP + _SEP.join(singles[head:]) + _SEP + _SEP.join(notes)
    if not _maybe_unclean(_SEP.join(singles), _SEP.join(notes), exported):
        return
    for path, value, member_id in _texts(registry):
        for severity, message in text_problems(value, multiline=path[-1] in MULTILINE_FIELDS,
                                               exported=member_id is not None):
            yield ctx.finding("hygiene", severity, path,
                              f"{'.'.join(path)} {message}", member_id)


def check_format(ctx: Context) -> Iterator[Finding]:
    """The file is exactly what ``icor fmt`` writes."""
    line = first_non_canonical_line(ctx.text, ctx.registry)
    if line is None:
        return
    yield Finding("format", "warning", ctx.display,
                  "not in canonical form (run `icor fmt`; `icor fmt --diff` shows the change)",
                  line, 1)


REGISTRY_CHECKS: tuple[tuple[str, Callable[[Context], Iterator[Finding]]], ...] = (
    ("uniqueness", check_uniqueness),
    ("countries", check_countries),
    ("regions", check_regions),
    ("dates", check_dates),
    ("counts", check_counts),
    ("hygiene", check_hygiene),
    ("format", check_format),
)


def check_registry(registry: Registry, text: str, display: str,
                   skip: frozenset[str] = frozenset()) -> list[Finding]:
    """Every registry-level finding for a schema-valid registry."""
    ctx = Context(registry, text, display)
    findings: list[Finding] = []
    for name, check in REGISTRY_CHECKS:
        if name not in skip:
            findings.extend(check(ctx))
    return findings


@dataclass(frozen=True)
class Report:
    """What ``icor validate`` found; ``registry`` is None when it could not be built."""

    findings: list[Finding]
    registry: Registry | None

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity == "warning")


#: What cannot be judged while some members fail the schema: counts and regions'
#: members would be counted without them, and the canonical form needs every member.
NEED_EVERY_MEMBER = frozenset({"counts", "regions", "format"})


def _without_invalid_members(data: dict[str, Any], schema: list[Finding], text: str,
                             display: str) -> list[Finding]:
    """The other checks' findings on the members that pass the schema, so one bad
    member does not hide every other problem. Nothing when the problems are outside
    the members (the registry itself cannot be built then)."""
    invalid = {finding.member for finding in schema}
    members = data.get("members")
    if None in invalid or not isinstance(members, dict):
        return []
    rest = {**data, "members": {k: v for k, v in members.items() if k not in invalid}}
    try:
        registry = build(rest, text, display)
    except RegistryInvalid:
        return []
    return check_registry(registry, text, display, skip=NEED_EVERY_MEMBER)


def run_checks(source: RegistrySource) -> Report:
    """Load ``source`` and run every check. I/O errors propagate (exit 3)."""
    raw = read_bytes(source)
    try:
        text = decode(raw, source.display)
        data = parse(text, source.display)
        try:
            registry = build(data, text, source.display)
        except RegistryInvalid as invalid:
            progress.phase("checking")
            more = _without_invalid_members(data, invalid.findings, text, source.display)
            return Report(invalid.findings + more, None)
        progress.phase("checking")
        return Report(check_registry(registry, text, source.display), registry)
    except RegistryInvalid as invalid:
        return Report(invalid.findings, None)
    finally:
        progress.clear()
