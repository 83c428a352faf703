"""``icor search``: every matching rule, the ranking, formats, filters, and properties."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_list import TERMINAL, check_golden, plain

from icor_cli.models import Registry
from icor_cli.search import MATCH_KINDS, search_members
from icor_cli.store import RegistrySource, load

Run = Callable[..., Result]


def hits(invoke: Run, *args: str) -> list[dict[str, Any]]:
    result = invoke("search", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    records: list[dict[str, Any]] = json.loads(result.stdout)
    return records


def found(invoke: Run, *args: str) -> list[str]:
    return [record["id"] for record in hits(invoke, *args)]


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load(RegistrySource(FIXTURE, "registry.toml")).registry


# --- Rules -------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["MLPD", "mlpd", "Mlpd", "m.l.p.d", "M L P D"])
def test_exact_abbreviation_any_case_or_punctuation(invoke: Run, registry_file: Path,
                                                     query: str) -> None:
    first = hits(invoke, query)[0]
    assert (first["id"], first["match"]) == ("mlpd", "exact")


def test_exact_id(invoke: Run, registry_file: Path) -> None:
    first = hits(invoke, "cpa-ml")[0]
    assert first["id"] == "cpa-ml" and first["match"] == "exact"


@pytest.mark.parametrize("query", ["bkp", "BKP", "B.K.P."])
def test_latin_transliteration_finds_cyrillic_abbreviation(
    invoke: Run, registry_file: Path, query: str
) -> None:
    first = hits(invoke, query)[0]
    assert first["id"] == "bkp"
    assert first["abbreviation"] == "БКП"
    assert first["match"] == "exact"


@pytest.mark.parametrize("query", ["maoistskaya", "rossiyskaya maoistskaya", "Rossijskaya"])
def test_latin_finds_cyrillic_name(invoke: Run, registry_file: Path, query: str) -> None:
    # Российская маоистская партия; "Rossijskaya" (its published spelling) is one edit away
    first = hits(invoke, query)[0]
    assert first["id"] == "rmp"
    assert first["name"] == "Российская маоистская партия"


@pytest.mark.parametrize("query", ["blgarska", "balgarska", "bulgarska"])
def test_cyrillic_hard_sign_does_not_split_a_word(invoke: Run, registry_file: Path,
                                                  query: str) -> None:
    # Българска: the hard sign is left out when folding ("blgarska"), not made a word break
    assert found(invoke, query)[:2] == ["bkp", "brp-k"]


def test_cyrillic_query_finds_latin_names(invoke: Run, registry_file: Path) -> None:
    ids = found(invoke, "Коммунистише")  # transliterates to kommunistishe: one typo away
    assert "kol" in ids
    assert found(invoke, "Коммунист")[0] == "kol"  # Kommunistische Organisation Luxemburg


@pytest.mark.parametrize(
    ("query", "member"),
    [("revolutionnaire", "orc"),        # Révolutionnaire
     ("haitien", "npch-ml"),            # Haïtien
     ("timon", None),                   # Timón
     ("KOMUNIST PARTISI", "tkp-ml"),    # Komünist Partisi
     ("Ifjusag", None)],                # Ifjúság
)
def test_accents_ignored(invoke: Run, registry_file: Path, query: str, member: str | None) -> None:
    records = hits(invoke, query)
    assert records, query
    if member:
        assert records[0]["id"] == member


DOTLESS_I = "\u0131"


@pytest.mark.parametrize(
    "query",
    ["ihtilalci", "İHTİLALCİ", f"{DOTLESS_I}ht{DOTLESS_I}lalc{DOTLESS_I}", "IHTILALCI",
     "İhtilalci"],
)
def test_turkish_dotted_and_dotless_i(invoke: Run, registry_file: Path, query: str) -> None:
    assert found(invoke, query) == ["tikb"]


@pytest.mark.parametrize("query", ["bp nk t", "BP-NK-T", "bpnkt", "(BP) NK/T"])
def test_punctuation_and_spacing_ignored(invoke: Run, registry_file: Path, query: str) -> None:
    first = hits(invoke, query)[0]
    assert (first["id"], first["match"]) == ("bp-nk-t", "exact")


def test_punctuation_in_names(invoke: Run, registry_file: Path) -> None:
    assert "mlpd" in found(invoke, "marxistisch leninistische")
    assert "mlpd" in found(invoke, "Marxistisch-Leninistische")


@pytest.mark.parametrize(
    ("query", "member"),
    [("marxsit", "cpa-ml"),      # swapped letters
     ("Kenia", "cpk"),           # one letter wrong (Kenya)
     ("Bangladsh", "spb"),       # one letter missing
     ("Luxembourgg", "kol")],    # one letter too many
)
def test_one_typo_tolerated(invoke: Run, registry_file: Path, query: str, member: str) -> None:
    records = hits(invoke, query)
    by_id = {r["id"]: r for r in records}
    assert member in by_id
    assert by_id[member]["match"] == "fuzzy"


def test_two_typos_are_not_a_match(invoke: Run, registry_file: Path) -> None:
    assert found(invoke, "Kanea") == []


def test_country_code_and_names(invoke: Run, registry_file: Path) -> None:
    turkish = {"bp-nk-t", "mlkp", "sgb", "tikb", "tkp-ml"}
    for query in ("Turkey", "Türkiye", "turkiye"):
        assert turkish <= set(found(invoke, query))
    first = hits(invoke, "tr")[:5]
    assert {r["id"] for r in first} == turkish
    assert {r["matched"] for r in first} == {"country"}
    ivory = hits(invoke, "ivory coast")
    assert ivory[0]["id"] == "pcpci" and ivory[0]["matched"] == "country_name"


def test_words_spread_over_fields(invoke: Run, registry_file: Path) -> None:
    records = hits(invoke, "bkp bulgarian")
    assert records[0]["id"] == "bkp"
    assert records[0]["matched"] == "abbreviation+name_en"
    assert records[0]["match"] == "substring"
    assert hits(invoke, "maoist russia")[0]["id"] == "rmp"


def test_ranking_exact_prefix_word_substring_fuzzy(invoke: Run, registry_file: Path) -> None:
    records = hits(invoke, "communist")
    tiers = [MATCH_KINDS.index(r["match"]) for r in records]
    assert tiers == sorted(tiers)
    assert {"prefix", "word"} <= {r["match"] for r in records}
    assert hits(invoke, "CPK")[0]["id"] == "cpk"
    # a prefix of the name ranks above the same word later in a name
    marx = hits(invoke, "marxist")
    assert marx[0]["match"] == "prefix"
    assert "word" in {r["match"] for r in marx}


def test_matched_field_in_every_format(invoke: Run, icor: Run, registry_file: Path) -> None:
    first = hits(invoke, "bkp")[0]
    assert first["matched"] in ("id", "abbreviation")
    tsv = list(csv.DictReader(io.StringIO(icor("search", "bkp").stdout), delimiter="\t"))
    assert tsv[0]["matched"] and tsv[0]["match"] == "exact"
    rows = list(csv.DictReader(io.StringIO(icor("search", "bkp", "-f", "csv").stdout)))
    assert rows[0]["id"] == "bkp"
    lines = icor("search", "marxist", "-f", "jsonl").stdout.splitlines()
    assert all({"matched", "match", "id"} <= set(json.loads(line)) for line in lines)


def test_filters_apply(invoke: Run, registry_file: Path) -> None:
    everywhere = found(invoke, "partido")
    in_peru = found(invoke, "partido", "--country", "Peru")
    assert in_peru and set(in_peru) < set(everywhere)
    assert all(r["region"] == "Asia" for r in hits(invoke, "party", "--region", "asia"))
    assert all(r["status"] == "inactive" for r in hits(invoke, "a", "--status", "inactive"))


def test_limit(invoke: Run, registry_file: Path) -> None:
    assert len(found(invoke, "communist", "--limit", "3")) == 3


def test_no_match_is_empty(invoke: Run, icor: Run, registry_file: Path) -> None:
    assert found(invoke, "zzzzqqqq") == []
    result = icor("search", "zzzzqqqq")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].startswith("id\t")
    assert len(result.stdout.splitlines()) == 1


@pytest.mark.parametrize("query", ["", "   ", "!!!", "\u2013"])
def test_empty_queries_match_nothing(invoke: Run, registry_file: Path, query: str) -> None:
    assert found(invoke, query) == []


def test_unknown_region_exits_2(icor: Run, registry_file: Path) -> None:
    result = icor("search", "party", "--region", "Atlantis")
    assert result.exit_code == 2 and result.stdout == ""


def test_table_golden(icor: Run, registry_file: Path) -> None:
    result = icor("search", "komunist", env=TERMINAL)
    assert result.exit_code == 0
    check_golden("search-komunist.txt", plain(result.stdout))
    narrow = icor("search", "bkp", env={**TERMINAL, "COLUMNS": "40"})
    check_golden("search-bkp-40.txt", plain(narrow.stdout))


def test_table_prints_markup_literally(icor: Run, registry_file: Path) -> None:
    result = icor("search", "red wedge", env={**TERMINAL, "COLUMNS": "200"})
    assert "[Red Wedge]" in plain(result.stdout)


# --- Properties --------------------------------------------------------------------------

@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=st.text(max_size=30))
def test_arbitrary_queries_never_crash(registry: Registry, query: str) -> None:
    results = search_members(query, registry.members.items())
    ids = [hit.member_id for hit in results]
    assert len(ids) == len(set(ids))
    assert set(ids) <= set(registry.members)
    keys = [hit.sort_key() for hit in results]
    assert keys == sorted(keys)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_exact_abbreviation_ranks_first(registry: Registry, data: st.DataObject) -> None:
    member_id = data.draw(st.sampled_from(sorted(registry.members)))
    abbreviation = registry.members[member_id].abbreviation
    first = search_members(abbreviation, registry.members.items())[0]
    assert first.member_id == member_id
    assert first.match == "exact"
    # the id too, and either in another case
    assert search_members(member_id, registry.members.items())[0].member_id == member_id
    assert search_members(member_id.upper(), registry.members.items())[0].member_id == member_id


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_any_word_of_a_name_finds_its_member(registry: Registry, data: st.DataObject) -> None:
    member_id = data.draw(st.sampled_from(sorted(registry.members)))
    words = re.findall(r"\w+", registry.members[member_id].name)
    word = data.draw(st.sampled_from(words))
    assert member_id in {hit.member_id for hit in search_members(word, registry.members.items())}


def test_search_is_linear(registry: Registry) -> None:
    """Many members: one pass, no pairwise work (a generous bound, not a benchmark)."""
    import time

    many = [(f"{i}-{mid}", member) for i in range(200) for mid, member in registry.members.items()]
    start = time.perf_counter()
    results = search_members("marxist", many)
    elapsed = time.perf_counter() - start
    assert len(results) == 200 * len(search_members("marxist", registry.members.items()))
    assert elapsed < 10


def test_one_letter_words_must_start_a_word(icor: Run) -> None:
    result = icor("-r", str(FIXTURE), "search", "m.l.p.d", "--format", "json")
    hits = json.loads(result.stdout)
    assert hits[0]["id"] == "mlpd" and hits[0]["match"] == "exact"
    # Every other hit has a word starting with each of m, l, p and d somewhere.
    assert 1 < len(hits) <= 8
