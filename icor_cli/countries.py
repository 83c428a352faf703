"""ISO 3166-1 country codes and names.

The code set is kept here as a literal so that validating a registry never imports the
pycountry database (tens of milliseconds at start-up); a test keeps it equal to pycountry's.
Names, which only filters and tables need, come from pycountry on first use.
"""

from __future__ import annotations

from functools import cache

ALPHA_2: frozenset[str] = frozenset(
    (
    "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX",
    "AZ", "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ",
    "BR", "BS", "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK",
    "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM",
    "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR",
    "GA", "GB", "GD", "GE", "GF", "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS",
    "GT", "GU", "GW", "GY", "HK", "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN",
    "IO", "IQ", "IR", "IS", "IT", "JE", "JM", "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN",
    "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
    "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ",
    "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI",
    "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG", "PH", "PK", "PL", "PM",
    "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW", "SA", "SB", "SC",
    "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS", "ST", "SV",
    "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO", "TR",
    "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
    "VN", "VU", "WF", "WS", "YE", "YT", "ZA", "ZM", "ZW"
    )
)

# Everyday names people type that pycountry does not list as a name of the country.
_ALIASES: dict[str, str] = {
    "usa": "US",
    "us": "US",
    "america": "US",
    "united states of america": "US",
    "uk": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    "czech republic": "CZ",
    "czechia": "CZ",
    "turkey": "TR",
    "turkiye": "TR",
    "russia": "RU",
    "iran": "IR",
    "dr congo": "CD",
    "drc": "CD",
    "democratic republic of the congo": "CD",
    "congo-kinshasa": "CD",
    "congo-brazzaville": "CG",
    "south korea": "KR",
    "north korea": "KP",
    "syria": "SY",
    "vietnam": "VN",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "laos": "LA",
    "palestine": "PS",
    "holland": "NL",
    "the netherlands": "NL",
}


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.replace("ı", "i"))
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(kept.replace("’", "'").casefold().split())


@cache
def _name_index() -> dict[str, str]:
    import pycountry

    index: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                index.setdefault(_fold(value), country.alpha_2)
    index.update(_ALIASES)
    return index


def country_code(text: str) -> str | None:
    """The alpha-2 code for a code or an English or common name, or None."""
    stripped = text.strip()
    if len(stripped) == 2 and stripped.upper() in ALPHA_2:
        return stripped.upper()
    return _name_index().get(_fold(stripped))


# pycountry's names for these read badly in a table ("Congo, The Democratic Republic of the").
_DISPLAY: dict[str, str] = {
    "CD": "DR Congo",
    "BO": "Bolivia",
    "KR": "South Korea",
    "KP": "North Korea",
    "MD": "Moldova",
    "PS": "Palestine",
    "TZ": "Tanzania",
    "VE": "Venezuela",
}


@cache
def country_name(code: str) -> str:
    """A short English name for display (the common name where pycountry has one)."""
    if code in _DISPLAY:
        return _DISPLAY[code]
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


def all_country_names(code: str) -> list[str]:
    """Every English name pycountry and the aliases know for ``code`` (for search)."""
    import pycountry

    country = pycountry.countries.get(alpha_2=code)
    names: list[str] = []
    if country is not None:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value and value not in names:
                names.append(value)
    names.extend(alias for alias, target in _ALIASES.items() if target == code and len(alias) > 2)
    return names
