"""Changes to members, as pure functions: a ``Registry`` in, a ``Change`` out.

No I/O and no printing here. ``commands/write.py`` loads, calls these, and saves (under the
lock, see ``save.py``). Every change is validated before anything is written: the changed
member through its Pydantic model, the whole registry through the checks of ``checks.py``
that concern the changed member. A problem is a ``UsageError`` (exit 2): the input was bad,
the file stays as it was. Input is cleaned (``inputs``) and countries and regions resolved
(``countries``, ``query``) before it gets here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from icor_cli.errors import UsageError
from icor_cli.models import MAX_ID_LENGTH, SLUG_PATTERN, Member, Registry
from icor_cli.query import inferred_region, regions_of_country, resolve_region

if TYPE_CHECKING:
    from pydantic import ValidationError

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
    #: For a command that changed nothing because its effect was already there (the
    #: member already inactive): the registry as it was before that effect, so
    #: ``--update-stated`` can tell whether the stated figures still describe it.
    undone: Registry | None = None


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


#: The option each field comes from, for messages (add, deactivate, reactivate).
OPTIONS = {"deactivated": "--date", "deactivation_reason": "--reason", "name_en": "--name-en"}


def _validation_message(error: ValidationError, options: Mapping[str, str] | None) -> str:
    parts = []
    for item in error.errors(include_url=False):
        name = str(item["loc"][-1]) if item["loc"] else "member"
        option = (name if options is None
                  else options.get(name, f"--{name.replace('_', '-')}"))
        message = str(item["msg"]).removeprefix("Value error, ")
        parts.append(f"{option}: {message}")
    return "; ".join(parts)


def build_member(registry: Registry, data: Mapping[str, Any],
                 options: Mapping[str, str] | None = OPTIONS) -> Member:
    """Validate one member's fields against the model and the registry's regions. Messages
    name the option a field came from (``options``), or the field itself when None."""
    from pydantic import ValidationError

    try:
        return Member.model_validate(dict(data), context={"regions": list(registry.regions)})
    except ValidationError as error:
        raise UsageError(_validation_message(error, options)) from None


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
            for _, message in text_problems(value, multiline=name == "notes"):
                yield "error", f"{name} {message}"  # a write never adds a hygiene warning


_SKIPPED = frozenset({"format", "counts", "hygiene", "countries", "regions"})
_TEXT_FIELDS = ("abbreviation", "name", "name_en", "deactivation_reason", "notes")


def _findings_of(registry: Registry, wanted: set[str]) -> dict[str, set[tuple[str, str]]]:
    from icor_cli.checks import check_registry, text_problems

    found: dict[str, set[tuple[str, str]]] = {member_id: set() for member_id in wanted}
    for finding in check_registry(registry, "", "", skip=_SKIPPED):
        if finding.member in found:
            found[finding.member].add((finding.severity, finding.message))
    for member_id in wanted & registry.members.keys():
        member = registry.members[member_id]
        for name in _TEXT_FIELDS:
            value = getattr(member, name)
            if value is not None:
                for _, message in text_problems(value, multiline=name == "notes"):
                    found[member_id].add(("error", f"{name} {message}"))
    return found


def validate_members(before: Registry, after: Registry,
                     member_ids: list[str]) -> dict[str, tuple[list[str], list[str]]]:
    """``validate_change`` for many members at once (one pass of the checks, for
    ``import``): each member's new (errors, warnings)."""
    wanted = set(member_ids)
    old = _findings_of(before, wanted)
    new = _findings_of(after, wanted)
    result: dict[str, tuple[list[str], list[str]]] = {}
    for member_id in member_ids:
        fresh = sorted(new[member_id] - old[member_id])
        result[member_id] = ([m for s, m in fresh if s == "error"],
                             [m for s, m in fresh if s != "error"])
    return result


def validate_change(before: Registry, after: Registry, member_id: str) -> list[str]:
    """Refuse a change that brings a new error for the member (a duplicate abbreviation, a
    date before the organisation was founded, a control character...) or a new hygiene
    warning about its text (cleaning on the way in removes the whitespace and
    normalisation ones; a word mixing scripts or a spreadsheet formula start remains);
    return the other new warnings, to be shown. Problems the member already had are not
    this change's doing."""
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
        data = _fields(member)
        data["status"] = "active"
        data.pop("deactivated", None)
        data.pop("deactivation_reason", None)
        undone = _with_member(registry, member_id, build_member(registry, data))
        return Change(registry, member_id, f"{label} is already inactive{since}; nothing changed",
                      changed=False, undone=undone)
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
        data = _fields(member)
        data["status"] = "inactive"
        undone = _with_member(registry, member_id, build_member(registry, data))
        return Change(registry, member_id, f"{label} is already active; nothing changed",
                      changed=False, undone=undone)
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
    from icor_cli.countries import resolve_country

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


# --- edit ------------------------------------------------------------------------------

#: Fields ``icor edit`` changes (not the id, not the status: deactivate and reactivate).
EDITABLE = ("abbreviation", "name", "name_en", "country", "region", "founding", "joined",
            "deactivated", "deactivation_reason", "notes")
#: Fields ``--unset`` may remove (the optional ones).
OPTIONAL = ("name_en", "joined", "deactivated", "deactivation_reason", "notes")
EDIT_OPTIONS = {"deactivated": "--deactivated", "deactivation_reason": "--reason",
                "name_en": "--name-en"}


def _shown(value: object) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def edit_member(registry: Registry, member_id: str, updates: Mapping[str, Any],
                unset: tuple[str, ...] = ()) -> Change:
    """Some fields of one member changed (``updates``, values cleaned and resolved:
    country an alpha-2 code, region as the file spells it), optional ones removed
    (``unset``). A country change without a region moves the member to the region of
    the new country's members when they agree on one (and says so); otherwise the region
    stays. Changing nothing is no change."""
    member = registry.members[member_id]
    for name in (*updates, *unset):
        if name not in EDITABLE:
            raise UsageError(f"{name!r} cannot be edited (status: use deactivate or "
                             "reactivate; the id never changes)")
    for name in unset:
        if name not in OPTIONAL:
            raise UsageError(f"--unset {name}: only optional fields can be unset "
                             f"({', '.join(OPTIONAL)})")
        if name in updates:
            raise UsageError(f"--unset {name} and a new value for it at once")
    if member.status == "active":
        for name, option in (("deactivated", "--deactivated"),
                             ("deactivation_reason", "--reason")):
            if name in updates:
                raise UsageError(f"{option}: {member_id} is active, and only an inactive "
                                 f"member has {name} (use 'icor deactivate {member_id}')")
    data = _fields(member)
    data.update(updates)
    for name in unset:
        data.pop(name, None)
    notes: list[str] = []
    if "country" in updates and "region" not in updates and data["country"] != member.country:
        others = registry.model_copy(update={"members": {
            i: m for i, m in registry.members.items() if i != member_id}})
        region = inferred_region(others, data["country"])
        if region is not None and region != member.region:
            data["region"] = region
            notes.append(f"region moved to {region}, where {data['country']}'s other "
                         "members are (--region sets another)")
        elif region is None:
            regions = regions_of_country(others, data["country"])
            if regions and member.region not in regions:
                notes.append(f"region stays {member.region}; {data['country']}'s other "
                             f"members are in {', '.join(regions)} (--region moves it)")
    label = f"{member_id} ({member.abbreviation})"
    new = build_member(registry, data, EDIT_OPTIONS)
    if new == member:
        asked = "" if updates or unset else " (no field option given: see 'icor edit --help')"
        return Change(registry, member_id, f"{label}: nothing changed{asked}", changed=False)
    after = _with_member(registry, member_id, new)
    warnings = validate_change(registry, after, member_id)
    old_fields, new_fields = _fields(member), _fields(new)
    moved = []
    for name in EDITABLE:
        was, now = old_fields.get(name), new_fields.get(name)
        if was != now:
            moved.append(f"{name} {_shown(was) if was is not None else '(unset)'} -> "
                         f"{_shown(now) if now is not None else '(unset)'}")
    summary = f"edited {label}: {'; '.join(moved + notes)}"
    return Change(after, member_id, summary, warnings=warnings)


def resolve_edit(registry: Registry, updates: Mapping[str, Any]) -> dict[str, Any]:
    """``icor edit``'s cleaned option values with country and region resolved."""
    from icor_cli.countries import resolve_country

    resolved = dict(updates)
    if "country" in resolved:
        resolved["country"] = resolve_country(resolved["country"])
    if "region" in resolved:
        resolved["region"] = resolve_region(registry, resolved["region"])
    return resolved
