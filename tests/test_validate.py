"""``icor validate``: every check with a failing fixture, at the line it names."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import FIXTURE, Result

Run = Callable[..., Result]

SMALL = """\
schema_version = 1
regions = [
    "Europe",
    "Asia",
]

[organisation]
name = "International Coordination of Revolutionary Parties and Organizations"
short_name = "ICOR"
founded = 2010-10-06

[stated]
active = 2
inactive = 1
total = 3
countries = 3

[stated.active_by_region]
Europe = 1
Asia = 1

[members.mlpd]
abbreviation = "MLPD"
name = "Marxistisch-Leninistische Partei Deutschlands"
name_en = "Marxist-Leninist Party of Germany"
country = "DE"
region = "Europe"
status = "active"
founding = true

[members.bkp]
abbreviation = "БКП"
name = "Българска Комунистическа Партия"
country = "BG"
region = "Europe"
status = "inactive"
founding = false
deactivated = 2020-01-01

[members.spb]
abbreviation = "SPB"
name = "Socialist Party of Bangladesh"
country = "BD"
region = "Asia"
status = "active"
founding = false
"""
# SMALL is valid but not canonical (members not sorted by id); tests that want a clean
# run use `canonical()`.

SYNC = "; run 'icor stated sync' once the published figures match"


def canonical(text: str = SMALL) -> str:
    import tomllib

    from icor_cli.models import Registry
    from icor_cli.store import dump

    return dump(Registry.from_data(tomllib.loads(text)))


def line_of(text: str, needle: str, nth: int = 1) -> int:
    """1-based number of the line holding the nth occurrence of needle."""
    index = -1
    for _ in range(nth):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "registry.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def findings(invoke: Run, path: Path, *extra: str) -> tuple[Result, list[dict[str, object]]]:
    result = invoke("-r", str(path), "validate", "--format", "json", *extra)
    return result, json.loads(result.stdout)


# --- the shipped registry ---------------------------------------------------------


def test_shipped_registry_is_clean_under_strict(icor: Run, tmp_path: Path) -> None:
    result = icor("-r", str(FIXTURE), "validate", "--strict", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip().endswith(
        "59 members (57 active, 2 inactive) in 45 countries: no problems")


@pytest.mark.parametrize("member", ["mlpd", "aptuf", "cpa-ml"])
def test_status_change_names_the_figures_that_no_longer_match(
    invoke: Run, tmp_path: Path, member: str
) -> None:
    text = FIXTURE.read_text("utf-8")
    start = text.index(f"[members.{member}]")
    end = text.index("\n\n", start)
    block = text[start:end]
    flipped = (block.replace('status = "active"', 'status = "inactive"')
               if '"active"' in block else block.replace('status = "inactive"',
                                                         'status = "active"'))
    path = write(tmp_path, text[:start] + flipped + text[end:])
    result, found = findings(invoke, path)
    assert result.exit_code == 1
    # every counts finding ends with the fix
    assert all(str(f["message"]).endswith(SYNC) for f in found)
    messages = {str(f["message"]).removesuffix(SYNC) for f in found}
    region = {"mlpd": "Europe", "aptuf": "Asia", "cpa-ml": "Australia"}[member]
    if member == "aptuf":  # reactivated: one more active
        assert messages == {
            "stated active is 57 but the registry has 58 active members",
            "stated inactive is 2 but the registry has 1 inactive members",
            f"stated active in {region} is 9 but the registry has 10 active members in Asia",
        }
    else:
        assert "stated active is 57 but the registry has 56 active members" in messages
        assert "stated inactive is 2 but the registry has 3 inactive members" in messages
        assert any(m.startswith(f"stated active in {region} is ") for m in messages)
        assert len(messages) == 3
    assert all(f["check"] == "counts" for f in found)
    lines = {str(f["message"]).split(" is ")[0]: f["line"] for f in found}
    assert lines["stated active"] == line_of(text, "\nactive = 57") + 1


def test_text_format_puts_findings_on_stderr_and_summary_on_stdout(
    icor: Run, tmp_path: Path
) -> None:
    path = write(tmp_path, canonical().replace("active = 2\n", "active = 5\n"))
    result = icor("-r", str(path), "validate", cwd=tmp_path)
    assert result.exit_code == 1
    want = line_of(path.read_text(), "active = 5")
    assert result.stderr == (f"registry.toml:{want}:1: error: stated active is 5 but the "
                             "registry has 2 active members; run 'icor stated sync' once the "
                             "published figures match [counts]\n")
    assert result.stdout == ("registry.toml: 3 members (2 active, 1 inactive) in 3 "
                             "countries: 1 error, 0 warnings\n")
    assert "\x1b[" not in result.stdout + result.stderr


# --- syntax ------------------------------------------------------------------------


def test_toml_syntax_error_has_line_and_column(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace('short_name = "ICOR"', "short_name = ICOR")
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert found == [{
        "check": "syntax", "severity": "error", "file": str(tmp_path / "registry.toml"),
        "line": line_of(text, "short_name"), "column": 14, "member": None,
        "message": "TOML syntax: Invalid value",
    }]


def test_duplicate_key_is_a_syntax_error(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace('short_name = "ICOR"\n', 'short_name = "ICOR"\nname = "x"\n')
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert found[0]["line"] == line_of(text, 'name = "x"')
    assert "Cannot overwrite" in str(found[0]["message"])


def test_byte_order_mark(invoke: Run, tmp_path: Path) -> None:
    result, found = findings(invoke, write(tmp_path, b"\xef\xbb\xbf" + canonical().encode()))
    assert result.exit_code == 1
    assert (found[0]["line"], found[0]["column"]) == (1, 1)
    assert "byte-order mark" in str(found[0]["message"])


def test_invalid_utf8_names_line_and_column(invoke: Run, tmp_path: Path) -> None:
    raw = canonical().encode().replace(b'"ICOR"', b'"IC\xffOR"')
    result, found = findings(invoke, write(tmp_path, raw))
    assert result.exit_code == 1
    text = canonical()
    assert (found[0]["line"], found[0]["column"]) == (line_of(text, "short_name"), 17)
    assert "invalid UTF-8 (byte 0xff)" in str(found[0]["message"])


def test_excessive_nesting(invoke: Run, tmp_path: Path) -> None:
    text = canonical() + "\n[extra]\nx = " + "[" * 2000 + "]" * 2000 + "\n"
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert found[0]["check"] == "syntax"
    assert found[0]["line"] == line_of(text, "x = [")
    assert "nested more than 300 levels deep" in str(found[0]["message"])


def test_a_member_failing_the_schema_hides_no_other_problem(invoke: Run,
                                                            tmp_path: Path) -> None:
    """The members that pass the schema still get every other check; counts and the
    canonical form wait, as they need every member."""
    text = (canonical()
            .replace('country = "BG"', 'country = "XX"')  # schema, on bkp
            .replace('abbreviation = "SPB"', 'abbreviation = "MLPD"')  # uniqueness
            .replace('"Marxistisch-Leninistische', '"Marxistisch-Leninistische ')  # hygiene
            .replace("active = 2", "active = 5"))  # counts: not judged yet
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    checks = [str(f["check"]) for f in found]
    assert checks.count("schema") == 1 and found[0]["member"] == "bkp"
    assert "uniqueness" in checks and "hygiene" in checks
    assert not {"counts", "regions", "format"} & set(checks)


def test_a_problem_outside_the_members_stops_the_other_checks(invoke: Run,
                                                               tmp_path: Path) -> None:
    text = canonical().replace("active = 2", 'active = "two"').replace(
        'abbreviation = "SPB"', 'abbreviation = "MLPD"')
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert [f["check"] for f in found] == ["schema"]


# --- schema ------------------------------------------------------------------------


def test_every_schema_problem_is_reported_at_its_key(invoke: Run, tmp_path: Path) -> None:
    text = (canonical()
            .replace('country = "DE"', 'country = "XX"')
            .replace("total = 3", 'total = "3"')
            .replace('region = "Asia"', 'region = "Oceania"')
            .replace('founding = true', 'founding = true\ncolour = "red"'))
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    got = {(f["line"], f["member"], f["message"]) for f in found}
    assert got == {
        (line_of(text, 'total = "3"'), None, "stated.total: Input should be a valid integer "
         "(got str)"),
        (line_of(text, 'country = "XX"'), "mlpd", "members.mlpd.country: 'XX' is not an ISO "
         "3166-1 alpha-2 country code (upper case)"),
        (line_of(text, 'colour = "red"'), "mlpd", "members.mlpd.colour: unknown field "
         "'colour'"),
        (line_of(text, 'region = "Oceania"'), "spb", "members.spb.region: region 'Oceania' is "
         "not declared in regions (Europe, Asia)"),
    }
    assert [f["line"] for f in found] == sorted(f["line"] for f in found)  # type: ignore[type-var]


def test_missing_field_points_at_its_table(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace('name = "Socialist Party of Bangladesh"\n', "")
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert [(f["line"], f["message"]) for f in found] == [
        (line_of(text, "[members.spb]"), "members.spb.name: missing required field 'name'")]


@pytest.mark.parametrize("bad_id", ["MLPD", "-x", "a b", "ü"])
def test_member_id_must_be_a_slug(invoke: Run, tmp_path: Path, bad_id: str) -> None:
    text = canonical().replace("[members.spb]", f'[members."{bad_id}"]')
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert found[0]["line"] == line_of(text, f'[members."{bad_id}"]')
    assert "must be a lowercase slug" in str(found[0]["message"])


@pytest.mark.parametrize(("old", "new", "message"), [
    ('name = "Socialist Party of Bangladesh"', 'name = ""', "must be non-empty text"),
    ('name = "Socialist Party of Bangladesh"', 'name = " Socialist"', "leading or trailing"),
    ("schema_version = 1", "schema_version = 2", "Input should be 1"),
    ('status = "active"', 'status = "actve"', "'active' or 'inactive' (got 'actve')"),
    ("founding = true", 'founding = "yes"', "valid boolean"),
])
def test_field_rules(invoke: Run, tmp_path: Path, old: str, new: str, message: str) -> None:
    text = canonical().replace(old, new, 1)
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert message in str(found[0]["message"])
    assert found[0]["line"] == line_of(text, new)


def test_dates_consistent_with_status(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace('status = "active"\nfounding = true',
                               'status = "active"\nfounding = true\ndeactivated = 2021-02-02')
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert found[0]["line"] == line_of(text, "deactivated = 2021-02-02")
    assert "an active member has no deactivated" in str(found[0]["message"])


def test_deactivated_before_joined(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace("deactivated = 2020-01-01",
                               "joined = 2021-01-01\ndeactivated = 2020-01-01")
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert "before joined" in str(found[0]["message"])
    assert found[0]["line"] == line_of(text, "deactivated = 2020-01-01")


def test_joined_before_the_organisation_existed(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace("deactivated = 2020-01-01",
                               "joined = 2001-01-01\ndeactivated = 2020-01-01")
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert [(f["check"], f["line"]) for f in found] == [
        ("dates", line_of(text, "joined = 2001"))]


# --- uniqueness, countries, regions ---------------------------------------------------


@pytest.mark.parametrize("abbreviation", ["MLPD", "mlpd", "M.L.P.D.", "МЛПД"])
def test_duplicate_abbreviations(invoke: Run, tmp_path: Path, abbreviation: str) -> None:
    text = canonical().replace('abbreviation = "SPB"\nname = "Socialist Party of Bangladesh"\n'
                               'country = "BD"',
                               f'abbreviation = "{abbreviation}"\nname = "Socialist Party of '
                               'Bangladesh"\ncountry = "DE"')
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    dup = [f for f in found if f["check"] == "uniqueness"]
    assert len(dup) == 1
    # Members are checked in id order (bkp, mlpd, spb): spb is the second one.
    assert dup[0]["line"] == line_of(text, f'abbreviation = "{abbreviation}"',
                                     nth=2 if abbreviation == "MLPD" else 1)
    assert dup[0]["member"] == "spb"


def test_folded_clash_across_countries_is_allowed(invoke: Run, tmp_path: Path) -> None:
    # As published: PC (ML) of the Dominican Republic and PC/ML of Panama.
    text = canonical().replace('abbreviation = "SPB"', 'abbreviation = "M.L.P.D."')
    _, found = findings(invoke, write(tmp_path, text))
    assert [f for f in found if f["check"] == "uniqueness"] == []


def test_country_split_over_regions_is_a_warning(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace('country = "BD"', 'country = "DE"')
    text = text.replace("countries = 3", "countries = 2")
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 0
    assert [(f["check"], f["severity"], f["line"]) for f in found] == [
        ("countries", "warning", line_of(text, 'region = "Asia"'))]
    assert invoke("-r", str(tmp_path / "registry.toml"), "validate", "--strict").exit_code == 1


def test_region_without_members_and_without_stated_figure(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace('    "Asia",\n', '    "Asia",\n    "Africa",\n')
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 0
    assert {(f["check"], f["message"]) for f in found} == {
        ("regions", "region 'Africa' has no members"),
        ("regions", "no stated figure for region 'Africa'"),
    }


def test_stated_region_must_be_declared(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace("Asia = 1\n", "Asia = 1\nOceania = 0\n")
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert found[0]["line"] == line_of(text, "[stated.active_by_region]")
    assert "'Oceania' is not declared" in str(found[0]["message"])


# --- counts --------------------------------------------------------------------------


def test_each_stated_figure_against_the_actual_one(invoke: Run, tmp_path: Path) -> None:
    text = (canonical().replace("inactive = 1", "inactive = 4")
            .replace("countries = 3", "countries = 7").replace("Asia = 1", "Asia = 0"))
    result, found = findings(invoke, write(tmp_path, text))
    assert result.exit_code == 1
    assert all(str(f["message"]).endswith(SYNC) for f in found)
    assert [(f["line"], str(f["message"]).removesuffix(SYNC)) for f in found] == [
        (line_of(text, "inactive = 4"), "stated inactive is 4 but the registry has 1 "
         "inactive members"),
        (line_of(text, "countries = 7"), "stated countries is 7 but the registry has 3 "
         "countries"),
        (line_of(text, "Asia = 0"), "stated active in Asia is 0 but the registry has 1 active "
         "members in Asia"),
    ]


# --- hygiene ------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "severity", "message"), [
    ("Socialist  Party", "warning", "stray whitespace"),
    ("Socialist\\tParty", "warning", "stray whitespace"),
    ("Socialist\u00a0Party", "warning", "stray whitespace"),
    ("Socialist Party\\u0007", "error", "control or invisible character U+0007"),
    ("Socialist\u200bParty", "error", "invisible character U+200B"),
    ("Socialist\\nParty", "error", "line break"),
    ("Cafe\u0301", "warning", "not in Unicode NFC form"),
    ("Ha\u03catien", "warning", "word 'Haϊtien' mixes scripts"),
    ("Soci\u0430list", "warning", "word 'Sociаlist' mixes scripts"),  # Cyrillic а
])
def test_text_hygiene(invoke: Run, tmp_path: Path, value: str, severity: str,
                      message: str) -> None:
    text = canonical().replace('name = "Socialist Party of Bangladesh"', f'name = "{value}"')
    result, found = findings(invoke, write(tmp_path, text))
    hygiene = [f for f in found if f["check"] == "hygiene"]
    assert len(hygiene) == 1
    assert hygiene[0]["severity"] == severity
    assert message in str(hygiene[0]["message"])
    assert hygiene[0]["line"] == line_of(text, f'name = "{value}"')
    assert hygiene[0]["member"] == "spb"
    assert result.exit_code == (1 if severity == "error" else 0)


def test_notes_may_span_lines(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace('founding = true', 'founding = true\nnotes = "One.\\nTwo."')
    result, found = findings(invoke, write(tmp_path, text))
    assert found == [] and result.exit_code == 0


# --- canonical format --------------------------------------------------------------


def test_non_canonical_file_is_a_warning(invoke: Run, tmp_path: Path) -> None:
    path = write(tmp_path, SMALL)
    result, found = findings(invoke, path)
    assert result.exit_code == 0
    assert [(f["check"], f["severity"]) for f in found] == [("format", "warning")]
    assert found[0]["line"] == line_of(SMALL, "[members.mlpd]")
    assert invoke("-r", str(path), "validate", "--strict").exit_code == 1


def test_comment_makes_a_file_non_canonical(invoke: Run, tmp_path: Path) -> None:
    text = "# maintained by hand\n" + canonical()
    _, found = findings(invoke, write(tmp_path, text))
    assert [(f["check"], f["line"]) for f in found] == [("format", 1)]


# --- output formats -------------------------------------------------------------------


def test_github_format(invoke: Run, tmp_path: Path) -> None:
    text = canonical().replace('country = "DE"', 'country = "XX"')
    path = write(tmp_path, text)
    result = invoke("-r", str(path), "validate", "--format", "github")
    assert result.exit_code == 1
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"::error file={path},line={line_of(text, 'XX')},col=1,")
    assert first.endswith("::members.mlpd.country: 'XX' is not an ISO 3166-1 alpha-2 country "
                          "code (upper case)")


def test_json_format_of_a_clean_file_is_an_empty_list(invoke: Run) -> None:
    result = invoke("-r", str(FIXTURE), "validate", "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == []


def test_relative_file_names_in_findings(icor: Run, tmp_path: Path) -> None:
    sub = tmp_path / "data"
    sub.mkdir()
    write(sub, canonical().replace("total = 3", "total = 9"))
    result = icor("validate", "-f", "json", cwd=sub, env={"ICOR_REGISTRY": None})
    assert json.loads(result.stdout)[0]["file"] == "registry.toml"
    deeper = sub / "x" / "y"
    deeper.mkdir(parents=True)
    result = icor("validate", "-f", "json", cwd=deeper, env={"ICOR_REGISTRY": None})
    assert json.loads(result.stdout)[0]["file"] == str(sub / "registry.toml")
