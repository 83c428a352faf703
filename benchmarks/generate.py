"""Generate a valid registry of N members, names in several scripts, in canonical form.

    python benchmarks/generate.py 100000 > /tmp/registry-100k.toml
"""

from __future__ import annotations

import random
import sys

import tomli_w

REGIONS = ["Africa", "Asia", "Australia", "Europe", "America"]
COUNTRIES = {
    "Africa": ["CI", "CD", "EG", "CM", "KE", "MA", "ZA", "TG", "TN"],
    "Asia": ["AF", "BD", "IN", "ID", "IR", "NP", "PK", "LK"],
    "Australia": ["AU"],
    "Europe": ["BY", "BG", "BA", "CZ", "CY", "DE", "FR", "GR", "TR", "LU", "HU", "NL", "RU"],
    "America": ["CL", "CO", "HT", "MX", "PA", "PY", "PE", "DO", "UY", "VE", "US"],
}
WORDS = {
    "latin": ["Partido", "Comunista", "Revolucionário", "Marxista", "Leninista", "Obrero",
              "Union", "Prolétarienne", "Türkiye", "İhtilalci", "Komünist", "Partei"],
    "cyrillic": ["Партия", "Комунистическа", "Работническа", "Союз", "Революционная",
                 "маоистская"],
    "greek": ["Κομμουνιστική", "Οργάνωση", "Ελλάδας", "Επαναστατική"],
    "english": ["Communist", "Party", "Revolutionary", "Workers", "Organisation", "League"],
}


def _name(rng: random.Random, script: str) -> str:
    return " ".join(rng.choice(WORDS[script]) for _ in range(rng.randint(2, 5)))


def registry(n: int, seed: int = 1) -> dict[str, object]:
    rng = random.Random(seed)
    members: dict[str, dict[str, object]] = {}
    active_by_region = dict.fromkeys(REGIONS, 0)
    countries: set[str] = set()
    for i in range(n):
        region = REGIONS[i % len(REGIONS)]
        country = rng.choice(COUNTRIES[region])
        script = rng.choice(["latin", "cyrillic", "greek", "english"])
        inactive = i % 29 == 0
        prefix = {"cyrillic": "ПК", "greek": "ΚΚ"}.get(script, "PC")
        member: dict[str, object] = {
            "abbreviation": f"{prefix}-{i}",
            "name": _name(rng, script),
            "name_en": _name(rng, "english"),
            "country": country,
            "region": region,
            "status": "inactive" if inactive else "active",
            "founding": i % 7 == 0,
        }
        members[f"m{i:06d}"] = member
        countries.add(country)
        if not inactive:
            active_by_region[region] += 1
    active = sum(active_by_region.values())
    return {
        "schema_version": 1,
        "regions": REGIONS,
        "organisation": {
            "name": "International Coordination of Revolutionary Parties and Organizations",
            "short_name": "ICOR",
            "founded": __import__("datetime").date(2010, 10, 6),
        },
        "stated": {
            "active": active, "inactive": n - active, "total": n,
            "countries": len(countries), "active_by_region": active_by_region,
        },
        "members": members,
    }


def main() -> None:
    sys.stdout.write(tomli_w.dumps(registry(int(sys.argv[1]))))


if __name__ == "__main__":
    main()
