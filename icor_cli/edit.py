"""Changes to a registry, as pure functions: a ``Registry`` in, the changed ``Registry`` out.

No I/O and no printing here. ``commands/write.py`` loads, calls these, and saves (under the
lock, see ``save.py``). Every change is validated before anything is written: the changed
member through its Pydantic model, the whole registry through the checks of ``checks.py``
that concern the changed member. A problem is a ``UsageError`` (exit 2): the input was bad,
the file stays as it was.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from icor_cli.errors import UsageError
from icor_cli.models import SLUG_PATTERN, Member, Registry, Stated

if TYPE_CHECKING:
    from pydantic import ValidationError

    from icor_cli.models import Counts

MAX_ID_LENGTH = 64
_SLUG = re.compile(SLUG_PATTERN)


@dataclass(frozen=True)
class Change:
    """The outcome of one command: the registry after it, and what to tell the user.

    ``changed`` is False when the command had nothing to do (deactivating an inactive
    member): the registry is then the one given, and nothing is written."""

    registry: Registry
    member_id: str
    summary: str
    changed: bool = True
    warnings: list[str] = field(default_factory=list)


# --- input -----------------------------------------------------------------------------


def clean_text(value: str | None) -> str | None:
    """User input as stored: NFC, no surrounding whitespace; empty means not given."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def parse_date(value: str, option: str) -> dt.date:
    """A ``YYYY-MM-DD`` option value, or a usage error naming the option."""
    text = value.strip()
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option}: {value!r} is not a date (use YYYY-MM-DD)") from None


def resolve_country(text: str) -> str:
    """An ISO code or English name to the alpha-2 code, or a usage error."""
    from icor_cli.countries import country_code

    code = country_code(text)
    if code is None:
        raise UsageError(
            f"unknown country {text!r}: use an ISO 3166-1 alpha-2 code (such as DE, TR, IN) "
            "or an English name (such as Germany, Turkey, India)"
        )
    return code


def resolve_region(registry: Registry, text: str) -> str:
    """A region name, any case, as the registry spells it; or a usage error listing them."""
    wanted = text.strip().casefold()
    for region in registry.regions:
        if region.casefold() == wanted:
            return region
    raise UsageError(f"unknown region {text!r} (choose from {', '.join(registry.regions)})")


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


# --- ids -------------------------------------------------------------------------------


def derive_id(registry: Registry, abbreviation: str, country: str) -> str:
    """A new unique id from the abbreviation: its transliterated lowercase slug; if taken,
    the slug plus the country code (``pcr-fr``); if that is taken too, ``-2``, ``-3``..."""
    from icor_cli.fold import slugify

    base = slugify(abbreviation)[: MAX_ID_LENGTH - 10].strip("-") or "member"
    if base not in registry.members:
        return base
    with_country = f"{base}-{country.lower()}"
    if with_country not in registry.members:
        return with_country
    number = 2
    while f"{with_country}-{number}" in registry.members:
        number += 1
    return f"{with_country}-{number}"


def check_new_id(registry: Registry, member_id: str) -> str:
    """A given ``--id``: a lowercase slug, not used by any member (ids are never reused)."""
    if not _SLUG.match(member_id) or len(member_id) > MAX_ID_LENGTH:
        raise UsageError(
            f"--id {member_id!r} is not a valid id: use lowercase ASCII letters, digits and "
            f"hyphens, starting with a letter or digit, at most {MAX_ID_LENGTH} characters"
        )
    if member_id in registry.members:
        other = registry.members[member_id]
        raise UsageError(
            f"--id {member_id!r} is already used by {other.abbreviation} ({other.country}); "
            "ids are never reused"
        )
    return member_id


# --- validation ------------------------------------------------------------------------


_OPTION_OF = {"deactivated": "--date", "deactivation_reason": "--reason", "name_en": "--name-en"}


def _validation_message(error: ValidationError) -> str:
    parts = []
    for item in error.errors(include_url=False):
        name = str(item["loc"][-1]) if item["loc"] else "member"
        option = _OPTION_OF.get(name, f"--{name.replace('_', '-')}")
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{option}: {message}")
    return "; ".join(parts)


def build_member(registry: Registry, data: Mapping[str, Any]) -> Member:
    """Validate one member's fields against the model and the registry's regions."""
    from pydantic import ValidationError

    try:
        return Member.model_validate(dict(data), context={"regions": list(registry.regions)})
    except ValidationError as error:
        raise UsageError(_validation_message(error)) from None


def _member_findings(registry: Registry, member_id: str,
                     alone: bool = False) -> Iterator[tuple[str, str]]:
    """(severity, message) for what the registry checks find about one member: the checks
    that compare members (uniqueness, dates) over the whole registry, or with ``alone``
    over this member only (when its abbreviation and country did not change, nothing it
    is compared with did); the text hygiene of this member's fields only (checking every
    member's text would cost a second per 100,000 members, for findings that cannot have
    changed)."""
    from icor_cli.checks import check_registry, text_problems

    if alone:
        only = {member_id: registry.members[member_id]}
        registry = registry.model_copy(update={"members": only})
    skip = frozenset({"format", "counts", "hygiene", "countries", "regions"})
    for finding in check_registry(registry, "", "", skip=skip):
        if finding.member == member_id:
            yield finding.severity, finding.message
    member = registry.members[member_id]
    for name in ("abbreviation", "name", "name_en", "deactivation_reason", "notes"):
        value = getattr(member, name)
        if value is not None:
            for severity, message in text_problems(value, multiline=name == "notes"):
                yield severity, f"{name} {message}"


def validate_change(before: Registry, after: Registry, member_id: str) -> list[str]:
    """Refuse a change that brings a new error for the member (a duplicate abbreviation, a
    date before the organisation was founded, a control character...); return the new
    warnings, to be shown. Problems the member already had are not this change's doing."""
    old: set[tuple[str, str]] = set()
    alone = False
    if member_id in before.members:
        was, now = before.members[member_id], after.members[member_id]
        alone = (was.abbreviation, was.country) == (now.abbreviation, now.country)
        old = set(_member_findings(before, member_id, alone))
    new = [finding for finding in _member_findings(after, member_id, alone)
           if finding not in old]
    errors = [message for severity, message in new if severity == "error"]
    if errors:
        raise UsageError("; ".join(errors) + "; nothing written")
    warnings = [message for severity, message in new if severity != "error"]
    member = after.members[member_id]
    others = [r for r in regions_of_country(before, member.country) if r != member.region]
    if others and member_id not in before.members:
        warnings.append(f"other members in {member.country} are in {', '.join(others)}, "
                        f"not {member.region}")
    return warnings


def _with_member(registry: Registry, member_id: str, member: Member) -> Registry:
    """The registry with one member added or replaced, without validating the other
    100,000 again: the new member was validated on its own."""
    members = dict(registry.members)
    members[member_id] = member
    return registry.model_copy(update={"members": members})


# --- the changes -----------------------------------------------------------------------


def add_member(
    registry: Registry,
    *,
    abbreviation: str,
    name: str,
    country: str,
    region: str,
    member_id: str | None = None,
    name_en: str | None = None,
    founding: bool = False,
    joined: dt.date | None = None,
    notes: str | None = None,
) -> Change:
    """A new active member. ``country`` and ``region`` are already resolved."""
    new_id = (check_new_id(registry, member_id) if member_id
              else derive_id(registry, abbreviation, country))
    data: dict[str, Any] = {
        "abbreviation": abbreviation, "name": name, "name_en": name_en, "country": country,
        "region": region, "status": "active", "founding": founding, "joined": joined,
        "notes": notes,
    }
    member = build_member(registry, {k: v for k, v in data.items() if v is not None})
    after = _with_member(registry, new_id, member)
    warnings = validate_change(registry, after, new_id)
    summary = f"added {new_id} ({abbreviation}, {country}, {region})"
    return Change(after, new_id, summary, warnings=warnings)


def _fields(member: Member) -> dict[str, Any]:
    return member.model_dump(exclude_none=True)


def deactivate_member(
    registry: Registry, member_id: str, *, date: dt.date, reason: str | None = None,
) -> Change:
    """Status inactive, with the date and the reason. Already inactive: nothing changes."""
    member = registry.members[member_id]
    label = f"{member_id} ({member.abbreviation})"
    if member.status == "inactive":
        since = f" since {member.deactivated}" if member.deactivated else ""
        return Change(registry, member_id, f"{label} is already inactive{since}; nothing changed",
                      changed=False)
    data = _fields(member)
    data.update(status="inactive", deactivated=date)
    if reason is not None:
        data["deactivation_reason"] = reason
    if member.joined is not None and date < member.joined:
        raise UsageError(f"--date {date} is before {member_id} joined ({member.joined})")
    after = _with_member(registry, member_id, build_member(registry, data))
    warnings = validate_change(registry, after, member_id)
    because = f": {reason}" if reason else ""
    return Change(after, member_id, f"deactivated {label} as of {date}{because}",
                  warnings=warnings)


def reactivation_note(member: Member, date: dt.date) -> str:
    """The line kept in ``notes`` when a member is reactivated, so the record of its
    inactive period is not lost with ``deactivated`` and ``deactivation_reason``."""
    since = f" since {member.deactivated}" if member.deactivated else ""
    reason = f" ({member.deactivation_reason})" if member.deactivation_reason else ""
    return f"Reactivated {date}; had been inactive{since}{reason}."


def reactivate_member(registry: Registry, member_id: str, *, date: dt.date) -> Change:
    """Status active again. ``deactivated`` and ``deactivation_reason`` go (an active member
    has none); their content is appended to ``notes``. Already active: nothing changes."""
    member = registry.members[member_id]
    label = f"{member_id} ({member.abbreviation})"
    if member.status == "active":
        return Change(registry, member_id, f"{label} is already active; nothing changed",
                      changed=False)
    if member.deactivated is not None and date < member.deactivated:
        raise UsageError(f"--date {date} is before {member_id} was deactivated "
                         f"({member.deactivated})")
    data = _fields(member)
    data.pop("deactivated", None)
    data.pop("deactivation_reason", None)
    note = reactivation_note(member, date)
    data["status"] = "active"
    data["notes"] = f"{member.notes}\n{note}" if member.notes else note
    after = _with_member(registry, member_id, build_member(registry, data))
    warnings = validate_change(registry, after, member_id)
    return Change(after, member_id, f"reactivated {label} as of {date}", warnings=warnings)


# --- stated counts ---------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One stated figure a change moves: its key in ``[stated]``, old value, actual value
    after the change, and by how much the change moved the actual count."""

    key: str
    region: str | None
    stated: int
    actual: int
    delta: int

    @property
    def label(self) -> str:
        return f"active in {self.region}" if self.region else self.key


def moved_figures(before: Registry, after: Registry) -> list[Figure]:
    """The stated figures whose actual counterpart this change moves. A by-region figure is
    only considered when the registry states figures by region."""
    old, new = before.counts(), after.counts()
    stated = after.stated
    figures: list[Figure] = []
    for key in ("active", "inactive", "total", "countries"):
        delta = getattr(new, key) - getattr(old, key)
        if delta:
            figures.append(Figure(key, None, getattr(stated, key), getattr(new, key), delta))
    if stated.active_by_region:
        for region in after.regions:
            delta = _by_region(new, region) - _by_region(old, region)
            if delta:
                figures.append(Figure("active_by_region", region,
                                      stated.active_by_region.get(region, 0),
                                      _by_region(new, region), delta))
    return figures


def _by_region(counts: Counts, region: str) -> int:
    return counts.active_by_region.get(region, 0)


def out_of_date(figures: list[Figure]) -> list[Figure]:
    """The moved figures that no longer match the registry."""
    return [figure for figure in figures if figure.stated != figure.actual]


def update_stated(registry: Registry, figures: list[Figure]) -> Registry:
    """``[stated]`` moved by exactly the change (``source`` and ``as_of`` untouched)."""
    data = registry.stated.model_dump()
    by_region = dict(data.get("active_by_region") or {})
    for figure in figures:
        value = figure.stated + figure.delta
        if value < 0:
            raise UsageError(
                f"--update-stated: stated {figure.label} is {figure.stated} and cannot go down "
                f"by {-figure.delta}; correct [stated] by hand"
            )
        if figure.region is None:
            data[figure.key] = value
        else:
            by_region[figure.region] = value
    data["active_by_region"] = by_region
    stated = Stated.model_validate(
        {k: v for k, v in data.items() if v is not None},
        context={"regions": list(registry.regions)},
    )
    return registry.model_copy(update={"stated": stated})


# --- add: from options to a change ------------------------------------------------


@dataclass
class NewMember:
    """``icor add``'s options, cleaned (NFC, trimmed; empty is not given)."""

    member_id: str | None
    abbreviation: str | None
    name: str | None
    name_en: str | None
    country: str | None
    region: str | None
    founding: bool
    joined: dt.date | None
    notes: str | None


def missing_options(new: NewMember) -> list[str]:
    return [option for option, value in (("--abbreviation", new.abbreviation),
                                          ("--name", new.name), ("--country", new.country))
            if not value]


def plan_add(registry: Registry, new: NewMember) -> Change:
    """Resolve country and region against ``registry``, insist on every required field
    (all missing ones named at once), and build the change."""
    missing = missing_options(new)
    country = resolve_country(new.country) if new.country else None
    region = resolve_region(registry, new.region) if new.region else None
    if region is None:
        if country is None:
            missing.append("--region (unless the country already has members)")
        else:
            region = inferred_region(registry, country)
            if region is None:
                regions = regions_of_country(registry, country)
                why = (f"{country}'s members are in {', '.join(regions)}" if regions
                       else f"{country} has no members yet")
                missing.append(f"--region ({why}; one of {', '.join(registry.regions)})")
    if missing:
        raise UsageError(f"missing required option{'s' * (len(missing) > 1)}: "
                         f"{', '.join(missing)}")
    assert new.abbreviation and new.name and country and region  # narrowed by `missing`
    return add_member(
        registry, member_id=new.member_id, abbreviation=new.abbreviation, name=new.name,
        name_en=new.name_en, country=country, region=region, founding=new.founding,
        joined=new.joined, notes=new.notes,
    )


@dataclass(frozen=True)
class Outcome:
    """A change ready to write: the change, the stated figures it moves, the new text."""

    change: Change
    figures: list[Figure]
    text: str


# --- text ------------------------------------------------------------------------------


def unified_diff(before: str, after: str, label: str) -> str:
    """A unified diff of the whole file, as ``diff -u`` prints it.

    Only the window between the common first and last lines goes through difflib (with
    three lines of context), so a one-member change of a 100,000-member file is cheap; the
    hunk headers are shifted back to the file's line numbers."""
    import difflib

    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = max(0, head - 3)
    stop_a, stop_b = len(a) - max(0, tail - 3), len(b) - max(0, tail - 3)
    # git's a/ and b/ prefixes, for `git apply`; an absolute path is left as it is.
    old_label, new_label = (label, label) if label.startswith("/") else (f"a/{label}",
                                                                          f"b/{label}")
    lines = []
    for line in difflib.unified_diff(a[start:stop_a], b[start:stop_b], old_label, new_label):
        if line.startswith("@@"):
            line = _shift_hunk(line, start)
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


_HUNK = re.compile(r"^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def _shift_hunk(header: str, offset: int) -> str:
    match = _HUNK.match(header)
    if not match or offset == 0:
        return header
    old, old_len, new, new_len = match.groups()
    return (f"@@ -{int(old) + offset}{old_len} +{int(new) + offset}{new_len} @@"
            + header[match.end():])


def comment_lines(text: str) -> list[tuple[int, str]]:
    """(line number, whole line) for every line holding a TOML comment: what rewriting
    the file in canonical form would drop. Strings are skipped, so a ``#`` inside a value
    is not a comment."""
    found: list[tuple[int, str]] = []
    lines = text.split("\n")
    i, n, line = 0, len(text), 1
    while i < n:
        char = text[i]
        if char == "\n":
            line += 1
            i += 1
        elif char == "#":
            found.append((line, lines[line - 1].rstrip("\r")))
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif char in "\"'":
            end = _string_end(text, i)
            line += text.count("\n", i, end)
            i = end
        else:
            i += 1
    return found


def _string_end(text: str, start: int) -> int:
    """The index just past the TOML string starting at ``start``."""
    quote = text[start]
    escapes = quote == '"'
    if text.startswith(quote * 3, start):
        i = start + 3
        while i < len(text):
            if escapes and text[i] == "\\":
                i += 2
            elif text.startswith(quote * 3, i):
                i += 3
                extra = 0  # up to two quotes may end the content: """a""""
                while extra < 2 and i < len(text) and text[i] == quote:
                    i += 1
                    extra += 1
                return i
            else:
                i += 1
        return len(text)
    i = start + 1
    while i < len(text) and text[i] != "\n":
        if escapes and text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        else:
            i += 1
    return i
