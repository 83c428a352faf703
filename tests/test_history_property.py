"""``icor diff`` reports exactly the changes of any sequence of changes (hypothesis)."""

from __future__ import annotations

import copy
import datetime as dt
import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conftest import FIXTURE, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icor_cli.history import diff_registries
from icor_cli.models import Registry
from icor_cli.store import RegistrySource, dump, load

ORIGINAL = load(RegistrySource(FIXTURE, "registry.toml")).registry
IDS = sorted(ORIGINAL.members)
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
               min_size=1, max_size=10)
DATES = st.dates(dt.date(2011, 1, 1), dt.date(2015, 12, 31))
LATER = st.dates(dt.date(2016, 1, 1), dt.date(2025, 12, 31))

# One change: (operation, member index, value). The member index picks among the ids
# present when the change is applied.
CHANGE = st.one_of(
    st.tuples(st.just("add"), st.integers(0), st.tuples(TEXT, st.sampled_from(["DE", "DK",
                                                                                "JP", "BR"]))),
    st.tuples(st.just("set"), st.integers(0),
              st.tuples(st.sampled_from(["name", "name_en", "notes", "abbreviation"]), TEXT)),
    st.tuples(st.just("set"), st.integers(0), st.tuples(st.just("joined"), DATES)),
    st.tuples(st.just("set"), st.integers(0), st.tuples(st.just("founding"), st.booleans())),
    st.tuples(st.just("unset"), st.integers(0),
              st.sampled_from(["name_en", "notes", "joined"])),
    st.tuples(st.just("deactivate"), st.integers(0), st.tuples(LATER, st.none() | TEXT)),
    st.tuples(st.just("reactivate"), st.integers(0), st.none()),
    st.tuples(st.just("remove"), st.integers(0), st.none()),
    st.tuples(st.just("stated"), st.integers(0),
              st.tuples(st.sampled_from(["active", "inactive", "total", "countries"]),
                        st.integers(0, 200))),
)


def apply(data: dict[str, Any], changes: list[tuple[str, int, Any]]) -> None:
    members: dict[str, dict[str, Any]] = data["members"]
    for number, (operation, index, value) in enumerate(changes):
        if operation == "stated":
            data["stated"][value[0]] = value[1]
            continue
        if operation == "add":
            region = {"DE": "Europe", "DK": "Europe", "JP": "Asia", "BR": "America"}[value[1]]
            members[f"new-{number}"] = {"abbreviation": value[0], "name": value[0],
                                        "country": value[1], "region": region,
                                        "status": "active", "founding": False}
            continue
        if not members:
            continue
        member_id = sorted(members)[index % len(members)]
        member = members[member_id]
        if operation == "set":
            field, new = value
            if field == "joined" and member.get("deactivated") is not None:
                continue
            member[field] = new
        elif operation == "unset":
            member.pop(value, None)
        elif operation == "deactivate" and member["status"] == "active":
            member.update(status="inactive", deactivated=value[0])
            if value[1] is not None:
                member["deactivation_reason"] = value[1]
        elif operation == "reactivate" and member["status"] == "inactive":
            member["status"] = "active"
            member.pop("deactivated", None)
            member.pop("deactivation_reason", None)
        elif operation == "remove":
            del members[member_id]


def expected(before: dict[str, Any], after: dict[str, Any]) -> list[tuple[str, str,
                                                                         list[str]]]:
    """(id, kind, changed fields), the way the README defines them, from the data."""
    result: list[tuple[str, str, list[str]]] = []
    for member_id in sorted({*before["members"], *after["members"]}):
        old, new = before["members"].get(member_id), after["members"].get(member_id)
        if old is None:
            result.append((member_id, "added", []))
        elif new is None:
            result.append((member_id, "removed", []))
        elif old != new:
            kind = {("active", "inactive"): "deactivated",
                    ("inactive", "active"): "reactivated"}.get((old["status"], new["status"]),
                                                              "changed")
            fields = [f for f in ("abbreviation", "name", "name_en", "country", "region",
                                  "status", "founding", "joined", "deactivated",
                                  "deactivation_reason", "notes") if old.get(f) != new.get(f)]
            result.append((member_id, kind, fields))
    return result


@settings(max_examples=150, deadline=None)
@given(st.lists(CHANGE, max_size=12))
def test_diff_reports_exactly_the_changes(changes: list[tuple[str, int, Any]]) -> None:
    before = ORIGINAL.to_data()
    after = copy.deepcopy(before)
    apply(after, changes)
    new = Registry.from_data(after)
    diff = diff_registries(ORIGINAL, new)
    reported = sorted((c.member_id, c.kind, [f.key for f in c.fields]) for c in diff.members)
    assert reported == expected(before, after)
    stated = {item.key: (item.old, item.new) for item in diff.stated}
    assert stated == {key: (before["stated"][key], after["stated"][key])
                      for key in ("active", "inactive", "total", "countries")
                      if before["stated"][key] != after["stated"][key]}
    assert diff.organisation == []
    assert diff.changed == bool(reported or stated)
    assert diff.new_counts["total"] == len(after["members"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                          HealthCheck.function_scoped_fixture])
@given(st.lists(CHANGE, min_size=1, max_size=8))
def test_icor_diff_of_two_files_reports_exactly_the_changes(
    invoke: Callable[..., Result], changes: list[tuple[str, int, Any]],
) -> None:
    before = ORIGINAL.to_data()
    after = copy.deepcopy(before)
    apply(after, changes)
    with tempfile.TemporaryDirectory() as directory:
        old, new = Path(directory, "old.toml"), Path(directory, "new.toml")
        old.write_text(dump(ORIGINAL), encoding="utf-8")
        new.write_text(dump(Registry.from_data(after)), encoding="utf-8")
        result = invoke("diff", str(old), str(new), "--format", "json", "--exit-code")
    record = json.loads(result.stdout)
    reported = sorted((m["id"], m["change"], [f["field"] for f in m["fields"]])
                      for m in record["members"])
    assert reported == expected(before, after)
    assert result.exit_code == (1 if record["changed"] else 0)
    for member in record["members"]:
        source = after if member["change"] != "removed" else before
        fields = source["members"][member["id"]]
        assert member["member"] == {"id": member["id"], **{
            k: v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()}}
