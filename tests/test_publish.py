"""``icor render page|markdown|html`` and ``icor audit``: the published member page.

The round trips of issue 13: the rendered page audits clean (shipped and generated
registries), the source page gives exactly its two recorded corrections, and a page
with four edits gives exactly those four differences.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import FIXTURE, ROOT, SHIPPED, Result, _icor_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icor_cli.models import Registry
from icor_cli.publish import page as pagemod
from icor_cli.publish.audit import audit_text, shown
from icor_cli.publish.html import page_html, world
from icor_cli.store import find_registry, load

Run = Callable[..., Result]

SOURCE_PAGE = ROOT / "tests" / "data" / "icor-about-page.txt"
SOURCE_TEXT = SOURCE_PAGE.read_text(encoding="utf-8")


def frozen() -> Registry:
    """The frozen copy of the registry (tests/data/registry.toml), which matches the
    source page of the same date."""
    return load(find_registry(str(FIXTURE))).registry


def _squash(line: str) -> str:
    return " ".join(line.split())


def _errors(findings: list[dict[str, object]]) -> list[dict[str, object]]:
    return [f for f in findings if f["severity"] == "error"]


# --- render page ----------------------------------------------------------------------

def test_render_page_is_the_source_pages_member_section(invoke: Run,
                                                        registry_file: Path) -> None:
    """Every line the command prints is on the source page (spacing aside), but for the
    two members whose published text the registry corrects or shortens."""
    result = invoke("render", "page")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    source = {_squash(line) for line in SOURCE_TEXT.splitlines()}
    printed = [line for line in result.stdout.splitlines() if line]
    not_on_page = [line for line in printed if _squash(line) not in source]
    assert [line.split()[0] for line in not_on_page] == ["RMP", "NPCH"]
    assert printed[0] == (
        "ICOR currently consists of 57 active and 2 inactive, therefore 59 Member in total, "
        "present in 45 countries. The active members are distributed among the regions as "
        "follows:")
    assert printed[1:6] == ["Africa      9", "Asia        9", "Australia   1",
                            "Europe     26", "America    12"]
    assert printed[-2:] == ["* = ICOR founding member",
                            "** = currently inactive, are not included in approval process"]
    assert "APTUF  All Pakistan Trade Union Federation  * **" in printed
    assert "ROL  Revolutionary Organization of Labor, USA  *" in printed
    assert "CPK  Communist Party of Kenya" in printed
    assert len(printed) == 1 + 5 + 59 + 2


def test_render_page_groups_members_by_region_in_registry_order(invoke: Run,
                                                                registry_file: Path) -> None:
    out = invoke("render", "page").stdout
    groups = out.split("\n\n")[2:-1]  # sentence, figures, then one block per region
    registry = frozen()
    assert len(groups) == len(registry.regions)
    by_abbreviation = {m.abbreviation: m for m in registry.members.values()}
    for region, block in zip(registry.regions, groups, strict=True):
        for line in block.splitlines():
            abbreviation = next(a for a in sorted(by_abbreviation, key=len, reverse=True)
                                if line.startswith(a + "  "))
            assert by_abbreviation[abbreviation].region == region


def test_render_page_is_deterministic_and_mirrors_the_registry(tmp_path: Path) -> None:
    registry = frozen()
    assert pagemod.page_text(registry) == pagemod.page_text(registry)
    reordered = Registry.from_data(
        {**registry.to_data(),
         "members": dict(reversed(list(registry.to_data()["members"].items())))})
    assert pagemod.page_text(reordered) == pagemod.page_text(registry)


@pytest.mark.parametrize(("code", "text", "says"), [
    ("MA", "Moroccan Marxist-Leninist Proletarian Line", True),
    ("HU", "Organisation of Hungarian Youth Community", True),
    ("PT", "Portuguese Marxist-Leninist Union", True),
    ("LU", "Communist Organization of Luxemburg", True),
    ("CZ", "Communist Party of Czechoslovakia", False),
    ("CD", "Revolutionary Organization of Congo", False),
    ("CY", "Union of Cypriots", False),
    ("US", "Revolutionary Organization of Labor", False),
    ("RU", "Russian Maoist Party", True),
])
def test_the_country_is_appended_only_where_the_name_does_not_say_it(
        code: str, text: str, says: bool) -> None:
    from icor_cli.models import Member

    member = Member(abbreviation="X", name=text, country=code, region="R",
                    status="active", founding=False)
    assert pagemod.says_country(member) is says


def test_stated_mismatch_is_exit_1_and_writes_nothing(invoke: Run, registry_file: Path,
                                                      tmp_path: Path) -> None:
    text = registry_file.read_text(encoding="utf-8")
    registry_file.write_text(text.replace("active = 57", "active = 58", 1), encoding="utf-8")
    target = tmp_path / "page.txt"
    result = invoke("render", "page", "-o", str(target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("icor: error: the stated figures differ from the "
                                    "registry: stated active is 58 but the registry has 57")
    assert "--allow-stated-mismatch" in result.stderr
    assert not target.exists()
    for kind in ("markdown", "html"):
        assert invoke("render", kind).exit_code == 1

    allowed = invoke("render", "page", "--allow-stated-mismatch")
    assert allowed.exit_code == 0
    assert "57 active" in allowed.stdout
    assert allowed.stderr.startswith("icor: warning: the page shows the actual figures")


def test_render_output_file_is_written_atomically(invoke: Run, registry_file: Path,
                                                  tmp_path: Path) -> None:
    target = tmp_path / "out" / "members.html"
    target.parent.mkdir()
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    result = invoke("render", "html", "-o", str(target))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert target.read_text(encoding="utf-8") == invoke("render", "html").stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert sorted(p.name for p in target.parent.iterdir()) == ["members.html"]

    fresh = tmp_path / "out" / "page.md"
    assert invoke("render", "markdown", "-o", str(fresh)).exit_code == 0
    assert fresh.read_text(encoding="utf-8").startswith("## ICOR members\n")


def test_render_output_dash_is_stdout(invoke: Run, registry_file: Path) -> None:
    result = invoke("render", "page", "-o", "-")
    assert result.exit_code == 0
    assert result.stdout == invoke("render", "page").stdout
    assert not (registry_file.parent / "-").exists()


def test_render_output_to_a_directory_is_a_usage_error(invoke: Run,
                                                       registry_file: Path) -> None:
    result = invoke("render", "page", "-o", str(registry_file.parent))
    assert result.exit_code == 2
    assert result.stderr.startswith("icor: error: Invalid value for '--output' / '-o': ")
    assert result.stderr.endswith("is a directory. (see 'icor render page --help')\n")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_render_to_an_unwritable_directory_is_exit_3(invoke: Run, registry_file: Path,
                                                     tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "page.txt").write_text("old", encoding="utf-8")
    locked.chmod(0o500)
    try:
        result = invoke("render", "page", "-o", str(locked / "page.txt"))
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 3
    assert (locked / "page.txt").read_text(encoding="utf-8") == "old"


def test_render_to_a_missing_directory_is_exit_3(invoke: Run, registry_file: Path,
                                                 tmp_path: Path) -> None:
    result = invoke("render", "page", "-o", str(tmp_path / "nowhere" / "page.txt"))
    assert result.exit_code == 3
    assert result.stderr.startswith("icor: error: ")
    assert result.stderr.count("\n") == 1
    assert not (tmp_path / "nowhere").exists()


def test_render_writes_a_write_failure_as_exit_3_leaving_the_file(
        invoke: Run, registry_file: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    target = tmp_path / "page.txt"
    target.write_text("old", encoding="utf-8")

    def full(fd: int, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", full)
    result = invoke("render", "page", "-o", str(target))
    monkeypatch.undo()
    assert result.exit_code == 3
    assert "disk full" in result.stderr
    assert target.read_text(encoding="utf-8") == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.txt", "registry.toml"]


def test_control_characters_in_a_name_cannot_break_a_line() -> None:
    data = frozen().to_data()
    data["members"]["cpk"]["name"] = "Communist\nParty\r* = fake legend"
    registry = Registry.from_data(data)
    lines = pagemod.page_text(registry).splitlines()
    assert any(line.startswith("CPK  Communist Party * = fake legend") for line in lines)
    assert sum(line.startswith("* =") for line in lines) == 1


@pytest.mark.parametrize("args", [["render", "page"], ["render", "html"],
                                  ["audit", str(SOURCE_PAGE)]])
def test_publishing_loads_no_heavy_module(args: list[str]) -> None:
    """Neither Rich, pycountry's database nor the TOML writer; transliteration only."""
    env = {**os.environ, "ICOR_REGISTRY": str(FIXTURE)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "icor_cli", *args],
                          capture_output=True, text=True, env=env, check=False, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = {line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines()
              if line.startswith("import time:")}
    assert loaded & {"rich", "pycountry", "tomli_w", "urllib.request"} == set()


def test_bare_render_prints_its_help_and_exits_2(icor: Run) -> None:
    result = icor("render")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("Usage: icor render [OPTIONS] COMMAND [ARGS]...")
    assert "  page  " in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize(("args", "message"), [
    (["render", "bogus"], "icor: error: No such command 'bogus'. (see 'icor render --help')\n"),
    (["render", "page", "--bogus"],
     "icor: error: No such option: --bogus (see 'icor render page --help')\n"),
    (["audit"], "icor: error: Missing argument 'PAGE'. (see 'icor audit --help')\n"),
])
def test_usage_errors_are_one_line_and_exit_2(icor: Run, args: list[str], message: str) -> None:
    result = icor(*args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", message)


# --- render markdown -------------------------------------------------------------------

def test_render_markdown(invoke: Run, registry_file: Path) -> None:
    result = invoke("render", "markdown")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("## ICOR members\n\nICOR currently consists of 57 active")
    assert "| Europe | 26 |" in out
    headings = re.findall(r"^### (.+)$", out, re.MULTILINE)
    assert headings == ["Africa", "Asia", "Australia", "Europe", "America"]
    assert "- **APTUF** All Pakistan Trade Union Federation \\* \\*\\*" in out
    # [Red Wedge] is text, not a link
    assert "“Krasnyj Klin” \\[Red Wedge\\]), Belarus \\*" in out
    assert out.endswith("\\* = ICOR founding member  \n"
                        "\\*\\* = currently inactive, are not included in approval process\n")


def test_markdown_escapes_syntax_in_data() -> None:
    data = frozen().to_data()
    data["members"]["cpk"]["name"] = "<b>Bold</b> _x_ `y` [z](http://e) | a"
    out = pagemod.page_markdown(Registry.from_data(data))
    assert ("\\<b\\>Bold\\</b\\> \\_x\\_ \\`y\\` \\[z\\](http://e) \\| a") in out
    assert "<b>" not in out


# --- audit: the round trips -----------------------------------------------------------

def test_shipped_registry_rendered_page_audits_clean_through_a_pipe() -> None:
    """``icor render page | icor audit -`` on the shipped registry, as a shell runs it."""
    command = " ".join(_icor_command())
    members = len(load(find_registry(str(SHIPPED))).registry.members)
    done = subprocess.run(f"{command} render page | {command} audit -", shell=True,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "ICOR_REGISTRY": str(SHIPPED)})
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert done.stdout == (f"<stdin>: {members} lines in the member list, {members} members "
                           "in the registry: no differences\n")


def test_frozen_registry_rendered_page_audits_clean(invoke: Run, registry_file: Path) -> None:
    page = invoke("render", "page").stdout
    result = invoke("audit", "-", input=page)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == ("<stdin>: 59 lines in the member list, 59 members in the "
                             "registry: no differences\n")


def test_source_page_gives_exactly_the_two_recorded_corrections(invoke: Run,
                                                               registry_file: Path) -> None:
    result = invoke("audit", str(SOURCE_PAGE), "--format", "json")
    assert result.exit_code == 0, result.stderr
    findings = json.loads(result.stdout)
    assert [(f["member"], f["severity"], f["check"], f["line"]) for f in findings] == [
        ("npch-ml", "note", "correction", 140),
        ("pcp-independiente", "note", "correction", 146),
    ]
    haiti, paraguay = findings
    assert "'Nouveau Parti Communiste Haϊtien (Marxiste-Léniniste)'" in haiti["message"]
    assert "U+03CA GREEK SMALL LETTER IOTA WITH DIALYTIKA" in haiti["message"]
    assert "English name 'Paraguayan\\u00a0 Communist Party (independent)'" in \
        paraguay["message"]
    assert SOURCE_TEXT.splitlines()[139][haiti["column"] - 1] == "ϊ"
    assert SOURCE_TEXT.splitlines()[145][paraguay["column"] - 1] == "\xa0"


def test_source_page_text_format(invoke: Run, registry_file: Path) -> None:
    result = invoke("audit", str(SOURCE_PAGE))
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{SOURCE_PAGE}:140:40: note: npch-ml (NPCH (ML), HT): ")
    assert lines[0].endswith("[correction]")
    assert result.stdout == (f"{SOURCE_PAGE}: 59 lines in the member list, 59 members in "
                             "the registry: no differences, 2 notes\n")


def test_source_page_github_format(invoke: Run, registry_file: Path) -> None:
    result = invoke("audit", str(SOURCE_PAGE), "-f", "github")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("::notice file=")
    assert ",line=140,col=40,title=icor correction::npch-ml" in lines[0]
    assert lines[1].startswith("::notice ")
    assert lines[2].endswith("no differences, 2 notes")


def _modified_source() -> str:
    lines = SOURCE_TEXT.split("\n")
    edits = {
        "RCP\xa0\xa0 Revolutionary Communist Party of Egypt\xa0\xa0": None,  # removed
        # founding mark dropped
        "MLPD\xa0\xa0 Marxistisch-Leninistische Partei Deutschlands (Marxist-Leninist Party "
        "of Germany)\xa0\xa0 *": "MLPD\xa0\xa0 Marxistisch-Leninistische Partei Deutschlands "
        "(Marxist-Leninist Party of Germany)\xa0\xa0",
        # a misspelt name
        "KOE\xa0\xa0 Kommounistikì Orgànosi Ellàdas (Communist Organisation of Greece)\xa0\xa0 *":
        "KOE\xa0\xa0 Kommounistikì Orgànosi Elàdas (Communist Organisation of Greece)\xa0\xa0 *",
    }
    out = []
    for line in lines:
        if line in edits:
            if edits[line] is not None:
                out.append(edits[line] or "")
            continue
        out.append(line)
    text = "\n".join(out)
    assert text.count("Elàdas") == 1 and "Revolutionary Communist Party of Egypt" not in text
    return re.sub(r"(Europe[\xa0 ]+)26", r"\g<1>25", text)  # a changed figure


def test_modified_source_page_gives_exactly_its_four_differences(
        icor: Run, registry_file: Path) -> None:
    result = icor("audit", "-", "--format", "json", input=_modified_source())
    assert result.exit_code == 1
    findings = json.loads(result.stdout)
    errors = _errors(findings)
    summary = [(f["check"], f["member"], f["line"]) for f in errors]
    assert summary == [
        ("figure", None, 31),
        ("mark", "mlpd", 95),  # line numbers of the page without the RCP line
        ("field", "koe", 103),
        ("member", "rcp", None),
    ]
    assert errors[0]["message"] == ("the page states 25 active members in Europe but the "
                                    "registry has 26")
    assert errors[1]["message"] == ("mlpd (MLPD, DE): the page does not mark it as a founding "
                                    "member (*) but the registry has founding = true")
    assert errors[2]["message"] == ("koe (KOE, GR): name on the page is 'Kommounistikì "
                                    "Orgànosi Elàdas'; the registry has 'Kommounistikì "
                                    "Orgànosi Ellàdas'")
    assert errors[3]["message"] == "rcp (RCP, EG) is in the registry but not on the page"
    # The two recorded corrections are still notes, not differences.
    assert [f["member"] for f in findings if f["severity"] == "note"] == [
        "npch-ml", "pcp-independiente"]


def test_audit_survives_spacing_and_line_order(invoke: Run, registry_file: Path,
                                               tmp_path: Path) -> None:
    lines = pagemod.page_text(frozen()).split("\n")
    head, members, tail = lines[:8], lines[8:-3], lines[-3:]
    members = [m for m in members if m]
    members.reverse()
    spaced = [re.sub("  ", "\xa0\xa0\xa0 \xa0", line, count=1) + "\xa0 " for line in members]
    spaced[0] = spaced[0].replace("\xa0\xa0\xa0 \xa0", " ", 1)  # a missing separator
    region_lines = [re.sub(r" +", "\xa0" * 20 + " ", line) for line in head]
    page = tmp_path / "page.txt"
    page.write_text("\n\n".join([*region_lines, *spaced, *tail]), encoding="utf-8")
    result = invoke("audit", str(page), "-f", "json")
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout) == []


def test_audit_reads_html(invoke: Run, registry_file: Path, tmp_path: Path) -> None:
    """The source page as its website serves it: a paragraph per line, &nbsp; entities."""
    from html import escape

    body = "\n".join(f"<p>{escape(line).replace(chr(0xa0), '&nbsp;')}</p>"
                     for line in SOURCE_TEXT.splitlines() if line.strip())
    page = tmp_path / "about.html"
    page.write_text(f"<!DOCTYPE html>\n<html><head><title>About</title><style>p{{}}</style>"
                    f"</head>\n<body>\n<div>\n{body}\n</div></body></html>\n", encoding="utf-8")
    result = invoke("audit", str(page), "-f", "json")
    assert result.exit_code == 0, result.stdout
    findings = json.loads(result.stdout)
    assert [(f["member"], f["severity"]) for f in findings] == [
        ("npch-ml", "note"), ("pcp-independiente", "note")]
    assert findings[0]["line"] == body.split("\n").index(
        next(x for x in body.split("\n") if "NPCH" in x)) + 5


def test_audit_reports_unknown_duplicate_and_changed_members(invoke: Run,
                                                             registry_file: Path,
                                                             tmp_path: Path) -> None:
    text = pagemod.page_text(frozen())
    text = text.replace("CPK  Communist Party of Kenya\n",
                        "CPK  Communist Party of Kenya\nCPK  Communist Party of Kenya\n"
                        "NEW  New Party of Somewhere, France\n")
    text = text.replace("RM  Rode Morgen (Red Dawn), Netherlands  *",
                        "RMX  Rode Morgen (Red Dawn), Belgium  *")
    text = text.replace("TIKB  Türkiye İhtilalci Komünistler Birliği (Union of Revolutionary "
                        "Communists of Turkey)  *",
                        "TIKB  Türkiye İhtilalci Komünistler Birliği  * **")
    page = tmp_path / "page.txt"
    page.write_text(text, encoding="utf-8")
    result = invoke("audit", str(page), "-f", "json")
    assert result.exit_code == 1
    found = sorted((f["check"], f["member"] or "", f["message"].split(": ", 1)[-1])
                    for f in json.loads(result.stdout))
    assert found == sorted([
        ("member", "cpk", "cpk (CPK, KE) is listed twice on the page (first on line 13)"),
        ("member", "", "'NEW  New Party of Somewhere, France'"),
        ("field", "rm", "abbreviation on the page is 'RMX'; the registry has 'RM'"),
        ("field", "rm", "the page gives the country as 'Belgium' but the registry has NL "
                        "(Netherlands)"),
        ("mark", "tikb", "the page marks it as inactive (**) but the registry has status = "
                         "'active'"),
        ("field", "tikb", "the page has no English name; the registry has 'Union of "
                          "Revolutionary Communists of Turkey'"),
    ])


def test_audit_without_a_counts_sentence(registry_file: Path) -> None:
    lines = pagemod.page_text(frozen()).splitlines()[8:]
    result = audit_text(frozen(), "\n".join(lines), "list.txt")
    assert [(f.check, f.message) for f in result.findings] == [
        ("figure", "the page has no counts sentence (\"... consists of N active and N "
                   "inactive ...\"), so its figures cannot be checked")]


def test_audit_reports_every_wrong_figure_of_the_sentence() -> None:
    text = pagemod.page_text(frozen()).replace(
        "57 active and 2 inactive, therefore 59 Member in total, present in 45 countries",
        "56 active and 3 inactive, therefore 60 Members in total, present in 44 countries")
    text = text.replace("Asia        9\n", "")
    found = [f.message for f in audit_text(frozen(), text, "p").findings]
    assert found == [
        "the page states no figure for active members in Asia (the registry has 9)",
        "the page states 56 active members but the registry has 57",
        "the page states 3 inactive members but the registry has 2",
        "the page states 60 members in total but the registry has 59",
        "the page states 44 countries but the registry has 45",
    ]


def test_messages_escape_what_could_start_a_line() -> None:
    assert shown("a\n::error::x\u00a0\u202e") == "'a\\u000a::error::x\\u00a0\\u202e'"
    data = frozen().to_data()
    data["members"]["cpk"]["notes"] = "Name corrected:\n::error file=x::boom"
    data["members"]["cpk"]["name"] = "Communist Party of Kenya"
    registry = Registry.from_data(data)
    text = pagemod.page_text(registry).replace("Communist Party of Kenya",
                                               "Communist Pаrty of Kenya")  # Cyrillic а
    result = audit_text(registry, text, "p")
    assert [f.severity for f in result.findings] == ["note"]
    assert "\n" not in result.findings[0].message
    assert "\\u000a::error" in result.findings[0].message


# --- audit: where the page comes from -------------------------------------------------

def test_audit_cannot_read_registry_and_page_from_stdin(icor: Run) -> None:
    result = icor("-r", "-", "audit", "-", input=FIXTURE.read_text(encoding="utf-8"))
    assert result.exit_code == 2
    assert result.stderr == ("icor: error: the registry and the page cannot both come from "
                             "standard input (-r - and PAGE -); give one of them as a file\n")


def test_audit_with_the_registry_from_stdin(icor: Run) -> None:
    result = icor("-r", "-", "audit", str(SOURCE_PAGE), input=FIXTURE.read_text(encoding="utf-8"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.endswith("no differences, 2 notes\n")


def test_audit_missing_file_is_exit_3(invoke: Run, registry_file: Path) -> None:
    result = invoke("audit", "no-such-page.txt")
    assert result.exit_code == 3
    assert result.stderr == "icor: error: no-such-page.txt: no such file\n"


def test_audit_of_an_unsupported_url_scheme_is_exit_2(invoke: Run, registry_file: Path) -> None:
    result = invoke("audit", "ftp://example.org/page")
    assert result.exit_code == 2


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_audit_of_an_unreachable_url_is_exit_3(icor: Run, registry_file: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}/about"
    result = icor("audit", url)
    assert result.exit_code == 3
    assert result.stderr.startswith(f"icor: error: {url}: cannot fetch: ")
    assert result.stderr.count("\n") == 1


def test_audit_of_a_url_that_never_answers_times_out(icor: Run, registry_file: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/about"
        result = icor("audit", url, env={"ICOR_AUDIT_TIMEOUT": "0.5"})
    assert result.exit_code == 3
    assert url in result.stderr


@pytest.fixture
def web_server(tmp_path: Path) -> Iterator[str]:
    (tmp_path / "site").mkdir()
    shutil.copyfile(SOURCE_PAGE, tmp_path / "site" / "about.txt")
    html = "".join(f"<p>{line}</p>\n" for line in pagemod.page_text(frozen()).splitlines())
    (tmp_path / "site" / "members").write_text(f"<html><body>{html}</body></html>",
                                              encoding="utf-8")

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(tmp_path / "site"), **kwargs)  # type: ignore[arg-type]

        def guess_type(self, path: object) -> str:
            return "text/html" if str(path).endswith("members") else "text/plain"

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_audit_of_a_url(icor: Run, registry_file: Path, web_server: str) -> None:
    result = icor("audit", f"{web_server}/about.txt", "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert [f["member"] for f in json.loads(result.stdout)] == ["npch-ml", "pcp-independiente"]
    assert json.loads(result.stdout)[0]["file"] == f"{web_server}/about.txt"

    html = icor("audit", f"{web_server}/members")
    assert html.exit_code == 0, html.stderr
    assert html.stdout.endswith("no differences\n")

    missing = icor("audit", f"{web_server}/gone")
    assert missing.exit_code == 3
    assert "HTTP 404" in missing.stderr


# --- hypothesis: any valid registry renders to a page that audits clean ---------------

_LETTERS = "ABCDEFGHKLMNOPRSTUVЁБДЖЗИЛПФЦЧШЩЮЯΓΔΘΛΞΠΣΦΨΩ"
_name_letters = ("abcdefghijklmnoprstuvwyzéèàçñöüşğıİłżčř"
                 "абвгдежзийклмнопрстуфхцчшщыэюяαβγδεζηθικλμνξοπρστυφχψω")
_abbreviation = st.lists(
    st.text(alphabet=_LETTERS + "0123456789", min_size=1, max_size=5), min_size=1,
    max_size=2).map(" ".join)
_word = st.text(alphabet=_name_letters, min_size=1, max_size=9)
_punctuated = st.one_of(_word, _word.map(str.title), _word.map(lambda w: f"({w})"),
                        _word.map(lambda w: f"{w}-{w[::-1]}"), st.sampled_from(
                            ["–", "/", "of", "the", "Party", "(Marxist-Leninist)", "„x“",
                             "d´B", "[Red]", "l’I"]))
_name = st.lists(_punctuated, min_size=1, max_size=6).map(" ".join)
_COUNTRIES = ["DE", "TR", "FR", "CZ", "US", "RU", "CD", "CG", "LU", "CY", "PE", "IN", "BG",
              "MA", "HU", "PT", "IS", "JP", "BR", "ZA"]
_REGIONS = ["Africa", "Asia", "Australia", "Europe", "America"]


@st.composite
def registries(draw: st.DrawFn) -> Registry:
    regions = draw(st.lists(st.sampled_from(_REGIONS), min_size=1, max_size=5, unique=True))
    abbreviations = draw(st.lists(_abbreviation, min_size=1, max_size=12,
                                  unique_by=lambda a: a))
    members = {}
    for index, abbreviation in enumerate(abbreviations):
        name = draw(_name)
        name_en = draw(st.one_of(st.none(), st.just(name), _name))
        member: dict[str, object] = {
            "abbreviation": abbreviation, "name": name, "country": draw(
                st.sampled_from(_COUNTRIES)),
            "region": draw(st.sampled_from(regions)),
            "status": draw(st.sampled_from(["active", "inactive"])),
            "founding": draw(st.booleans()),
        }
        if name_en is not None:
            member["name_en"] = name_en
        members[f"m{index}"] = member
    data = {
        "schema_version": 1, "regions": regions,
        "organisation": {"name": "Org", "short_name": draw(st.sampled_from(["ICOR", "XY"])),
                         "founded": "2010-10-06"},
        "stated": {"active": 0, "inactive": 0, "total": 0, "countries": 0},
        "members": members,
    }
    import datetime as dt

    data["organisation"]["founded"] = dt.date(2010, 10, 6)  # type: ignore[index]
    return Registry.from_data(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries())
def test_any_registry_renders_to_a_page_that_audits_clean(registry: Registry) -> None:
    result = audit_text(registry, pagemod.page_text(registry), "page")
    assert result.findings == []
    assert result.on_page == len(registry.members)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries(), st.randoms(use_true_random=False))
def test_any_page_audits_clean_in_any_line_order(registry: Registry, rnd: object) -> None:
    lines = pagemod.page_text(registry).splitlines()
    sentence_and_figures = len(registry.regions) + 2
    head, body, tail = (lines[:sentence_and_figures], lines[sentence_and_figures:-2],
                        lines[-2:])
    body = [line for line in body if line]
    rnd.shuffle(body)  # type: ignore[attr-defined]
    result = audit_text(registry, "\n".join([*head, *body, *tail]), "page")
    assert result.findings == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(registries(), st.data())
def test_a_dropped_member_is_the_only_difference(registry: Registry, data: st.DataObject
                                                 ) -> None:
    member_id = data.draw(st.sampled_from(sorted(registry.members)))
    member = registry.members[member_id]
    lines = pagemod.page_text(registry).splitlines()
    line = pagemod.member_line(member)
    lines.remove(line)
    counts = registry.counts()
    result = audit_text(registry, "\n".join(lines), "page")
    assert [(f.check, f.member) for f in result.findings] == [("member", member_id)], (
        counts, [f.message for f in result.findings])


# --- html -----------------------------------------------------------------------------

def test_render_html_is_self_contained(invoke: Run, registry_file: Path) -> None:
    result = invoke("render", "html")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert "default-src 'none'" in out
    assert not re.search(r"\b(?:src|href)=\"(?!#)", out), "a reference outside the page"
    assert "url(" not in out and "@import" not in out
    assert out.count('class="member m') == 45
    assert out.count('<tr class="member"') == 59
    assert out.count("<tbody>") - 1 == 5  # one per region, and the countries table
    assert "ICOR currently consists of 57 active and 2 inactive" in out
    for code in ("LU", "CY"):
        assert f'data-country="{code}"' in out
    assert out.count('class="marker') >= 2  # Luxembourg and Cyprus are ringed
    assert "<h1>" in out and out.count("<h2") == 3
    assert 'role="img"' in out and "<desc id=\"map-desc\">45 countries with members:" in out
    assert '<div class="filter" id="filter-box" hidden>' in out


def test_rendered_html_audits_clean(invoke: Run, registry_file: Path) -> None:
    """``icor render html | icor audit -``: the page marks its figures and its member list
    (``data-icor``), so the audit reads the table rows as member lines."""
    result = invoke("audit", "-", input=invoke("render", "html").stdout)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ("<stdin>: 59 lines in the member list, 59 members in the "
                             "registry: no differences\n")


def test_edited_html_page_gives_its_differences(invoke: Run, registry_file: Path) -> None:
    html = invoke("render", "html").stdout
    html = html.replace('<td class="n">26</td>', '<td class="n">25</td>', 1)
    html = html.replace("Kommounistikì Orgànosi Ellàdas", "Kommounistikì Orgànosi Elàdas")
    html = re.sub(r'\n<tr class="member" id="m-rcp".*?</tr>', "", html)
    result = invoke("audit", "-", "-f", "json", input=html)
    assert result.exit_code == 1
    found = [(f["check"], f["member"], f["column"]) for f in json.loads(result.stdout)]
    assert found == [("figure", None, None), ("field", "koe", None), ("member", "rcp", None)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.deferred(lambda: registries()))
def test_any_registry_renders_to_html_that_audits_clean(registry: Registry) -> None:
    result = audit_text(registry, page_html(registry), "page.html")
    assert result.findings == []


def test_html_escapes_data() -> None:
    data = frozen().to_data()
    data["members"]["cpk"]["name"] = '<script>alert("x")</script> & "quoted"'
    data["members"]["cpk"]["abbreviation"] = "C<P>K"
    out = page_html(Registry.from_data(data))
    assert "<script>alert" not in out
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot;" in out
    assert "C&lt;P&gt;K" in out


def test_html_search_keys_fold_case_accents_and_script() -> None:
    from icor_cli.publish.html import search_key

    registry = frozen()
    assert " deutschlands " in search_key("mlpd", registry.members["mlpd"])
    key = search_key("bkp", registry.members["bkp"])
    assert "бкп" in key and "bkp" in key
    assert "haitien" in search_key("npch-ml", registry.members["npch-ml"])


def test_render_html_of_an_empty_region_and_an_unmapped_country() -> None:
    data = frozen().to_data()
    data["regions"].append("Antarctica")
    data["members"]["cpk"]["country"] = "AQ"  # no outline in the map data
    out = page_html(Registry.from_data(data))
    assert "Not on the map (no outline in the map data): Antarctica." in out
    assert out.count('class="member m') == 44  # Kenya had only CPK


def test_map_data_records_its_source_and_is_keyed_by_iso_code() -> None:
    from icor_cli.countries import ALPHA_2

    data = world()
    assert data["package"] == "world-atlas"
    assert data["version"] == "2.0.2"
    assert "Natural Earth" in data["source"]
    assert data["generator"] == "tools/gen_worldmap.py"
    assert set(data["countries"]) <= set(ALPHA_2)
    codes = {m.country for m in frozen().members.values()}
    assert codes <= {c for c, shape in data["countries"].items() if shape["d"]}
    width = data["width"]
    for code in ("LU", "CY"):
        x0, y0, x1, y1 = data["countries"][code]["box"]
        assert 0 <= x0 <= x1 <= width and max(x1 - x0, y1 - y0) < 60  # small: ringed


def test_map_generator_cuts_rings_at_the_antimeridian() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_worldmap",
                                                  ROOT / "tools" / "gen_worldmap.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    ring = [(170.0, 60.0), (-170.0, 60.0), (-170.0, 70.0), (170.0, 70.0), (170.0, 60.0)]
    assert gen.crosses_antimeridian(ring)
    pieces = gen.split_at_antimeridian(ring)
    assert len(pieces) == 2
    for piece in pieces:
        longitudes = {round(lon) for lon, _ in piece}
        assert longitudes in ({170, 180}, {-180, -170})
    assert gen.simplify([(0.0, 0.0), (1.0, 0.01), (2.0, 0.0)], 0.1) == [(0.0, 0.0), (2.0, 0.0)]
    topology = {
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]],
        "objects": {"countries": {"geometries": [
            {"type": "Polygon", "arcs": [[0]], "id": "442", "properties": {"name": "L"}},
        ]}},
    }
    out = gen.generate(topology, "0")
    assert list(out["countries"]) == ["LU"]
    assert out["countries"]["LU"]["d"].startswith("M0 ")


def test_map_generator_writes_the_same_bytes_and_records_its_input(tmp_path: Path) -> None:
    import hashlib
    import importlib.util

    spec = importlib.util.spec_from_file_location("gen_worldmap",
                                                  ROOT / "tools" / "gen_worldmap.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.01, 0.01], "translate": [-180, -90]},
        "arcs": [[[100, 9000], [3000, 0], [0, 3000], [-3000, 0], [0, -3000]],
                 [[35000, 12000], [2, 0], [0, 2], [-2, 0], [0, -2]]],
        "objects": {"countries": {"geometries": [
            {"type": "Polygon", "arcs": [[0]], "id": "076", "properties": {"name": "B"}},
            {"type": "Polygon", "arcs": [[1]], "id": "492", "properties": {"name": "M"}},
        ]}},
    }
    source = tmp_path / "countries.json"
    source.write_text(json.dumps(topology), encoding="utf-8")
    outputs = []
    for name in ("a.json", "b.json"):
        assert gen.main(["--topojson", str(source), "--version", "9.9.9",
                         "--out", str(tmp_path / name)]) == 0
        outputs.append((tmp_path / name).read_bytes())
    assert outputs[0] == outputs[1]
    data = json.loads(outputs[0])
    assert data["input_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert data["version"] == "9.9.9"
    assert data["countries"]["BR"]["d"]
    assert data["countries"]["MC"]["d"] == ""  # too small to draw: a place for a dot
