"""``icor diff``, ``icor log``, ``--at``, ``-r -`` and ``--as-of``, on git histories built
in ``tmp_path`` (git runs for real)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE, ROOT, Result

from icor_cli.canonical import dumps
from icor_cli.store import RegistrySource, dump, load

GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True,
                          text=True)
    return done.stdout


def data_of(path: Path) -> dict[str, Any]:
    return load(RegistrySource(path, path.name)).registry.to_data()


def write_data(path: Path, data: dict[str, Any]) -> None:
    from icor_cli.models import Registry

    path.write_text(dump(Registry.from_data(data)), encoding="utf-8")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A git repository holding a copy of the shipped registry, one commit; the current
    directory, with no ICOR_REGISTRY."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Rosa Tester")
    git(root, "config", "user.email", "rosa@example.org")
    git(root, "config", "commit.gpgsign", "false")
    shutil.copyfile(FIXTURE, root / "registry.toml")
    commit(root, "Import the published list")
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    monkeypatch.chdir(root)
    return root


def diff_json(invoke: Callable[..., Result], *args: str) -> dict[str, Any]:
    result = invoke("diff", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    record: dict[str, Any] = json.loads(result.stdout)
    return record


def summary(record: dict[str, Any]) -> list[tuple[str, str, list[str]]]:
    return [(m["id"], m["change"], [f["field"] for f in m["fields"]])
            for m in record["members"]]


# --- a history with every kind of change ---------------------------------------------------


@pytest.fixture
def history(repo: Path, icor: Callable[..., Result]) -> dict[str, str]:
    """Commits: start; add (with --update-stated); deactivate; edit two fields by hand;
    reorder the members in the file; delete a member by hand."""
    commits = {"start": git(repo, "rev-parse", "HEAD").strip()}
    result = icor("add", "-a", "KPD", "-n", "Kommunistische Partei Dänemarks", "-c", "DK",
                  "--region", "Europe", "--update-stated", cwd=repo)
    assert result.exit_code == 0, result.stderr
    commits["add"] = commit(repo, "Add KPD")
    result = icor("deactivate", "bkp", "--date", "2025-01-31", "--reason", "Left",
                  "--update-stated", cwd=repo)
    assert result.exit_code == 0, result.stderr
    commits["deactivate"] = commit(repo, "Deactivate BKP")
    data = data_of(repo / "registry.toml")
    data["members"]["mlpd"]["name_en"] = "Marxist-Leninist Party of Germany (MLPD)"
    data["members"]["mlpd"]["notes"] = "Hosts the ICC office."
    data["organisation"]["phone"] = "+49-209-0000000"
    write_data(repo / "registry.toml", data)
    commits["edit"] = commit(repo, "Edit MLPD")
    data["members"] = dict(reversed(list(data["members"].items())))
    (repo / "registry.toml").write_text(dumps(data), encoding="utf-8")
    commits["reorder"] = commit(repo, "Reorder")
    del data["members"]["uoc"]
    write_data(repo / "registry.toml", data)
    commits["delete"] = commit(repo, "Delete UOC")
    return commits


def test_diff_between_commits_reports_exactly_the_changes(
    history: dict[str, str], invoke: Callable[..., Result],
) -> None:
    assert summary(diff_json(invoke, history["start"], history["add"])) == [
        ("kpd", "added", [])]
    record = diff_json(invoke, history["add"], history["deactivate"])
    assert summary(record) == [("bkp", "deactivated",
                                ["status", "deactivated", "deactivation_reason"])]
    assert {(s["figure"], s["old"], s["new"]) for s in record["stated"]} == {
        ("active", 58, 57), ("inactive", 2, 3), ("active_by_region.Europe", 27, 26)}
    record = diff_json(invoke, history["deactivate"], history["edit"])
    assert summary(record) == [("mlpd", "changed", ["name_en", "notes"])]
    assert record["organisation"] == [
        {"field": "phone", "old": "+49-209-3597479", "new": "+49-209-0000000"}]
    assert record["stated"] == []
    record = diff_json(invoke, history["edit"], history["reorder"])
    assert record["changed"] is False
    assert record["members"] == record["stated"] == record["organisation"] == []
    record = diff_json(invoke, history["reorder"], history["delete"])
    assert summary(record) == [("uoc", "removed", [])]
    assert record["counts"]["old"]["total"] == 60
    assert record["counts"]["new"]["total"] == 59
    whole = diff_json(invoke, history["start"], history["delete"])
    assert summary(whole) == [
        ("kpd", "added", []), ("uoc", "removed", []),
        ("bkp", "deactivated", ["status", "deactivated", "deactivation_reason"]),
        ("mlpd", "changed", ["name_en", "notes"]),
    ]


def test_diff_text_output(history: dict[str, str], invoke: Callable[..., Result]) -> None:
    result = invoke("diff", history["add"], history["edit"])
    assert result.exit_code == 0
    add, edit = history["add"], history["edit"]
    assert result.stdout == (
        f"{add}:registry.toml → {edit}:registry.toml\n"
        "Members:\n"
        "  deactivated  bkp (БКП, BG, Europe)\n"
        "                 deactivated          (unset) → 2025-01-31\n"
        '                 deactivation_reason  (unset) → "Left"\n'
        "  changed      mlpd (MLPD, DE, Europe)\n"
        '                 name_en  "Marxist-Leninist Party of Germany" → '
        '"Marxist-Leninist Party of Germany (MLPD)"\n'
        '                 notes    (unset) → "Hosts the ICC office."\n'
        "Stated:\n"
        "  active            58 → 57\n"
        "  inactive          2 → 3\n"
        "  active in Europe  27 → 26\n"
        "Organisation:\n"
        '  phone  "+49-209-3597479" → "+49-209-0000000"\n'
        "Counts: 60 members (58 → 57 active, 2 → 3 inactive) in 46 countries\n"
    )


def test_diff_markdown_and_exit_code(history: dict[str, str],
                                     invoke: Callable[..., Result]) -> None:
    result = invoke("diff", history["deactivate"], history["delete"], "-f", "markdown",
                    "--exit-code")
    assert result.exit_code == 1
    assert result.stdout.startswith("### Registry changes: ")
    assert "| ❌ removed | uoc (UoC, " in result.stdout
    assert "| ✏️ changed | mlpd (MLPD, DE, Europe) | name_en: " in result.stdout
    same = invoke("diff", history["edit"], history["reorder"], "--exit-code")
    assert same.exit_code == 0
    assert same.stdout.endswith("no changes\n")


def test_diff_defaults_to_the_working_file_against_head(
    history: dict[str, str], repo: Path, invoke: Callable[..., Result],
) -> None:
    assert diff_json(invoke)["changed"] is False
    data = data_of(repo / "registry.toml")
    data["members"]["mlpd"]["joined"] = __import__("datetime").date(2011, 1, 1)
    write_data(repo / "registry.toml", data)
    assert summary(diff_json(invoke)) == [("mlpd", "changed", ["joined"])]
    # One argument: the working file against that revision.
    assert [m["id"] for m in diff_json(invoke, history["edit"])["members"]] == ["uoc", "mlpd"]
    record = diff_json(invoke, "main")
    assert (record["old"], record["new"]) == ("main:registry.toml", "registry.toml")


def test_diff_of_two_files_outside_git(tmp_path: Path, invoke: Callable[..., Result],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    old, new = tmp_path / "old.toml", tmp_path / "new.toml"
    shutil.copyfile(FIXTURE, old)
    data = data_of(old)
    data["members"]["aptuf"] |= {"status": "active"}
    write_data(new, data)
    record = diff_json(invoke, "old.toml", "new.toml")
    assert summary(record) == [("aptuf", "reactivated", ["status"])]


def test_unknown_revision_is_exit_2(repo: Path, invoke: Callable[..., Result]) -> None:
    before = (repo / "registry.toml").read_bytes()
    result = invoke("diff", "no-such-branch")
    assert result.exit_code == 2
    assert result.stderr == ("icor: error: unknown revision 'no-such-branch' (git knows no "
                             "commit by that name), and no file of that name\n")
    assert invoke("--at", "--help", "list").exit_code == 2
    assert invoke("diff", "HEAD", "-x").exit_code == 2
    assert (repo / "registry.toml").read_bytes() == before


def test_revision_outside_a_work_tree_is_exit_2(
    tmp_path: Path, registry_file: Path, invoke: Callable[..., Result],
) -> None:
    result = invoke("diff")
    assert result.exit_code == 2
    assert "is not inside a git work tree" in result.stderr
    assert result.stdout == ""


def test_git_missing_is_exit_3(repo: Path, icor: Callable[..., Result],
                               tmp_path: Path) -> None:
    empty = tmp_path / "no-git"
    empty.mkdir()
    result = icor("diff", env={"PATH": str(empty)}, cwd=repo)
    assert result.exit_code == 3
    assert result.stderr.startswith("icor: error: git is not installed")
    assert "Traceback" not in result.stderr


def test_registry_missing_at_a_revision_is_exit_3(repo: Path,
                                                  invoke: Callable[..., Result]) -> None:
    (repo / "other").mkdir()
    shutil.copyfile(FIXTURE, repo / "other" / "registry.toml")
    result = invoke("-r", "other/registry.toml", "diff")
    assert result.exit_code == 3
    assert "other/registry.toml does not exist at HEAD" in result.stderr


# --- --at and -r - --------------------------------------------------------------------------


def test_at_reads_the_registry_at_a_revision(history: dict[str, str], repo: Path,
                                             invoke: Callable[..., Result]) -> None:
    now = invoke("list", "-f", "json")
    past = invoke("--at", history["start"], "list", "-f", "json")
    assert past.exit_code == 0
    assert {m["id"] for m in json.loads(now.stdout)} - {
        m["id"] for m in json.loads(past.stdout)} == {"kpd"}
    assert "uoc" in {m["id"] for m in json.loads(past.stdout)}
    shown = invoke("--at", "HEAD~4", "show", "bkp", "-f", "json")
    assert json.loads(shown.stdout)["status"] == "active"
    checked = invoke("--at", "HEAD~5", "validate")
    assert checked.exit_code == 0
    assert checked.stdout == ("HEAD~5:registry.toml: 59 members (57 active, 2 inactive) in "
                              "45 countries: no problems\n")


def test_writes_at_a_revision_or_from_stdin_are_exit_2(
    repo: Path, invoke: Callable[..., Result],
) -> None:
    before = (repo / "registry.toml").read_bytes()
    result = invoke("--at", "HEAD", "deactivate", "bkp")
    assert result.exit_code == 2
    assert result.stderr.startswith("icor: error: HEAD:registry.toml is read-only (the "
                                    "registry as it was at HEAD)")
    result = invoke("-r", "-", "fmt", input=before.decode())
    assert result.exit_code == 2
    assert "<stdin> is read-only (read from standard input)" in result.stderr
    assert invoke("--at", "HEAD", "-r", "-", "list").exit_code == 2
    assert (repo / "registry.toml").read_bytes() == before
    assert sorted(p.name for p in repo.iterdir()) == [".git", "registry.toml"]


def test_registry_from_stdin(invoke: Callable[..., Result], tmp_path: Path,
                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = FIXTURE.read_text(encoding="utf-8")
    result = invoke("-r", "-", "stats", "-f", "json", input=text)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["totals"]["total"] == 59
    bad = invoke("-r", "-", "validate", input="schema_version = [\n")
    assert bad.exit_code == 1
    assert bad.stderr.startswith("<stdin>:")


# --- icor log -------------------------------------------------------------------------------


def test_log_lists_commits_newest_first(history: dict[str, str],
                                        invoke: Callable[..., Result]) -> None:
    result = invoke("log", "--format", "json")
    assert result.exit_code == 0
    entries = json.loads(result.stdout)
    assert [e["subject"] for e in entries] == [
        "Delete UOC", "Reorder", "Edit MLPD", "Deactivate BKP", "Add KPD",
        "Import the published list"]
    assert entries[0]["commit"] == history["delete"]
    assert entries[0]["author"] == "Rosa Tester"
    assert entries[0]["change"].startswith("removes uoc (UoC, ")
    assert entries[1]["change"] == "no changes"
    assert entries[4]["change"] == ("adds kpd (KPD, DK, Europe); stated active 57 → 58; "
                                    "stated total 59 → 60; stated countries 45 → 46; "
                                    "stated active in Europe 26 → 27")
    assert entries[5]["change"] == "creates the registry: 59 members"
    assert entries[4]["diff"]["members"][0]["member"]["country"] == "DK"


def test_log_of_one_member_and_limit(history: dict[str, str],
                                     invoke: Callable[..., Result]) -> None:
    result = invoke("log", "МЛПД")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(f"{history['edit'][:10]} ")
    assert lines[0].endswith("  Rosa Tester  Edit MLPD")
    assert lines[1] == "    changes mlpd (MLPD) name_en, notes"
    assert lines[3] == "    creates the registry with mlpd"
    # A removed member is still found by its id.
    gone = json.loads(invoke("log", "uoc", "-f", "json").stdout)
    assert [e["subject"] for e in gone] == ["Delete UOC", "Import the published list"]
    assert len(json.loads(invoke("log", "-n", "2", "-f", "json").stdout)) == 2
    assert invoke("log", "-n", "0").exit_code == 2
    assert invoke("log", "nobody-at-all-x").exit_code == 0


# --- --as-of --------------------------------------------------------------------------------


def test_as_of_lists_membership_on_a_date(tmp_path: Path, invoke: Callable[..., Result],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    path = tmp_path / "registry.toml"
    data = data_of(FIXTURE)
    data["members"]["mlpd"]["joined"] = dt.date(2015, 5, 1)  # a founding member, really
    data["members"]["bkp"]["joined"] = dt.date(2016, 1, 1)
    data["members"]["bdp"] |= {"joined": dt.date(2012, 1, 1), "status": "inactive",
                               "deactivated": dt.date(2018, 6, 30)}
    data["stated"]["as_of"] = dt.date(2016, 6, 1)
    write_data(path, data)
    monkeypatch.setenv("ICOR_REGISTRY", str(path))
    ids = {m["id"]: m for m in json.loads(invoke("list", "--as-of", "2016-06-01",
                                                 "-f", "json").stdout)}
    assert ids["bkp"]["status"] == "active" and ids["mlpd"]["status"] == "active"
    assert ids["bdp"]["status"] == "active" and ids["bdp"]["deactivated"] is None
    founding = {i for i, m in data["members"].items() if m["founding"]}
    assert set(ids) == (founding - {"aptuf", "pc-ap"}) | {"bkp", "bdp"}
    later = json.loads(invoke("list", "--as-of", "2019-01-01", "-f", "json").stdout)
    assert {m["id"]: m["status"] for m in later}["bdp"] == "inactive"
    early = invoke("list", "--as-of", "2015-01-01", "-f", "json")
    assert "mlpd" not in {m["id"] for m in json.loads(early.stdout)}
    assert "bdp" in {m["id"] for m in json.loads(early.stdout)}
    assert early.stderr.startswith("icor: as of 2015-01-01: ")
    assert "aptuf (inactive since an unknown date)" in early.stderr
    assert "cpk (no joined date)" in early.stderr
    stats = json.loads(invoke("stats", "--as-of", "2016-06-01", "-f", "json").stdout)
    assert stats["totals"]["total"] == len(ids)
    assert stats["totals"]["stated"] == {"active": 57, "inactive": 2, "total": 59,
                                         "countries": 45}
    other = json.loads(invoke("stats", "--as-of", "2016-06-02", "-f", "json").stdout)
    assert other["totals"]["stated"] == {}
    assert all(row["stated"] == {} for row in other["groups"])
    assert invoke("list", "--as-of", "2016-13-01").exit_code == 2


# --- GitHub Actions: the diff in the step summary ---------------------------------------------


def test_validate_on_a_pull_request_adds_the_diff_to_the_step_summary(
    repo: Path, icor: Callable[..., Result], tmp_path: Path,
) -> None:
    git(repo, "checkout", "-q", "-b", "feature")
    assert icor("add", "-a", "KPD", "-n", "Kommunistische Partei", "-c", "DK", "--region",
                "Europe", "--update-stated", cwd=repo).exit_code == 0
    commit(repo, "Add KPD")
    summary_file = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_BASE_REF": "main",
           "GITHUB_STEP_SUMMARY": str(summary_file), "GITHUB_WORKSPACE": str(repo)}
    result = icor("validate", env=env, cwd=repo)
    assert result.exit_code == 0, result.stderr
    text = summary_file.read_text(encoding="utf-8")
    assert "## Registry changes: main:registry.toml → registry.toml" in text
    assert ("adds kpd (KPD, DK, Europe); stated active 57 → 58; stated total 59 → 60; "
            "stated countries 45 → 46; stated active in Europe 26 → 27") in text
    # Without a base branch in the clone: a warning, the check still passes.
    summary_file.unlink()
    result = icor("validate", env={**env, "GITHUB_BASE_REF": "gone"}, cwd=repo)
    assert result.exit_code == 0
    assert "icor: warning: no diff against the base branch" in result.stderr
    assert "Registry changes" not in summary_file.read_text(encoding="utf-8")


# --- git diff names the member of each hunk -------------------------------------------------


def test_xfuncname_recipe_names_the_member_in_hunk_headers(repo: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "registry.toml diff=icor" in readme
    command = next(line for line in readme.splitlines()
                   if line.startswith("$ git config diff.icor.xfuncname")).removeprefix("$ ")
    (repo / ".gitattributes").write_text("registry.toml diff=icor\n", encoding="utf-8")
    subprocess.run(command, shell=True, cwd=repo, check=True)
    data = data_of(repo / "registry.toml")
    data["members"]["mlpd"]["notes"] = "Hosts the ICC office."
    write_data(repo / "registry.toml", data)
    out = git(repo, "diff", "registry.toml")
    hunks = [line for line in out.splitlines() if line.startswith("@@")]
    assert len(hunks) == 1
    assert hunks[0].endswith("@@ [members.mlpd]")
    data["organisation"]["phone"] = "+49-209-0000000"
    write_data(repo / "registry.toml", data)
    out = git(repo, "diff", "registry.toml")
    hunks = [line for line in out.splitlines() if line.startswith("@@")]
    assert [hunk.split("@@ ")[-1] for hunk in hunks] == [
        "[organisation]", "[members.mlpd]"]


def test_log_of_a_repository_without_commits_is_empty(tmp_path: Path,
                                                      invoke: Callable[..., Result],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    git(tmp_path, "init", "-q")
    shutil.copyfile(FIXTURE, tmp_path / "registry.toml")
    monkeypatch.delenv("ICOR_REGISTRY", raising=False)
    monkeypatch.chdir(tmp_path)
    result = invoke("log", "-f", "json")
    assert (result.exit_code, result.stdout) == (0, "[]\n")
    assert invoke("diff").exit_code == 2
