"""The country table kept in the package equals pycountry's ISO 3166-1 data."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pycountry
import pytest
from conftest import Result

from icor_cli.countries import (
    ALPHA_2,
    all_country_names,
    country_code,
    country_name,
    resolve_country,
)
from icor_cli.country_table import NAMES
from icor_cli.errors import UsageError

Run = Callable[..., Result]


def test_table_is_pycountrys() -> None:
    expected = {
        c.alpha_2: tuple(getattr(c, a, None) or "" for a in ("name", "common_name",
                                                             "official_name"))
        for c in pycountry.countries
    }
    assert expected == NAMES
    assert frozenset(expected) == ALPHA_2


@pytest.mark.parametrize(("text", "code"), [
    ("TR", "TR"), ("tr", "TR"), ("Turkey", "TR"), ("Türkiye", "TR"), ("turkiye", "TR"),
    ("Ivory Coast", "CI"), ("Côte d'Ivoire", "CI"), ("USA", "US"), ("United States", "US"),
    ("Czech Republic", "CZ"), ("Czechia", "CZ"), ("Iran", "IR"), ("Russia", "RU"),
    ("Democratic Republic of the Congo", "CD"), ("Korea, Republic of", "KR"),
    ("  germany ", "DE"), ("Atlantis", None), ("XX", None), ("", None),
])
def test_country_code(text: str, code: str | None) -> None:
    assert country_code(text) == code


def test_display_names() -> None:
    assert [country_name(c) for c in ("DE", "CD", "IR", "TR", "ZZ")] == [
        "Germany", "DR Congo", "Iran", "Türkiye", "ZZ"]
    assert "Turkey".casefold() in [n.casefold() for n in all_country_names("TR")]


@pytest.mark.generated
def test_generated_table_is_current() -> None:
    """icor_cli/country_table.py is what tools/gen_countries.py makes from the installed
    pycountry and Babel: regenerate it with `python tools/gen_countries.py`."""
    import importlib.util

    from conftest import ROOT

    spec = importlib.util.spec_from_file_location("gen_countries",
                                                  ROOT / "tools" / "gen_countries.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    current = (ROOT / "icor_cli" / "country_table.py").read_text(encoding="utf-8")
    assert generator.render() == current


@pytest.mark.parametrize(("text", "code"), [
    ("DEU", "DE"), ("tur", "TR"), ("COD", "CD"),  # alpha-3
    ("Deutschland", "DE"), ("España", "ES"), ("espana", "ES"), ("Россия", "RU"),
    ("Türkiye", "TR"), ("Česko", "CZ"), ("Nederland", "NL"), ("Ελλάδα", "GR"),
    ("Federal Republic of Germany", "DE"),  # official name
    ("DR Congo", "CD"), ("Congo - Kinshasa", "CD"), ("Congo-Brazzaville", "CG"),
    ("République démocratique du Congo", "CD"),
])
def test_codes_english_and_own_names(text: str, code: str) -> None:
    assert resolve_country(text) == code


@pytest.mark.parametrize(("text", "listed"), [
    ("Congo", ["CD", "CG"]), ("korea", ["KP", "KR"]), ("Virgin Islands", ["VG", "VI"]),
])
def test_ambiguous_names_list_every_country(text: str, listed: list[str]) -> None:
    with pytest.raises(UsageError) as raised:
        resolve_country(text)
    message = str(raised.value)
    assert "ambiguous" in message
    assert all(f"({code})" in message for code in listed)


def test_unknown_names_get_suggestions_never_a_guess() -> None:
    with pytest.raises(UsageError, match=r"did you mean Germany \(DE\)\?"):
        resolve_country("Germny")
    with pytest.raises(UsageError, match="unknown country 'Kurdistan'; did you mean") as raised:
        resolve_country("Kurdistan")
    assert "(" in str(raised.value)
    assert country_code("Bavaria") is None  # a region of a country is not the country


@pytest.mark.parametrize(("args", "message"), [
    (["list", "--country", "Congo"], "ambiguous: it names DR Congo (CD), Congo (CG)"),
    (["add", "-a", "X", "-n", "X", "-c", "Congo"], "ambiguous"),
    (["list", "--country", "Kurdistan"], "unknown country 'Kurdistan'; did you mean"),
    (["stats", "--country", "Germny"], "did you mean Germany (DE)?"),
])
def test_the_cli_exits_2(icor: Run, registry_file: Path, args: list[str], message: str) -> None:
    before = registry_file.read_bytes()
    result = icor(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert registry_file.read_bytes() == before


def test_filters_accept_own_names_and_alpha_3(icor: Run, registry_file: Path) -> None:
    by_code = icor("list", "--country", "DE", "-f", "json").stdout
    assert icor("list", "--country", "Deutschland", "-f", "json").stdout == by_code
    assert icor("list", "--country", "DEU", "-f", "json").stdout == by_code


@pytest.mark.parametrize(("reference", "member_id"), [
    ("Rode Morgen", "rm"), ("rode morgen", "rm"), ("Red Dawn", "rm"), ("Rode Mor", "rm"),
    ("mlpd", "mlpd"), ("m.l.p.d.", "mlpd"), ("бкп", "bkp"),
])
def test_members_by_id_abbreviation_or_name(
    icor: Run, registry_file: Path, reference: str, member_id: str
) -> None:
    result = icor("show", reference, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["id"] == member_id


def test_an_ambiguous_name_lists_the_candidates(icor: Run, registry_file: Path) -> None:
    result = icor("show", "Communist Party of")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr and "use the id" in result.stderr
    assert result.stderr.count("(") >= 2
