"""Random sequences of add, deactivate and reactivate (hypothesis state machine): no member
and no field is ever lost, refused commands change no byte, and the file always validates
and stays canonical."""

from __future__ import annotations

import datetime as dt
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

    def run(self, *args: str) -> tuple[int, str, str]:
        result = self.runner.invoke(app, list(args), catch_exceptions=False,
                                    env={"ICOR_REGISTRY": str(self.path)})
        return result.exit_code, result.stdout, result.stderr

    @rule(abbreviation=ABBREVIATIONS, country=st.sampled_from(["DE", "BG", "TR", "IN", "AQ"]),
          region=st.sampled_from([None, "europe", "Asia"]), founding=st.booleans(),
          notes=REASONS, update=st.booleans())
    def add(self, abbreviation: str, country: str, region: str | None, founding: bool,
            notes: str | None, update: bool) -> None:
        before = self.path.read_bytes()
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
        expected["region"] = data["region"]
        assert data == expected
        assert data["region"] == ("Asia" if region == "Asia" else
                                  "Europe" if region else data["region"])
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

    @rule(data=st.data(), command=st.sampled_from(["deactivate", "reactivate", "add"]))
    def dry_run(self, data: st.DataObject, command: str) -> None:
        member_id = data.draw(st.sampled_from(self.member_ids))
        args = (["add", "-a", "DRY", "-n", "Dry run", "-c", "DE"] if command == "add"
                else [command, member_id])
        before = self.path.read_bytes()
        code, _, err = self.run(*args, "--dry-run", "--update-stated")
        assert code in (0, 2), err
        assert self.path.read_bytes() == before

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
