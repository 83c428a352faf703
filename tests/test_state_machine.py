"""Random sequences of add, edit, deactivate, reactivate, import and stated sync
(hypothesis state machine): no member and no field is ever lost, refused commands change
no byte, the file always validates and stays canonical, and validate's counts verdict
always agrees with the data (a finding exactly for each stated figure that differs)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
import unicodedata
from pathlib import Path
from typing import Any

import tomli
from conftest import FIXTURE
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from typer.testing import CliRunner

from icor_cli.checks import check_registry
from icor_cli.cli import app
from icor_cli.figures import compare
from icor_cli.models import Registry
from icor_cli.store import dump

REACTIVATED = dt.date(2026, 1, 1)  # after every deactivation date drawn below
LETTERS = "ABCKMPRT" + "БКПРЖ" + "ΚΛΜΠ" + "0123"
ABBREVIATIONS = st.text(alphabet=LETTERS + " -.()", min_size=1, max_size=6)
REASONS = st.none() | st.text(alphabet="abcxyz ,.", min_size=1, max_size=12)
DATES = st.dates(min_value=dt.date(2011, 1, 1), max_value=dt.date(2025, 12, 31))


def clean(text: str | None) -> str | None:
    """Input as icor stores it: NFC, trimmed, inner whitespace runs collapsed."""
    if text is None:
        return None
    return " ".join(unicodedata.normalize("NFC", text).split()) or None


class RegistryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="icor-state-"))
        self.path = self.directory / "registry.toml"
        shutil.copyfile(FIXTURE, self.path)
        self.runner = CliRunner()
        data = tomli.loads(self.path.read_text(encoding="utf-8"))
        self.expected: dict[str, dict[str, Any]] = data["members"]
        self.member_ids = sorted(self.expected)

    def teardown(self) -> None:
        shutil.rmtree(self.directory, ignore_errors=True)

    def run(self, *args: str, input: str | None = None) -> tuple[int, str, str]:
        result = self.runner.invoke(app, list(args), catch_exceptions=False, input=input,
                                    env={"ICOR_REGISTRY": str(self.path)})
        return result.exit_code, result.stdout, result.stderr

    @rule(abbreviation=ABBREVIATIONS, country=st.sampled_from(["DE", "BG", "TR", "IN", "AQ"]),
          region=st.sampled_from([None, "europe", "Asia"]), founding=st.booleans(),
          notes=REASONS, update=st.booleans())
    def add(self, abbreviation: str, country: str, region: str | None, founding: bool,
            notes: str | None, update: bool) -> None:
        before = self.path.read_bytes()
        region_of = {m["country"]: m["region"]
                     for m in tomli.loads(before.decode("utf-8"))["members"].values()}
        args = ["add", "-a", abbreviation, "-n", f"Party {abbreviation}", "-c", country]
        args += ["--region", region] if region else []
        args += ["--founding"] if founding else []
        args += ["--notes", notes] if notes else []
        args += ["--update-stated"] if update else []
        code, out, err = self.run(*args)
        event(f"add exit {code}")
        if code != 0:  # a duplicate, an empty abbreviation, or no region for AQ
            assert code == 2, err
            assert self.path.read_bytes() == before
            return
        new_id = out.strip()
        assert new_id not in self.expected
        data = tomli.loads(self.path.read_text(encoding="utf-8"))["members"][new_id]
        expected = {
            "abbreviation": clean(abbreviation), "name": clean(f"Party {abbreviation}"),
            "country": country, "status": "active", "founding": founding,
        }
        if clean(notes):
            expected["notes"] = clean(notes)
        # as given (case-insensitively), else the region of the country's other members
        expected["region"] = ("Asia" if region == "Asia" else "Europe" if region
                              else region_of[country])
        assert data == expected
        self.expected[new_id] = expected
        self.member_ids.append(new_id)

    def refused_below_zero(self, code: int, err: str, update: bool, before: bytes) -> bool:
        """Writes without --update-stated leave [stated] behind, so a later update can
        meet a stated figure that would go below zero: refused, exit 2, nothing written."""
        if update and code == 2 and "cannot go down" in err:
            assert self.path.read_bytes() == before
            return True
        return False

    @rule(data=st.data(), reason=REASONS, date=DATES, update=st.booleans())
    def deactivate(self, data: st.DataObject, reason: str | None, date: dt.date,
                   update: bool) -> None:
        member_id = data.draw(st.sampled_from(self.member_ids))
        before = self.path.read_bytes()
        args = ["deactivate", member_id, "--date", date.isoformat()]
        args += ["--reason", reason] if reason else []
        args += ["--update-stated"] if update else []
        code, _, err = self.run(*args)
        expected = self.expected[member_id]
        event(f"deactivate {expected['status']} member: exit {code}")
        if expected["status"] == "inactive":
            assert code == 0 and "already inactive" in err
            # --update-stated may still align [stated] with the deactivation; members
            # never change (the invariant checks them)
            assert update or self.path.read_bytes() == before
            return
        joined = expected.get("joined")
        if joined is not None and date < joined:
            assert code == 2
            assert self.path.read_bytes() == before
            return
        if self.refused_below_zero(code, err, update, before):
            return
        assert code == 0, err
        expected.update(status="inactive", deactivated=date)
        if clean(reason):
            expected["deactivation_reason"] = clean(reason)

    @rule(data=st.data(), update=st.booleans())
    def reactivate(self, data: st.DataObject, update: bool) -> None:
        inactive = [i for i in self.member_ids if self.expected[i]["status"] == "inactive"]
        prefer_inactive: bool = data.draw(st.booleans())
        pool = inactive if inactive and prefer_inactive else self.member_ids
        member_id = data.draw(st.sampled_from(pool))
        before = self.path.read_bytes()
        args = ["reactivate", member_id, "--date", REACTIVATED.isoformat()]
        args += ["--update-stated"] if update else []
        code, _, err = self.run(*args)
        expected = self.expected[member_id]
        event(f"reactivate {expected['status']} member: exit {code}")
        if expected["status"] == "active":
            assert code == 0 and "already active" in err
            assert update or self.path.read_bytes() == before
            return
        if self.refused_below_zero(code, err, update, before):
            return
        assert code == 0, err
        since = expected.pop("deactivated", None)
        reason = expected.pop("deactivation_reason", None)
        # the inactive period is not lost: it moves into notes
        line = (f"Reactivated {REACTIVATED}; had been inactive"
                f"{f' since {since}' if since else ''}{f' ({reason})' if reason else ''}.")
        expected["notes"] = f"{expected['notes']}\n{line}" if "notes" in expected else line
        expected["status"] = "active"

    @rule(data=st.data(), command=st.sampled_from(["deactivate", "reactivate", "add",
                                                   "edit", "stated"]))
    def dry_run(self, data: st.DataObject, command: str) -> None:
        member_id = data.draw(st.sampled_from(self.member_ids))
        args = (["add", "-a", "DRY", "-n", "Dry run", "-c", "DE"] if command == "add"
                else ["edit", member_id, "--region", "Asia"] if command == "edit"
                else ["stated", "sync"] if command == "stated"
                else [command, member_id])
        if command == "stated":
            before = self.path.read_bytes()
            code, _, err = self.run(*args, "--dry-run")
            assert code == 0, err
            assert self.path.read_bytes() == before
            return
        before = self.path.read_bytes()
        code, _, err = self.run(*args, "--dry-run", "--update-stated")
        assert code in (0, 2), err
        assert self.path.read_bytes() == before

    @rule(data=st.data(), field=st.sampled_from(["name_en", "notes", "founding", "region",
                                                 "joined", "abbreviation"]),
          text=REASONS, date=DATES, unset=st.booleans(), update=st.booleans())
    def edit(self, data: st.DataObject, field: str, text: str | None, date: dt.date,
             unset: bool, update: bool) -> None:
        member_id = data.draw(st.sampled_from(self.member_ids))
        expected = self.expected[member_id]
        before = self.path.read_bytes()
        args = ["edit", member_id]
        value: Any
        if field in ("name_en", "notes", "joined") and unset:
            args += ["--unset", field]
            value = None
        elif field == "founding":
            value = not expected["founding"]
            args += ["--founding" if value else "--no-founding"]
        elif field == "region":
            value = data.draw(st.sampled_from(["Asia", "Europe", "Africa"]))
            args += ["--region", value]
        elif field == "joined":
            value = date
            args += ["--joined", date.isoformat()]
        elif field == "abbreviation":
            value = clean(data.draw(ABBREVIATIONS))
            args += ["--abbreviation", value or "x"]
            value = value or "x"
        else:
            value = clean(text) or "x"
            args += [f"--{field.replace('_', '-')}", value]
        args += ["--update-stated"] if update else []
        code, _, err = self.run(*args)
        event(f"edit {field}: exit {code}")
        if code != 0:  # a duplicate abbreviation, joined after deactivated, below zero
            assert code == 2, err
            assert self.path.read_bytes() == before
            return
        if value is None:
            expected.pop(field, None)
        else:
            expected[field] = value

    @rule(fmt=st.sampled_from(["csv", "tsv", "json", "jsonl"]), abbreviation=ABBREVIATIONS,
          add=st.booleans())
    def import_rows(self, fmt: str, abbreviation: str, add: bool) -> None:
        """The list round trip changes nothing; one more row adds a member."""
        before = self.path.read_bytes()
        code, listed, err = self.run("list", "-f", fmt)
        assert code == 0, err
        code, _, err = self.run("import", "-", "--format", fmt, input=listed)
        assert code == 0, err
        assert self.path.read_bytes() == before
        if not add:
            return
        row = {"abbreviation": abbreviation, "name": f"Party {abbreviation}",
               "country": "DE"}
        code, out, err = self.run("import", "-", "--format", "jsonl",
                                  input=json.dumps(row) + "\n")
        event(f"import a row: exit {code}")
        if code != 0:
            assert code == 2, err
            assert self.path.read_bytes() == before
            return
        new_id = out.strip()
        self.expected[new_id] = {
            "abbreviation": clean(abbreviation), "name": clean(f"Party {abbreviation}"),
            "country": "DE", "region": "Europe", "status": "active", "founding": False}
        self.member_ids.append(new_id)

    @rule()
    def stated_sync(self) -> None:
        code, _, err = self.run("stated", "sync")
        assert code == 0, err
        registry = Registry.from_data(tomli.loads(self.path.read_text(encoding="utf-8")))
        assert all(row.matches for row in compare(registry))

    @invariant()
    def counts_verdict_agrees_with_the_data(self) -> None:
        text = self.path.read_text(encoding="utf-8")
        registry = Registry.from_data(tomli.loads(text))
        findings = [f for f in check_registry(registry, text, "registry.toml")
                    if f.check == "counts"]
        differing = [row for row in compare(registry)
                     if not row.matches and row.stated is not None]
        assert len(findings) == len(differing)
        assert all(f.message.endswith("run 'icor stated sync' once the published figures "
                                      "match") for f in findings)

    @invariant()
    def nothing_lost_and_valid(self) -> None:
        text = self.path.read_text(encoding="utf-8")
        data = tomli.loads(text)
        registry = Registry.from_data(data)  # the schema holds
        assert dump(registry) == text  # canonical
        findings = check_registry(registry, text, "registry.toml",
                                  skip=frozenset({"counts"}))
        assert [f.message for f in findings if f.severity == "error"] == []
        assert data["members"] == self.expected  # every member, every field


RegistryMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=8, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestRegistryMachine = RegistryMachine.TestCase
