"""Three-way merge of registry data (``icor merge``, a git merge driver). Pure: texts of
base, ours and theirs in, the merged canonical text and its conflicts out.

- Members merge one by one: a member changed on one side only takes that side; changed
  on both, field by field; the same field changed differently on both sides (or a member
  removed on one side and changed on the other) is a conflict, shown with git-style
  markers around that member's table only.
- Stated figures: when a figure matched the actual count in base, ours and theirs, it
  matches the merged registry's count (so two sides that each add a member in a new
  country, or deactivate the same member, still agree); otherwise base + both sides'
  changes.
- Everything else (organisation facts, regions, ``source``, ``as_of``) merges value by
  value; changed differently on both sides is a conflict around the tables before the
  members.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from icor_cli.models import Member, Registry

MARKER_SIZE = 7
FIGURES = ("active", "inactive", "total", "countries")


@dataclass(slots=True)
class MergeResult:
    """The merged text (canonical, with conflict markers where ``conflicts`` says)."""

    text: str
    conflicts: list[str] = field(default_factory=list)


def _pick(base: Any, ours: Any, theirs: Any) -> tuple[Any, bool]:
    """The three-way merge of one value: (value, conflict). On conflict, ours."""
    if ours == theirs:
        return ours, False
    if ours == base:
        return theirs, False
    if theirs == base:
        return ours, False
    return ours, True


def _merge_mapping(base: Mapping[str, Any], ours: Mapping[str, Any],
                   theirs: Mapping[str, Any]) -> tuple[dict[str, Any], list[str],
                                                       dict[str, Any]]:
    """Key by key: (merged preferring ours, conflicting keys, merged preferring theirs)."""
    merged: dict[str, Any] = {}
    other: dict[str, Any] = {}
    conflicts = []
    for key in [*ours, *(k for k in theirs if k not in ours), *(k for k in base
                                                                  if k not in ours
                                                                  and k not in theirs)]:
        value, clash = _pick(base.get(key), ours.get(key), theirs.get(key))
        if clash:
            conflicts.append(key)
            other[key] = theirs.get(key)
        else:
            other[key] = value
        merged[key] = value
    return ({k: v for k, v in merged.items() if v is not None}, conflicts,
            {k: v for k, v in other.items() if v is not None})


def _counts(members: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The actual figures of plain member data (as ``Registry.counts``)."""
    active = 0
    by_region: dict[str, int] = {}
    countries = set()
    for member in members.values():
        countries.add(member["country"])
        if member["status"] == "active":
            active += 1
            by_region[member["region"]] = by_region.get(member["region"], 0) + 1
    total = len(members)
    figures: dict[str, Any] = {"active": active, "inactive": total - active, "total": total,
                               "countries": len(countries)}
    figures.update((f"active_by_region.{r}", n) for r, n in by_region.items())
    return figures


def _flat_figures(stated: Mapping[str, Any]) -> dict[str, Any]:
    figures = {key: stated.get(key) for key in FIGURES}
    for region, count in (stated.get("active_by_region") or {}).items():
        figures[f"active_by_region.{region}"] = count
    return figures


def _merge_stated(sides: tuple[dict[str, Any], ...], actual: tuple[dict[str, Any], ...],
                  merged_actual: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any],
                                                          list[str]]:
    rest = [{k: v for k, v in side.items() if k not in (*FIGURES, "active_by_region")}
            for side in sides]
    merged, conflicts, other = _merge_mapping(*rest)
    flat = [_flat_figures(side) for side in sides]
    keys = [*flat[1], *(k for k in flat[2] if k not in flat[1])]
    by_region: dict[str, int] = {}
    figures: dict[str, int] = {}
    for key in keys:
        values = [side.get(key) for side in flat]
        matched = all(side.get(key) == count.get(key, 0) for side, count in zip(flat, actual,
                                                                                 strict=True))
        if matched:
            value: Any = merged_actual.get(key, 0)
        elif len(numbers := [v for v in values if isinstance(v, int)]) == 3:
            value = numbers[1] + numbers[2] - numbers[0]
            if value < 0:
                value, clash = _pick(*values)
                if clash:
                    conflicts.append(key)
        else:
            value, clash = _pick(*values)
            if clash:
                conflicts.append(key)
        if value is None:
            continue
        if key.startswith("active_by_region."):
            by_region[key.removeprefix("active_by_region.")] = value
        else:
            figures[key] = value
    result = {**figures, **({"active_by_region": by_region} if by_region else {}), **merged}
    their_result = {**figures, **({"active_by_region": by_region} if by_region else {}),
                    **other}
    return result, their_result, conflicts


def _member_data(member: Member) -> dict[str, Any]:
    return {k: v for k, v in member.__dict__.items() if v is not None}


def _merge_members(base: Registry, ours: Registry, theirs: Registry,
                   regions: list[str]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """(merged members, {id: why} for conflicting ones). A conflicting member keeps
    ours (theirs if ours removed it), so its table has a place in the text."""
    from pydantic import ValidationError

    merged: dict[str, dict[str, Any]] = {}
    conflicts: dict[str, str] = {}
    for member_id in {*ours.members, *theirs.members}:
        b, o, t = (side.members.get(member_id) for side in (base, ours, theirs))
        if o is not None and t is not None and (o is t or o.__dict__ == t.__dict__):
            merged[member_id] = _member_data(o)
            continue
        b_data = _member_data(b) if b is not None else None
        o_data = _member_data(o) if o is not None else None
        t_data = _member_data(t) if t is not None else None
        if o_data == b_data:
            if t_data is not None:
                merged[member_id] = t_data
            continue
        if t_data == b_data:
            if o_data is not None:
                merged[member_id] = o_data
            continue
        if o_data is None or t_data is None:
            conflicts[member_id] = ("removed on one side, changed on the other" if b_data
                                    else "added differently on both sides")
            merged[member_id] = o_data or t_data or {}
            continue
        fields, clashes, _ = _merge_mapping(b_data or {}, o_data, t_data)
        if clashes:
            what = "added differently" if b_data is None else "changed differently"
            conflicts[member_id] = f"{', '.join(clashes)} {what} on both sides"
            merged[member_id] = o_data
            continue
        try:
            Member.model_validate(fields, context={"regions": regions})
        except ValidationError as error:
            first = error.errors(include_url=False)[0]
            reason = str(first["msg"]).removeprefix("Value error, ")
            conflicts[member_id] = f"both sides' changes together are invalid: {reason}"
            merged[member_id] = o_data
            continue
        merged[member_id] = fields
    return merged, conflicts


def _blocks(text: str) -> list[str]:
    """The canonical text's tables, split at blank lines (no value holds a raw newline,
    no array holds a blank line)."""
    return text.rstrip("\n").split("\n\n")


def _member_block(member_id: str, data: Mapping[str, Any] | None) -> str:
    from icor_cli.canonical import dumps

    if data is None:
        return ""
    return dumps({"members": {member_id: dict(data)}}).rstrip("\n") + "\n"


def _markers(ours: str, theirs: str) -> str:
    return (f"{'<' * MARKER_SIZE} ours\n{ours}{'=' * MARKER_SIZE}\n{theirs}"
            f"{'>' * MARKER_SIZE} theirs")


def _build(head: dict[str, Any], members: dict[str, dict[str, Any]]) -> Registry:
    return Registry.from_data({**head, "members": {i: members[i] for i in sorted(members)}})


def merge_registries(base: Registry, ours: Registry, theirs: Registry) -> MergeResult:
    """Merge ``ours`` and ``theirs``, both descended from ``base``. A result that would
    be invalid as a whole (a region removed on one side and used on the other) raises
    ``pydantic.ValidationError``."""
    from icor_cli.store import dump

    sides = (base, ours, theirs)
    heads = [side.head_data() for side in sides]
    top = [{k: v for k, v in head.items() if k not in ("organisation", "stated")}
           for head in heads]
    merged_top, top_clashes, their_top = _merge_mapping(*top)
    organisation, org_clashes, their_org = _merge_mapping(*(h["organisation"] for h in heads))
    regions = list(merged_top["regions"])
    members, member_clashes = _merge_members(base, ours, theirs, regions)
    actual = tuple(_counts({i: _member_data(m) for i, m in side.members.items()})
                   for side in sides)
    stated, their_stated, stated_clashes = _merge_stated(
        tuple(h["stated"] for h in heads), actual, _counts(members))
    head = {**merged_top, "organisation": organisation, "stated": stated}
    text = dump(_build(head, members))
    conflicts = [f"{key}: changed differently on both sides" for key in top_clashes]
    conflicts += [f"organisation.{key}: changed differently on both sides"
                  for key in org_clashes]
    conflicts += [f"stated.{key}: changed differently on both sides"
                  for key in stated_clashes]
    blocks = _blocks(text)
    if conflicts:
        their_head = {**their_top, "organisation": their_org, "stated": their_stated}
        theirs_blocks = _blocks(dump(_build(their_head, {})))
        cut = next(i for i, b in enumerate(blocks) if b.startswith("[members"))
        their_cut = next(i for i, b in enumerate(theirs_blocks) if b.startswith("[members"))
        ours_head = "\n\n".join(blocks[:cut]) + "\n"
        theirs_head = "\n\n".join(theirs_blocks[:their_cut]) + "\n"
        blocks[:cut] = [_markers(ours_head, theirs_head)]
    if member_clashes:
        for index, block in enumerate(blocks):
            header = block.split("\n", 1)[0]
            member_id = header.removeprefix("[members.").removesuffix("]")
            if header.startswith("[members.") and member_id in member_clashes:
                blocks[index] = _markers(
                    _member_block(member_id, _side(ours, member_id)),
                    _member_block(member_id, _side(theirs, member_id)))
        conflicts += [f"members.{member_id}: {why}"
                      for member_id, why in sorted(member_clashes.items())]
    return MergeResult("\n\n".join(blocks) + "\n", conflicts)


def _side(registry: Registry, member_id: str) -> dict[str, Any] | None:
    member = registry.members.get(member_id)
    return _member_data(member) if member is not None else None
