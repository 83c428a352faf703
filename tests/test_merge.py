"""``icor merge`` as git's merge driver, in real ``git merge``s of branches built in
``tmp_path``."""

from __future__ import annotations

import datetime as dt
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE, Result

from icor_cli.store import RegistrySource, dump, load

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True)
    return done.stdout


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def data_of(path: Path) -> dict[str, Any]:
    return load(RegistrySource(path, path.name)).registry.to_data()


def write_data(path: Path, data: dict[str, Any]) -> None:
    from icor_cli.models import Registry

    path.write_text(dump(Registry.from_data(data)), encoding="utf-8")


def icor_path() -> str:
    script = shutil.which("icor", path=str(Path(sys.executable).parent))
    assert script is not None
    return script


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository with the shipped registry on main and icor as its merge driver."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Rosa Tester")
    git(root, "config", "user.email", "rosa@example.org")
    git(root, "config", "commit.gpgsign", "false")
    git(root, "config", "merge.icor.name", "icor registry merge")
    git(root, "config", "merge.icor.driver", f"{shlex.quote(icor_path())} merge %O %A %B")
    (root / ".gitattributes").write_text("registry.toml merge=icor\n", encoding="utf-8")
    shutil.copyfile(FIXTURE, root / "registry.toml")
    commit(root, "Import")
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    monkeypatch.chdir(root)
    return root


def merge(repo: Path, branch: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "merge", "--no-edit", branch], cwd=repo, capture_output=True,
                          text=True, check=False)


def branch(repo: Path, name: str, change: Callable[[], None], start: str = "main") -> None:
    git(repo, "checkout", "-q", "-b", name, start)
    change()
    commit(repo, f"On {name}")


def test_two_adds_with_update_stated_merge_cleanly(repo: Path,
                                                   icor: Callable[..., Result]) -> None:
    def add(abbreviation: str, country: str) -> Callable[[], None]:
        def run() -> None:
            result = icor("add", "-a", abbreviation, "-n", f"Partei {abbreviation}", "-c",
                          country, "--region", "Europe", "--update-stated", cwd=repo)
            assert result.exit_code == 0, result.stderr
        return run

    branch(repo, "dk", add("KPD", "DK"))
    branch(repo, "is", add("KFI", "IS"), start="main")
    done = merge(repo, "dk")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Merge made by" in done.stdout
    checked = icor("validate", "--strict", cwd=repo)
    assert checked.exit_code == 0, checked.stderr
    assert checked.stdout == ("registry.toml: 61 members (59 active, 2 inactive) in 47 "
                              "countries: no problems\n")
    stated = data_of(repo / "registry.toml")["stated"]
    assert (stated["active"], stated["total"], stated["countries"]) == (59, 61, 47)
    assert stated["active_by_region"]["Europe"] == 28
    assert git(repo, "status", "--porcelain") == ""


def test_same_new_country_on_both_sides_counts_it_once(repo: Path,
                                                       icor: Callable[..., Result]) -> None:
    def add(abbreviation: str) -> Callable[[], None]:
        def run() -> None:
            assert icor("add", "-a", abbreviation, "-n", f"Partei {abbreviation}", "-c", "DK",
                        "--region", "Europe", "--update-stated", cwd=repo).exit_code == 0
        return run

    branch(repo, "one", add("KPD"))
    branch(repo, "two", add("DKP"), start="main")
    assert merge(repo, "one").returncode == 0
    assert icor("validate", "--strict", cwd=repo).exit_code == 0
    assert data_of(repo / "registry.toml")["stated"]["countries"] == 46


def test_both_sides_deactivating_the_same_member_agree(repo: Path,
                                                       icor: Callable[..., Result]) -> None:
    def deactivate() -> None:
        assert icor("deactivate", "bkp", "--date", "2025-02-01", "--reason", "Left",
                    "--update-stated", cwd=repo).exit_code == 0

    def also_edit() -> None:
        deactivate()
        data = data_of(repo / "registry.toml")
        data["members"]["mlpd"]["notes"] = "Hosts the ICC office."
        write_data(repo / "registry.toml", data)

    branch(repo, "one", deactivate)
    branch(repo, "two", also_edit, start="main")
    assert merge(repo, "one").returncode == 0
    assert icor("validate", "--strict", cwd=repo).exit_code == 0
    data = data_of(repo / "registry.toml")
    assert data["stated"]["active"] == 56
    assert data["members"]["mlpd"]["notes"] == "Hosts the ICC office."


def test_different_fields_of_one_member_combine(repo: Path) -> None:
    def edit(**fields: object) -> Callable[[], None]:
        def run() -> None:
            data = data_of(repo / "registry.toml")
            data["members"]["mlpd"].update(fields)
            write_data(repo / "registry.toml", data)
        return run

    branch(repo, "notes", edit(notes="Hosts the ICC office."))
    branch(repo, "joined", edit(joined=dt.date(2010, 10, 6)), start="main")
    assert merge(repo, "notes").returncode == 0
    member = data_of(repo / "registry.toml")["members"]["mlpd"]
    assert (member["notes"], member["joined"]) == ("Hosts the ICC office.",
                                                  dt.date(2010, 10, 6))


def test_the_same_field_changed_differently_is_a_conflict_around_that_member(
    repo: Path, icor: Callable[..., Result],
) -> None:
    def edit(notes: str) -> Callable[[], None]:
        def run() -> None:
            data = data_of(repo / "registry.toml")
            data["members"]["mlpd"]["notes"] = notes
            data["members"]["bkp"]["notes"] = f"bkp {notes}"
            write_data(repo / "registry.toml", data)
        return run

    def right() -> None:
        data = data_of(repo / "registry.toml")
        data["members"]["mlpd"]["notes"] = "Right note."
        data["members"]["cpk"]["notes"] = "Only on the right."
        write_data(repo / "registry.toml", data)

    branch(repo, "left", edit("Left note."))
    branch(repo, "right", right, start="main")
    done = merge(repo, "left")
    assert done.returncode != 0
    assert "icor merge: conflict: members.mlpd: notes changed differently on both sides" \
        in done.stderr
    text = (repo / "registry.toml").read_text(encoding="utf-8")
    start = text.index("<<<<<<< ours\n")
    end = text.index(">>>>>>> theirs\n") + len(">>>>>>> theirs\n")
    assert text.count("<<<<<<<") == 1
    block = text[start:end]
    assert block.startswith('<<<<<<< ours\n[members.mlpd]\nabbreviation = "MLPD"\n')
    assert 'notes = "Right note."\n=======\n[members.mlpd]\n' in block
    assert block.endswith('notes = "Left note."\n>>>>>>> theirs\n')
    # Everything else merged: both sides' other changes are in, outside the markers.
    outside = text[:start] + text[end:]
    assert 'notes = "bkp Left note."' in outside
    assert 'notes = "Only on the right."' in outside
    assert icor("validate", cwd=repo).exit_code == 1


def test_merge_command_directly(tmp_path: Path, invoke: Callable[..., Result],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    base, ours, theirs = (tmp_path / name for name in ("base.toml", "ours.toml", "th.toml"))
    for path in (base, ours, theirs):
        shutil.copyfile(FIXTURE, path)
    data = data_of(FIXTURE)
    data["organisation"]["phone"] = "+49 1"
    write_data(ours, data)
    data["organisation"]["phone"] = "+49 2"
    write_data(theirs, data)
    result = invoke("merge", str(base), str(ours), str(theirs))
    assert result.exit_code == 1
    assert result.stderr == ("icor merge: conflict: organisation.phone: changed differently "
                             "on both sides\n")
    text = ours.read_text(encoding="utf-8")
    assert text.startswith("<<<<<<< ours\nschema_version = 1\n")
    assert 'phone = "+49 1"' in text and 'phone = "+49 2"' in text
    assert text.index(">>>>>>> theirs\n") < text.index("[members.")
    # Unchanged on both sides: the base, in canonical form.
    for path in (ours, theirs):
        shutil.copyfile(FIXTURE, path)
    assert invoke("merge", str(base), str(ours), str(theirs)).exit_code == 0
    registry = load(RegistrySource(ours, "ours")).registry
    assert ours.read_text(encoding="utf-8") == dump(registry)


def test_unreadable_version_falls_back_to_a_line_merge(tmp_path: Path,
                                                       invoke: Callable[..., Result],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    base, ours, theirs = (tmp_path / name for name in ("base.toml", "ours.toml", "th.toml"))
    shutil.copyfile(FIXTURE, base)
    shutil.copyfile(FIXTURE, theirs)
    ours.write_text(FIXTURE.read_text(encoding="utf-8") + "[broken\n", encoding="utf-8")
    result = invoke("merge", str(base), str(ours), str(theirs))
    assert result.exit_code == 0
    assert result.stderr.startswith("icor merge: not a valid registry (")
    assert result.stderr.endswith("; merging lines instead\n")
    assert ours.read_text(encoding="utf-8").endswith("[broken\n")
    missing = invoke("merge", str(base), str(tmp_path / "nope.toml"), str(theirs))
    assert missing.exit_code == 3
