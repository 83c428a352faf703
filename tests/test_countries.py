"""The country table kept in the package equals pycountry's ISO 3166-1 data."""

from __future__ import annotations

import pycountry
import pytest

from icor_cli.countries import ALPHA_2, NAMES, all_country_names, country_code, country_name


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
