"""The shipped registry against its source, the organisation's "About ICOR" page.

Every member line of the page must be a member of the registry with the same
abbreviation, region, founding flag and status, and names taken from that line; the
counts the page states must be the registry's stated counts. The only differences
allowed are the corrections recorded in a member's ``notes``.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from icor_cli.models import Registry

ROOT = Path(__file__).resolve().parent.parent
PAGE = (Path(__file__).parent / "data" / "icor-about-page.txt").read_text(encoding="utf-8")
REGISTRY = Registry.from_data(tomllib.loads((ROOT / "registry.toml").read_text("utf-8")))
REGIONS = ["Africa", "Asia", "Australia", "Europe", "America"]
# Corrections of evident corruption on the page, each recorded in the member's notes.
CORRECTIONS = {"Ha\u03catien": "Ha\u00eftien", "Paraguayan\xa0 Communist": "Paraguayan Communist"}


def _member_sections() -> list[list[str]]:
    body = PAGE.split("distributed among the regions as follows:")[1]
    body = body.split("* = ICOR founding member")[0]
    body = re.sub(r"^.*?\n(?=\S*\s*PCPCI)", "", body, count=1, flags=re.S)
    # Members are one blank line apart; regions two or more.
    sections = re.split(r"\n(?:[ \t\xa0]*\n){2,}", body.strip("\n"))
    return [[line for line in s.splitlines() if line.strip()] for s in sections if s.strip()]


SECTIONS = _member_sections()
PAGE_LINES = [(region, line) for region, lines in zip(REGIONS, SECTIONS, strict=True)
              for line in lines]


def _owner(line: str) -> str:
    candidates = [(len(m.abbreviation), i) for i, m in REGISTRY.members.items()
                  if line.startswith(m.abbreviation) and
                  not line[len(m.abbreviation):][:1].isalnum()]
    assert candidates, f"no member for page line {line!r}"
    return max(candidates)[1]


def test_page_has_five_region_sections_of_59_members() -> None:
    assert [len(s) for s in SECTIONS] == [9, 10, 1, 26, 13]
    assert len(REGISTRY.members) == 59


@pytest.mark.parametrize(("region", "line"), PAGE_LINES, ids=[line[:20] for _, line in PAGE_LINES])
def test_member_matches_its_page_line(region: str, line: str) -> None:
    member = REGISTRY.members[_owner(line)]
    fixed = line
    for wrong, right in CORRECTIONS.items():
        if wrong in fixed:
            fixed = fixed.replace(wrong, right)
            assert member.notes and "corrected" in member.notes
    marks = fixed.rstrip().split()[-2:]
    assert member.region == region
    assert member.founding == ("*" in marks)
    assert member.status == ("inactive" if "**" in marks else "active")
    assert member.name in fixed
    assert member.name_en is not None and member.name_en in fixed


def test_every_member_is_on_the_page() -> None:
    assert sorted(_owner(line) for _, line in PAGE_LINES) == sorted(REGISTRY.members)


def test_stated_counts_are_the_pages() -> None:
    m = re.search(r"(\d+) active and (\d+) inactive, therefore (\d+) Member in total, "
                  r"present in (\d+) countries", PAGE)
    assert m
    stated = REGISTRY.stated
    assert (stated.active, stated.inactive, stated.total, stated.countries) == tuple(
        int(g) for g in m.groups())
    by_region = {r: int(n) for r, n in re.findall(r"^(\w+)[\s\xa0]+(\d+)$", PAGE, flags=re.M)}
    assert stated.active_by_region == by_region


def test_organisation_facts_are_the_pages() -> None:
    org = REGISTRY.organisation
    assert org.name in PAGE and org.short_name == "ICOR"
    assert "6 October 2010" in PAGE and str(org.founded) == "2010-10-06"
    assert org.address is not None
    for part in org.address.split(", "):
        assert part in PAGE
