"""Search on what people type: a table of real queries (several scripts, spellings and
transliterations) and the member each one means, in ``tests/data/search_queries.tsv``;
and the messages when nothing, or not everything, matches."""

from __future__ import annotations

import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, SHIPPED, Result

from icor_cli.fold import fold_variants, fold_words
from icor_cli.models import Registry
from icor_cli.search import find, search_members
from icor_cli.store import RegistrySource, load

Run = Callable[..., Result]
TABLE = ROOT / "tests" / "data" / "search_queries.tsv"


def read_table(path: Path = TABLE) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("query\t"):
            continue
        query, expected, kind = line.split("\t")
        rows.append((query, expected, kind))
    return rows


QUERIES = read_table()


@pytest.fixture(scope="module")
def registry() -> Registry:
    return load(RegistrySource(SHIPPED, "registry.toml")).registry


def test_the_table_is_large_and_varied(registry: Registry) -> None:
    assert len(QUERIES) >= 40
    assert {expected for _, expected, _ in QUERIES} <= set(registry.members)
    scripts = {"Cyrillic": "\u0400", "Greek": "\u0370", "Latin": "a"}
    for name, start in scripts.items():
        low = ord(start)
        assert any(any(low <= ord(c) < low + 0x100 for c in q) for q, _, _ in QUERIES), name


@pytest.mark.parametrize(("query", "expected", "kind"), QUERIES,
                         ids=[q for q, _, _ in QUERIES])
def test_query_finds_its_member(registry: Registry, query: str, expected: str,
                                kind: str) -> None:
    result = find(query, registry.members.items())
    top = [hit.member_id for hit in result.hits[:3]]
    assert expected in top, f"{query!r} ({kind}): first results {top}"


def test_the_installed_command_agrees(icor: Run) -> None:
    """A sample through the console script, as users run it."""
    for query, expected, _ in QUERIES[::8]:
        done = icor("-r", str(SHIPPED), "search", query, "--fields", "id", "--no-header",
                    "-n", "3")
        assert done.exit_code == 0, done.stderr
        assert expected in done.stdout.split(), query


@pytest.mark.parametrize(("a", "b"), [
    ("Rossijskaja", "Rossiyskaya"), ("Kommunistitscheskaja", "Kommunisticheskaya"),
    ("jura", "yura"), ("juzhnyj", "yuzhnyy"), ("Jelzin", "Yelzin"), ("Dmitrij", "Dmitriy"),
    ("Schtschors", "Shchors"), ("Khalq", "Halq"), ("Tsentr", "Centr"), ("Kommuna", "Komuna"),
    ("Marxist", "Marksist"), ("Коммунистическая", "Kommunistitscheskaja"),
])
def test_transliteration_variants_fold_alike(a: str, b: str) -> None:
    assert fold_variants(fold_words(a)) == fold_variants(fold_words(b))


def test_longer_runs_stay_runs(registry: Registry) -> None:
    """Only a doubled letter is a spelling variant: "qqqqq" must not become "q" (which
    is inside "Bloque")."""
    assert fold_variants("qqqq") == "qq"
    assert fold_variants("qqq") == "qq"
    assert search_members("qqqqq", registry.members.items()) == []


def test_three_spellings_of_the_issue(icor: Run) -> None:
    for query, expected in (("Rossijskaja maoistskaja", "rmp"),
                            ("Kommunistitscheskaja", "bkp"),
                            ("Коммунистическая партия", "bkp")):
        done = icor("-r", str(SHIPPED), "search", query, "-f", "json")
        assert json.loads(done.stdout)[0]["id"] == expected, query


def test_most_words_when_none_matches_all(icor: Run) -> None:
    done = icor("-r", str(SHIPPED), "search", "maoist germany", "-f", "json")
    assert done.exit_code == 0
    records = json.loads(done.stdout)
    assert {r["match"] for r in records} == {"partial"}
    assert {"mlpd", "rmp", "pcc-m"} <= {r["id"] for r in records}
    assert done.stderr.startswith("icor: no member matches all words; closest: ")
    assert "mlpd (MLPD, DE)" in done.stderr
    assert done.stderr.count("\n") == 1


def test_partial_ranks_members_matching_more_words_first(registry: Registry) -> None:
    result = find("bulgarian workers zzzzqqq", registry.members.items())
    assert not result.complete
    assert result.hits[0].member_id == "brp-k"  # two of three words
    assert result.hits[0].exactness == 1
    assert all(hit.exactness >= 1 for hit in result.hits)


def test_nothing_found_names_the_closest_and_exits_0(icor: Run) -> None:
    done = icor("-r", str(SHIPPED), "search", "Bolshewiki")
    assert done.exit_code == 0
    assert done.stdout.splitlines() == [done.stdout.splitlines()[0]]  # the header only
    assert done.stderr.startswith("icor: no member matches 'Bolshewiki'; closest: ")
    assert "bp-nk-t (BP (NK-T), TR)" in done.stderr


def test_exit_status_makes_nothing_found_exit_1(icor: Run) -> None:
    done = icor("-r", str(SHIPPED), "search", "qqqqq", "--exit-status", "-f", "json")
    assert (done.exit_code, done.stdout) == (1, "[]\n")
    assert done.stderr == "icor: no member matches 'qqqqq'\n"
    found = icor("-r", str(SHIPPED), "search", "mlpd", "--exit-status")
    assert found.exit_code == 0


def test_message_escapes_the_query(icor: Run) -> None:
    done = icor("-r", str(SHIPPED), "search", "qqqq\n::qqqq::\x1b[31m")
    assert done.stderr == "icor: no member matches 'qqqq\\n::qqqq::\\x1b[31m'\n"


def test_a_huge_query_stays_cheap(registry: Registry) -> None:
    """10,000 letters, as one word and as many: no blow-up in time or memory."""
    members = list(registry.members.items())
    for query in ("a" * 10_000, "abcdefghij" * 1_000, " ".join(["marxist"] * 2_000),
                  " ".join(f"w{i}x" for i in range(2_500)), "марксист" * 1_250):
        tracemalloc.start()
        start = time.perf_counter()
        find(query, members)
        elapsed = time.perf_counter() - start
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < 3, (query[:20], elapsed)
        assert peak < 50_000_000, (query[:20], peak)


def test_search_stays_linear_in_members(registry: Registry) -> None:
    members = list(registry.members.items())

    def timed(copies: int, query: str) -> float:
        many = [(f"{i}-{mid}", m) for i in range(copies) for mid, m in members]
        start = time.perf_counter()
        find(query, many)
        return time.perf_counter() - start

    for query in ("revolutionary", "zzzz qqqq", "Kommunistitscheskaja"):
        small, large = timed(20, query), timed(200, query)
        assert large < 10 * small * 2.5 + 0.5, (query, small, large)


# --- Properties --------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

#: Ways people respell a transliterated word, each the inverse of a folding rule.
_RESPELL = (("y", "j"), ("ch", "tsch"), ("sh", "sch"), ("h", "kh"), ("ks", "x"))


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_respelled_word_of_a_name_still_finds_its_member(registry: Registry,
                                                           data: st.DataObject) -> None:
    """Take a word of a member's name as search folds it, respell it (j for y, tsch for
    ch, a doubled letter...): the member is still found."""
    member_id = data.draw(st.sampled_from(sorted(registry.members)))
    words = [w for w in fold_variants(fold_words(registry.members[member_id].name)).split()
             if len(w) >= 3]
    if not words:
        return
    word = data.draw(st.sampled_from(words))
    # One respelling (people do not respell the letters of another respelling).
    applicable = [rule for rule in _RESPELL if rule[0] in word]
    respell: bool = data.draw(st.booleans())
    if applicable and respell:
        plain, variant = data.draw(st.sampled_from(applicable))
        word = word.replace(plain, variant, 1)
    if data.draw(st.booleans()):
        at = data.draw(st.integers(0, len(word) - 1))
        # A doubled x is no spelling anyone uses (x is itself a variant of ks).
        if word[at].isalpha() and word[at] != "x" and word[at:at + 1] * 2 not in word:
            word = word[:at] + word[at] + word[at:]
    assert member_id in {hit.member_id for hit in find(word, registry.members.items()).hits}


@given(st.text(max_size=60))
def test_folding_variants_keeps_words_apart(text: str) -> None:
    folded = fold_words(text)
    assert len(fold_variants(folded).split()) == len(folded.split())
