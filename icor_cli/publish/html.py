"""``icor render html``: the member page as one self-contained HTML file.

No network at view time: styles, script, the bar chart and the world map are inline, and
a Content-Security-Policy forbids loading anything else. The map's shapes are Natural
Earth's (public domain), from the npm package world-atlas, converted once by
``tools/gen_worldmap.py`` into ``worldmap.json`` beside this module.

Accessibility: one ``h1`` and an ``h2`` per section; the chart and the map are
``role="img"`` with a title and a description, and each has a data table beside it; the
directory is a table with a caption, column headers and a row-group header per region;
the filter box has a label and announces how many rows it leaves (``role="status"``).
Without JavaScript the filter box stays hidden and the full list is there.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from html import escape
from typing import Any

from icor_cli.models import Counts, Member, Registry
from icor_cli.publish import page

# Members per country → shade (the last bin is open-ended).
BINS: tuple[tuple[int, int | None, str], ...] = (
    (1, 1, "1"),
    (2, 2, "2"),
    (3, 4, "3–4"),
    (5, None, "5 or more"),
)
# A country whose shape is smaller than this (viewBox units, 0.1 px on a 960 px map)
# gets a ring around it, so Luxembourg and Cyprus can be seen.
SMALL = 60
MARKER_RADIUS = 45

CSS = """
:root{--ink:#1b1b1b;--muted:#555;--accent:#a50f15;--line:#d0d0d0;--land:#d9d9d9;
--sea:#eef3f7;--b1:#fcbba1;--b2:#fb6a4a;--b3:#cb181d;--b4:#67000d}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;color:var(--ink);background:#fff;
font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
.wrap{max-width:60rem;margin:0 auto;padding:0 1rem 2rem}
h1{font-size:1.7rem;line-height:1.2;margin:1.2rem 0 .6rem;color:var(--accent)}
h2{font-size:1.3rem;margin:2rem 0 .6rem;border-bottom:2px solid var(--accent)}
p,li{overflow-wrap:anywhere}
.skip{position:absolute;left:-999px;top:0;background:#fff;padding:.5rem;z-index:1}
.skip:focus{left:.5rem}
a{color:var(--accent)}
:focus-visible{outline:3px solid #1d63c6;outline-offset:2px}
figure{margin:0}
svg{display:block;width:100%;height:auto}
figcaption{color:var(--muted);font-size:.9rem;margin:.3rem 0}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{text-align:left;vertical-align:top;padding:.3rem .4rem;border-bottom:1px solid var(--line);
overflow-wrap:break-word;hyphens:auto}
td.name{overflow-wrap:anywhere}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
thead th{border-bottom:2px solid var(--ink)}
tbody th[scope=rowgroup]{background:#f3f3f3;font-size:1.05rem}
.en{display:block;color:var(--muted);font-size:.92rem}
.col-abbreviation{width:24%}.col-country{width:22%}.col-marks{width:3.2rem}
td.marks{white-space:nowrap;color:var(--accent);font-weight:600}
abbr[title]{text-decoration:none;cursor:help}
svg.chart{max-width:40rem}
.filter{margin:.5rem 0}
.filter label{display:block;font-weight:600}
.filter input{font:inherit;width:100%;max-width:24rem;padding:.4rem .5rem;
border:2px solid var(--muted);border-radius:4px}
.filter p{margin:.3rem 0;color:var(--muted)}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1rem;list-style:none;padding:0;margin:.4rem 0}
.swatch{display:inline-block;width:1rem;height:1rem;vertical-align:-.15rem;margin-right:.3rem;
border:1px solid #888}
.land{fill:var(--land);stroke:#fff;stroke-width:4}
.member{stroke:#fff;stroke-width:4}
.marker{fill:none;stroke-width:14}
.m1{fill:var(--b1)}.m2{fill:var(--b2)}.m3{fill:var(--b3)}.m4{fill:var(--b4)}
circle.m1{stroke:var(--b3)}circle.m2,circle.m3,circle.m4{stroke:var(--b4)}
.marker.m1,.marker.m2,.marker.m3,.marker.m4{fill:none}
.sea{fill:var(--sea)}
.bar-a{fill:var(--accent)}.bar-i{fill:#e8a3a6}
.chart text{font:22px system-ui,sans-serif;fill:var(--ink)}
details{margin:.5rem 0}
summary{cursor:pointer;font-weight:600}
dl.key{margin:.3rem 0}dl.key dt{display:inline;font-weight:600}
dl.key dd{display:inline;margin:0 1rem 0 .3rem}
@media (max-width:40rem){
th,td{padding:.25rem .2rem;font-size:.95rem}
#members{table-layout:fixed;font-size:.9rem}
#members thead th{font-size:.8rem}
.col-abbreviation{width:23%}.col-country{width:28%}.col-marks{width:1.9rem}
#members th,#members td{padding:.25rem .15rem}
#members td:nth-child(3){font-size:.8rem}
}
"""

SCRIPT = r"""
(function () {
  "use strict";
  var box = document.getElementById("filter-box");
  var input = document.getElementById("filter");
  var status = document.getElementById("filter-status");
  var table = document.getElementById("members");
  if (!box || !input || !table) { return; }
  var rows = Array.prototype.slice.call(table.querySelectorAll("tr.member"));
  var groups = Array.prototype.slice.call(table.querySelectorAll("tbody"));
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/\u0131/g, "i").replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }
  function apply() {
    var words = fold(input.value).split(" ").filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var key = row.getAttribute("data-search") || "";
      var ok = words.every(function (word) { return key.indexOf(word) >= 0; });
      row.hidden = !ok;
      if (ok) { shown += 1; }
    });
    groups.forEach(function (group) {
      group.hidden = !group.querySelector("tr.member:not([hidden])");
    });
    status.textContent = shown + " of " + rows.length + " members shown";
  }
  input.addEventListener("input", apply);
  box.hidden = false;
  apply();
})();
"""


@cache
def world() -> dict[str, Any]:
    """The map data (see ``tools/gen_worldmap.py``)."""
    from importlib.resources import files

    text = files("icor_cli.publish").joinpath("worldmap.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def e(text: str) -> str:
    """Text for HTML, escaped, on one line."""
    return escape(page.flat(text), quote=True)


_MARKS = re.compile("[\u0300-\u036f]+")
_NOT_WORD = re.compile(r"[\W_]+")


def _js_fold(text: str) -> str:
    """What the page's script does to a query: accents off, lower case, words."""
    kept = _MARKS.sub("", unicodedata.normalize("NFD", text)).lower().replace("ı", "i")
    return _NOT_WORD.sub(" ", kept).strip()


@cache
def _country_words(code: str) -> str:
    from icor_cli.countries import country_name

    text = f"{code} | {country_name(code)} | {page.page_country_name(code)}"
    return f"{_js_fold(text)} {page._fold(text)}"


def search_key(member_id: str, member: Member) -> str:
    """What the filter looks in: abbreviation, names, id, country code and English name,
    both as written (folded like the script folds the query) and transliterated to
    Latin (so ``bkp`` finds ``БКП``)."""
    text = " | ".join((member.abbreviation, member.name, member.name_en or "", member_id))
    return f" {_js_fold(text)} {page._fold(text)} {_country_words(member.country)} "


def _bin(count: int) -> int:
    for index, (low, high, _) in enumerate(BINS, 1):
        if count >= low and (high is None or count <= high):
            return index
    return 1


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def bar_chart(registry: Registry, counts: Counts) -> str:
    inactive: dict[str, int] = dict.fromkeys(registry.regions, 0)
    for member in registry.members.values():
        if member.status == "inactive":
            inactive[member.region] = inactive.get(member.region, 0) + 1
    rows = [(region, counts.active_by_region.get(region, 0), inactive.get(region, 0))
            for region in registry.regions]
    longest = max(rows, key=lambda r: r[1] + r[2])
    scale = max(longest[1] + longest[2], 1)
    label_w, bar_w, row_h = 140, 290, 36
    height = row_h * len(rows) + 12
    described = "; ".join(f"{region}: {a} active, {i} inactive" for region, a, i in rows)
    parts = [f'<svg class="chart" viewBox="0 0 600 {height}" role="img" '
             'aria-labelledby="chart-title chart-desc">',
             '<title id="chart-title">Members per region: active and inactive</title>',
             f'<desc id="chart-desc">{e(described)}</desc>']
    for index, (region, active, idle) in enumerate(rows):
        y = 6 + index * row_h
        wa = round(bar_w * active / scale)
        wi = round(bar_w * idle / scale)
        parts.append(f'<text x="{label_w - 8}" y="{y + 22}" text-anchor="end">{e(region)}</text>')
        if wa:
            parts.append(f'<rect class="bar-a" x="{label_w}" y="{y + 5}" width="{wa}" '
                         'height="24"/>')
        if wi:
            parts.append(f'<rect class="bar-i" x="{label_w + wa}" y="{y + 5}" width="{wi}" '
                         'height="24"/>')
        figure = f"{active}" + (f" + {idle} inactive" if idle else "")
        parts.append(f'<text x="{label_w + wa + wi + 8}" y="{y + 22}">{e(figure)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def world_map(registry: Registry) -> tuple[str, list[str]]:
    """The map, and the member countries it cannot show (not in the map data)."""
    from icor_cli.countries import country_name

    data = world()
    shapes: dict[str, dict[str, Any]] = data["countries"]
    per_country: dict[str, int] = {}
    for member in registry.members.values():
        per_country[member.country] = per_country.get(member.country, 0) + 1
    width, height = data["width"], data["height"]
    background = "".join(shape["d"] for code, shape in shapes.items()
                         if code not in per_country) + data["others"]
    shown = sorted(code for code in per_country if code in shapes)
    missing = sorted(code for code in per_country if code not in shapes)
    listed = ", ".join(f"{country_name(code)} {per_country[code]}" for code in
                       sorted(shown, key=lambda c: page._fold(country_name(c))))
    parts = [f'<svg class="map" viewBox="0 0 {width} {height}" role="img" '
             'aria-labelledby="map-title map-desc">',
             '<title id="map-title">World map of the member countries, shaded by number of '
             'members</title>',
             f'<desc id="map-desc">{e(_plural(len(per_country), "country", "countries"))} '
             f'with members: {e(listed)}.</desc>',
             f'<rect class="sea" width="{width}" height="{height}"/>',
             f'<path class="land" d="{background}"/>']
    markers = []
    for code in shown:
        shape = shapes[code]
        count = per_country[code]
        shade = f"m{_bin(count)}"
        label = f"{country_name(code)}: {_plural(count, 'member', 'members')}"
        x0, y0, x1, y1 = shape["box"]
        cx, cy = shape["centre"]
        if shape["d"]:
            parts.append(f'<path class="member {shade}" data-country="{code}" '
                         f'data-members="{count}" d="{shape["d"]}"><title>{e(label)}</title>'
                         '</path>')
            if max(x1 - x0, y1 - y0) < SMALL:
                markers.append(f'<circle class="marker {shade}" cx="{cx}" cy="{cy}" '
                               f'r="{MARKER_RADIUS}"><title>{e(label)}</title></circle>')
        else:  # an island too small to draw: its place, as a dot
            parts.append(f'<circle class="member {shade}" data-country="{code}" '
                         f'data-members="{count}" cx="{cx}" cy="{cy}" r="{MARKER_RADIUS // 2}">'
                         f'<title>{e(label)}</title></circle>')
            markers.append(f'<circle class="marker {shade}" cx="{cx}" cy="{cy}" '
                           f'r="{MARKER_RADIUS}"/>')
    parts += markers
    parts.append("</svg>")
    return "".join(parts), missing


def _map_legend() -> str:
    items = "".join(f'<li><span class="swatch m{i}" style="background:var(--b{i})"></span>'
                    f'{e(label)} {"member" if label == "1" else "members"}</li>'
                    for i, (_, _, label) in enumerate(BINS, 1))
    return (f'<ul class="legend" aria-label="Map key">{items}<li>'
            '<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" '
            'style="display:inline-block;width:1rem;vertical-align:-.15rem;margin-right:.3rem">'
            '<circle cx="8" cy="8" r="6" fill="none" stroke="#67000d" stroke-width="2"/></svg>'
            'ringed: too small to see at this scale</li></ul>')


def _country_table(registry: Registry) -> str:
    from icor_cli.countries import country_name

    per: dict[str, list[Member]] = {}
    for member in registry.members.values():
        per.setdefault(member.country, []).append(member)
    rows = []
    for code in sorted(per, key=lambda c: page._fold(country_name(c))):
        members = per[code]
        active = sum(1 for m in members if m.status == "active")
        rows.append(f'<tr><th scope="row">{e(country_name(code))}</th>'
                    f'<td class="n">{len(members)}</td><td class="n">{active}</td></tr>')
    return ('<details><summary>Members per country (the map as a table)</summary>'
            '<table><caption>Members per country</caption><thead><tr>'
            '<th scope="col">Country</th><th scope="col" class="n">Members</th>'
            '<th scope="col" class="n">Active</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></details>')


def _region_table(registry: Registry, counts: Counts) -> str:
    rows = []
    totals = [0, 0]
    for region in registry.regions:
        members = [m for m in registry.members.values() if m.region == region]
        active = sum(1 for m in members if m.status == "active")
        totals[0] += active
        totals[1] += len(members) - active
        rows.append(f'<tr><th scope="row">{e(region)}</th><td class="n">{active}</td>'
                    f'<td class="n">{len(members) - active}</td>'
                    f'<td class="n">{len(members)}</td></tr>')
    return ('<table><caption>Members per region</caption><thead><tr>'
            '<th scope="col">Region</th><th scope="col" class="n">Active</th>'
            '<th scope="col" class="n">Inactive</th><th scope="col" class="n">Total</th>'
            f'</tr></thead><tbody data-icor="figures">{"".join(rows)}</tbody>'
            '<tfoot><tr><th scope="row">Total</th>'
            f'<td class="n">{totals[0]}</td><td class="n">{totals[1]}</td>'
            f'<td class="n">{totals[0] + totals[1]}</td></tr></tfoot></table>')


def _marks(member: Member) -> str:
    """The page's marks, ``*`` founding and ``**`` inactive, explained on hover and by
    the legend under the table."""
    marks = []
    if member.founding:
        marks.append(f'<abbr title="{page.FOUNDING_MARK} founding member">'
                     f"{page.FOUNDING_MARK}</abbr>")
    if member.status == "inactive":
        marks.append(f'<abbr title="{page.INACTIVE_MARK} currently inactive">'
                     f"{page.INACTIVE_MARK}</abbr>")
    return " ".join(marks)


def directory(registry: Registry) -> str:
    total = len(registry.members)
    groups = []
    for index, (region, items) in enumerate(page.grouped(registry)):
        rows = [f'<tr data-icor="skip"><th scope="rowgroup" colspan="4" '
                f'id="region-{index}">{e(region)}'
                f' <span class="en" style="display:inline">({len(items)})</span></th></tr>']
        for member_id, member in items:
            en = (f'<span class="en"> ({e(member.name_en)})</span>'
                  if member.name_en and member.name_en != member.name else "")
            rows.append(
                f'\n<tr class="member" id="m-{member_id}" '
                f'data-search="{e(search_key(member_id, member))}">'
                f'<th scope="row">{e(member.abbreviation)}</th>'
                f'<td class="name">{e(member.name)}{en}</td>'
                f'<td>{e(page.page_country_name(member.country))}</td>'
                f'<td class="marks">{_marks(member)}</td></tr>')
        groups.append(f'<tbody>{"".join(rows)}</tbody>')
    return (
        '<div class="filter" id="filter-box" hidden>'
        '<label for="filter">Filter the members</label>'
        '<input type="search" id="filter" autocomplete="off" spellcheck="false" '
        'aria-controls="members" aria-describedby="filter-hint">'
        '<p id="filter-hint">By abbreviation, name or country; case and accents do not '
        'matter.</p>'
        f'<p id="filter-status" role="status">{total} of {total} members shown</p></div>'
        f'<table id="members" data-icor="members" aria-describedby="marks-key"><caption '
        f'data-icor="skip">All {_plural(total, "member", "members")}, by region</caption>'
        '<colgroup><col class="col-abbreviation"><col class="col-name">'
        '<col class="col-country"><col class="col-marks"></colgroup>'
        '<thead data-icor="skip"><tr><th scope="col">Abbreviation</th>'
        '<th scope="col">Name</th><th scope="col">Country</th>'
        '<th scope="col"><abbr title="* founding member, ** currently inactive">Marks</abbr>'
        '</th>'
        '</tr></thead>'
        f'{"".join(groups)}</table>'
    )


def page_html(registry: Registry) -> str:
    """The whole page."""
    from icor_cli import __version__

    counts = registry.counts()
    short = e(registry.organisation.short_name)
    map_svg, missing = world_map(registry)
    data = world()
    not_shown = ""
    if missing:
        from icor_cli.countries import country_name

        names = ", ".join(country_name(code) for code in missing)
        not_shown = f"<p>Not on the map (no outline in the map data): {e(names)}.</p>"
    legend_items = "".join(f"<dt>{e(mark)}</dt><dd>{e(meaning)}</dd>"
                           for mark, meaning in page.legend(registry))
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n"
        f'<meta name="generator" content="icor {e(__version__)}">\n'
        f"<title>{short} members</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        '<a class="skip" href="#directory">Skip to the member directory</a>\n'
        '<div class="wrap">\n<header>\n'
        f"<h1>{short} members</h1>\n"
        f"<p>{e(page.counts_sentence(registry, counts))}</p>\n</header>\n<main>\n"
        '<section aria-labelledby="by-region">\n<h2 id="by-region">Members by region</h2>\n'
        f"<figure>{bar_chart(registry, counts)}<figcaption>Active members (dark) and "
        "inactive members (light) per region.</figcaption></figure>\n"
        f"{_region_table(registry, counts)}\n</section>\n"
        '<section aria-labelledby="where">\n<h2 id="where">Where the members are</h2>\n'
        f"<figure>{map_svg}<figcaption>Countries shaded by number of members. Map: "
        f"{e(data['source'])}.</figcaption></figure>\n"
        f"{_map_legend()}\n{not_shown}{_country_table(registry)}\n</section>\n"
        '<section aria-labelledby="directory">\n'
        '<h2 id="directory" tabindex="-1">Member directory</h2>\n'
        f"{directory(registry)}\n"
        f'<dl class="key" id="marks-key">{legend_items}</dl>\n</section>\n</main>\n</div>\n'
        f"<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
