"""What changed between two versions of a registry, as members and figures, not lines.

Pure functions over ``Registry`` models: no I/O, no printing (``render/history.py``
prints, ``gitio`` reads old versions). Also the membership on a past date
(``membership_on``), which ``list --as-of`` and ``stats --as-of`` use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from icor_cli.models import STATED_FIGURES, Member, Registry

# The order kinds of member change are listed in.
KINDS = ("added", "removed", "deactivated", "reactivated", "changed")
MEMBER_FIELDS = tuple(Member.model_fields)
FIGURES = STATED_FIGURES


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One value that differs: its key, the old value and the new one (None: unset)."""

    key: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class MemberChange:
    """One member that differs. ``member`` is the new version (the old one if removed);
    ``fields`` every field that differs (empty for added and removed members)."""

    member_id: str
    kind: str
    member: Member
    fields: tuple[FieldChange, ...] = ()


@dataclass(frozen=True, slots=True)
class RegistryDiff:
    """Everything that differs between ``old`` and ``new``, and the counts of both."""

    members: list[MemberChange]
    stated: list[FieldChange]
    organisation: list[FieldChange]
    old_counts: dict[str, int]
    new_counts: dict[str, int]

    @property
    def changed(self) -> bool:
        return bool(self.members or self.stated or self.organisation)

    def for_member(self, member_id: str) -> RegistryDiff:
        """Only this member's change (figures and organisation left out)."""
        members = [c for c in self.members if c.member_id == member_id]
        return RegistryDiff(members, [], [], self.old_counts, self.new_counts)


def _values(member: Member) -> dict[str, Any]:
    return member.__dict__


def member_changes(old: Member, new: Member) -> tuple[FieldChange, ...]:
    a, b = _values(old), _values(new)
    return tuple(FieldChange(key, a.get(key), b.get(key)) for key in MEMBER_FIELDS
                 if a.get(key) != b.get(key))


def diff_members(old: dict[str, Member], new: dict[str, Member]) -> list[MemberChange]:
    """Members added, removed, deactivated, reactivated and otherwise changed; grouped
    by kind (in ``KINDS`` order), by id within a kind. Linear in the number of members."""
    changes: list[MemberChange] = []
    for member_id, after in new.items():
        before = old.get(member_id)
        if before is None:
            changes.append(MemberChange(member_id, "added", after))
        elif before is not after and _values(before) != _values(after):
            fields = member_changes(before, after)
            if before.status == "active" and after.status == "inactive":
                kind = "deactivated"
            elif before.status == "inactive" and after.status == "active":
                kind = "reactivated"
            else:
                kind = "changed"
            changes.append(MemberChange(member_id, kind, after, fields))
    changes.extend(MemberChange(member_id, "removed", before)
                   for member_id, before in old.items() if member_id not in new)
    order = {kind: index for index, kind in enumerate(KINDS)}
    changes.sort(key=lambda change: (order[change.kind], change.member_id))
    return changes


def stated_values(registry: Registry) -> dict[str, Any]:
    """The ``[stated]`` table flattened: figures, ``active_by_region.REGION``, source,
    as_of; unset ones left out."""
    stated = registry.stated
    values: dict[str, Any] = {key: getattr(stated, key) for key in FIGURES}
    for region, count in stated.active_by_region.items():
        values[f"active_by_region.{region}"] = count
    for key in ("source", "as_of"):
        if getattr(stated, key) is not None:
            values[key] = getattr(stated, key)
    return values


def organisation_values(registry: Registry) -> dict[str, Any]:
    """The organisation's facts, and the file's ``schema_version`` and ``regions``."""
    values: dict[str, Any] = {
        key: value for key, value in registry.organisation.__dict__.items() if value is not None
    }
    values["schema_version"] = registry.schema_version
    values["regions"] = list(registry.regions)
    return values


def diff_values(old: dict[str, Any], new: dict[str, Any]) -> list[FieldChange]:
    """Keys whose value differs, in the new mapping's order, then keys only in the old."""
    keys = [*new, *(key for key in old if key not in new)]
    return [FieldChange(key, old.get(key), new.get(key)) for key in keys
            if old.get(key) != new.get(key)]


def counts_of(registry: Registry) -> dict[str, int]:
    counts = registry.counts()
    return {key: getattr(counts, key) for key in FIGURES}


def diff_registries(old: Registry, new: Registry) -> RegistryDiff:
    """What changed from ``old`` to ``new``. The order of tables and members in the file
    is not a change; the order of ``regions`` is (it is the display order)."""
    return RegistryDiff(
        diff_members(old.members, new.members),
        diff_values(stated_values(old), stated_values(new)),
        diff_values(organisation_values(old), organisation_values(new)),
        counts_of(old),
        counts_of(new),
    )


# --- words for the changes -----------------------------------------------------------------

_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def shown(text: str) -> str:
    """``text`` safe on one line of a terminal or a log: control, format (bidirectional
    overrides, zero-width) and line-separator characters as ``\\uXXXX``; linear time."""
    import unicodedata

    if text.isprintable():
        return text
    return "".join(
        _escape(char) if unicodedata.category(char) in _ESCAPED_CATEGORIES else char
        for char in text
    )


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def value_text(value: Any) -> str:
    """A value as the diff prints it: text quoted (and escaped), dates ISO, lists
    bracketed, unset as ``(unset)``."""
    import json

    if value is None:
        return "(unset)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return shown(json.dumps(value, ensure_ascii=False))
    if isinstance(value, list):
        return "[" + ", ".join(value_text(item) for item in value) + "]"
    return shown(str(value))


def figure_label(key: str) -> str:
    """``active_by_region.Asia`` → ``active in Asia``."""
    prefix = "active_by_region."
    return f"active in {key[len(prefix):]}" if key.startswith(prefix) else key


def member_label(change: MemberChange) -> str:
    """``kp (KP, CZ, Europe)``."""
    member = change.member
    return shown(f"{change.member_id} ({member.abbreviation}, {member.country}, "
                 f"{member.region})")


def change_phrases(diff: RegistryDiff) -> Iterator[str]:
    """One short phrase per change: ``adds kp (KP, CZ, Europe)``, ``deactivates aptuf``,
    ``stated active 57 → 58``."""
    verbs = {"added": "adds", "removed": "removes", "deactivated": "deactivates",
             "reactivated": "reactivates", "changed": "changes"}
    for change in diff.members:
        if change.kind in ("added", "removed"):
            what = member_label(change)
        else:
            what = shown(f"{change.member_id} ({change.member.abbreviation})")
            if change.kind == "changed":
                what += " " + ", ".join(f.key for f in change.fields)
        yield f"{verbs[change.kind]} {what}"
    for item in diff.stated:
        yield f"stated {shown(figure_label(item.key))} {value_text(item.old)} → " \
              f"{value_text(item.new)}"
    for item in diff.organisation:
        yield f"{shown(item.key)} {value_text(item.old)} → {value_text(item.new)}"


def summary_line(diff: RegistryDiff) -> str:
    """Every change in one line (``adds X (DK, Europe); deactivates Y; ...``), or
    ``no changes``."""
    return "; ".join(change_phrases(diff)) or "no changes"


def counts_line(diff: RegistryDiff) -> str:
    """``59 → 60 members (57 → 58 active, 2 inactive) in 45 → 46 countries``."""

    def moved(key: str) -> str:
        old, new = diff.old_counts[key], diff.new_counts[key]
        return f"{old}" if old == new else f"{old} → {new}"

    return (f"{moved('total')} members ({moved('active')} active, {moved('inactive')} "
            f"inactive) in {moved('countries')} countries")


# --- machine-readable form -------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def member_record(member_id: str, member: Member) -> dict[str, Any]:
    record: dict[str, Any] = {"id": member_id}
    record.update((k, _json_value(v)) for k, v in _values(member).items() if v is not None)
    return record


def _field_records(items: Iterable[FieldChange], name: str) -> list[dict[str, Any]]:
    return [{name: item.key, "old": _json_value(item.old), "new": _json_value(item.new)}
            for item in items]


def diff_record(diff: RegistryDiff) -> dict[str, Any]:
    """The JSON form (documented in the README)."""
    return {
        "changed": diff.changed,
        "members": [
            {"id": change.member_id, "change": change.kind,
             "member": member_record(change.member_id, change.member),
             "fields": _field_records(change.fields, "field")}
            for change in diff.members
        ],
        "stated": _field_records(diff.stated, "figure"),
        "organisation": _field_records(diff.organisation, "field"),
        "counts": {"old": diff.old_counts, "new": diff.new_counts},
    }


# --- membership on a date --------------------------------------------------------------------


@dataclass(slots=True)
class Membership:
    """The registry as it was on ``date``: members who had joined by then, with their
    status on that day; and the members whose membership on that date is unknown."""

    date: dt.date
    registry: Registry
    unknown: list[tuple[str, str]] = field(default_factory=list)  # (id, why)


def join_date(registry: Registry, member: Member) -> dt.date | None:
    """When the member joined: ``joined``, else the organisation's founding date for a
    founding member, else unknown (None)."""
    if member.joined is not None:
        return member.joined
    return registry.organisation.founded if member.founding else None


def membership_on(registry: Registry, date: dt.date) -> Membership:
    """Members on ``date``: joined on or before it; active unless ``deactivated`` on or
    before it. Never guessed: a member without a join date, or an inactive member without
    a ``deactivated`` date who had joined by then, goes to ``unknown``."""
    members: dict[str, Member] = {}
    unknown: list[tuple[str, str]] = []
    for member_id, member in registry.members.items():
        joined = join_date(registry, member)
        if joined is None:
            unknown.append((member_id, "no joined date"))
            continue
        if joined > date:
            continue
        if member.status == "inactive":
            if member.deactivated is None:
                unknown.append((member_id, "inactive since an unknown date"))
                continue
            if member.deactivated > date:
                member = member.model_copy(update={"status": "active", "deactivated": None,
                                                   "deactivation_reason": None})
        members[member_id] = member
    unknown.sort()
    return Membership(date, registry.model_copy(update={"members": members}), unknown)
