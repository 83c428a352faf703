"""Generate ``icor_cli/publish/worldmap.json``: country outlines for ``icor render html``.

The shapes come from Natural Earth (public domain) through the npm package
``world-atlas`` (its ``countries-50m.json`` TopoJSON, keyed by ISO 3166-1 numeric code).
This script, run once when the data should change, decodes the TopoJSON, projects it
(Natural Earth I projection, Antarctica left out), simplifies every shared border once
(Douglas-Peucker, so neighbours still meet) and writes one SVG path per country keyed by
ISO 3166-1 alpha-2 (pycountry maps the numeric codes), with the source and version.

    python tools/gen_worldmap.py                       # fetches world-atlas with `npm pack`
    python tools/gen_worldmap.py --topojson countries-50m.json --version 2.0.2

The output is deterministic: the same input gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "icor_cli" / "publish" / "worldmap.json"
PACKAGE = "world-atlas"
VERSION = "2.0.2"
FILE = "countries-50m.json"
WIDTH = 9600  # viewBox units; 1 unit = 0.1 px on a 960 px wide map
TOLERANCE = 6.0  # Douglas-Peucker tolerance, in viewBox units (0.6 px at 960 px)
ANTARCTICA = "010"

Point = tuple[float, float]


def fetch(version: str) -> bytes:
    """``countries-50m.json`` from the npm package, via ``npm pack`` (the npm registry)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["npm", "pack", f"{PACKAGE}@{version}", "--silent"], cwd=tmp,
                       check=True, stdout=subprocess.DEVNULL)
        tarball = next(Path(tmp).glob("*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(f"package/{FILE}")
            assert member is not None
            return member.read()


def natural_earth(lon: float, lat: float) -> Point:
    """The Natural Earth I projection (Šavrič et al.), as d3-geo's geoNaturalEarth1Raw."""
    lam, phi = math.radians(lon), math.radians(lat)
    phi2 = phi * phi
    phi4 = phi2 * phi2
    x = lam * (0.8707 - 0.131979 * phi2 + phi4 * (-0.013791 + phi4 * (0.003971 * phi2
                                                                       - 0.001529 * phi4)))
    y = phi * (1.007226 + phi2 * (0.015085 + phi4 * (-0.044475 + 0.028874 * phi2
                                                      - 0.005916 * phi4)))
    return x, y


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Every arc as (longitude, latitude) points."""
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def crosses_antimeridian(ring: list[Point]) -> bool:
    return any(abs(b[0] - a[0]) > 180 for a, b in itertools.pairwise(ring))


def _clip(ring: list[Point], limit: float, keep_below: bool) -> list[Point]:
    """Sutherland-Hodgman against the vertical line ``lon = limit``."""
    def inside(p: Point) -> bool:
        return p[0] <= limit if keep_below else p[0] >= limit

    out: list[Point] = []
    for i, current in enumerate(ring):
        previous = ring[i - 1]
        if inside(current):
            if not inside(previous):
                out.append(_cross(previous, current, limit))
            out.append(current)
        elif inside(previous):
            out.append(_cross(previous, current, limit))
    return out


def _cross(a: Point, b: Point, limit: float) -> Point:
    t = (limit - a[0]) / (b[0] - a[0])
    return limit, a[1] + t * (b[1] - a[1])


def split_at_antimeridian(ring: list[Point]) -> list[list[Point]]:
    """A ring that crosses 180°, unwrapped and cut into its parts on either side."""
    unwrapped = [ring[0]]
    for lon, lat in ring[1:]:
        previous = unwrapped[-1][0]
        while lon - previous > 180:
            lon -= 360
        while lon - previous < -180:
            lon += 360
        unwrapped.append((lon, lat))
    pieces = []
    for shift in (-360.0, 0.0, 360.0):
        moved = [(lon + shift, lat) for lon, lat in unwrapped]
        part = _clip(_clip(moved, 180.0, True), -180.0, False)
        if len(part) >= 3:
            pieces.append(part)
    return pieces


def _distance(p: Point, a: Point, b: Point) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    if dx == dy == 0:
        return math.hypot(px - ax, py - ay)
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker, iterative; the end points are kept (arcs meet there)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        worst, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > worst:
                worst, index = d, i
        if index >= 0 and worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def ring_points(ring: list[int], arcs: list[list[Point]]) -> list[Point]:
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def path_data(rings: list[list[tuple[int, int]]]) -> str:
    """SVG path: absolute move, relative lines, integer units."""
    parts = []
    for ring in rings:
        x0, y0 = ring[0]
        steps = [f"M{x0} {y0}"]
        line = []
        px, py = x0, y0
        for x, y in ring[1:]:
            if (x, y) != (px, py):
                line.append(f"{x - px} {y - py}")
                px, py = x, y
        steps.append("l" + " ".join(line) + "z")
        parts.append("".join(steps))
    return "".join(parts).replace(" -", "-")


def area(ring: list[tuple[int, int]]) -> float:
    return abs(sum(x1 * y2 - x2 * y1
                   for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True))) / 2


def generate(topology: dict[str, Any], version: str, digest: str = "") -> dict[str, Any]:
    import pycountry

    geometries = [g for g in topology["objects"]["countries"]["geometries"]
                  if g.get("id") != ANTARCTICA]
    raw_arcs = decode_arcs(topology)
    arcs = [[natural_earth(lon, lat) for lon, lat in arc] for arc in raw_arcs]
    # Frame: the projected extent of everything kept.
    used: set[int] = set()
    for geometry in geometries:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                used.update(i if i >= 0 else ~i for i in ring)
    xs = [x for i in used for x, _ in arcs[i]]
    ys = [y for i in used for _, y in arcs[i]]
    min_x, max_x, min_y, max_y = min(xs), max(xs), min(ys), max(ys)
    factor = WIDTH / (max_x - min_x)
    height = math.ceil((max_y - min_y) * factor)

    def place(point: Point) -> Point:
        return (point[0] - min_x) * factor, (max_y - point[1]) * factor

    simple = [simplify([place(p) for p in arc], TOLERANCE) for arc in arcs]
    shapes: dict[str, dict[str, Any]] = {}
    others: list[list[tuple[int, int]]] = []
    specks: dict[str, tuple[str, list[Point]]] = {}
    for geometry in sorted(geometries, key=lambda g: (str(g.get("id")), g["properties"]["name"])):
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = []
        for polygon in polygons:
            for ring in polygon:
                lonlat = ring_points(ring, raw_arcs)
                if crosses_antimeridian(lonlat):
                    # Cut at 180°, then simplified on its own (its arcs are not shared).
                    parts = [simplify([place(natural_earth(*p)) for p in piece], TOLERANCE)
                             for piece in split_at_antimeridian(lonlat)]
                else:
                    parts = [ring_points(ring, simple)]
                for part in parts:
                    points = [(round(x), round(y)) for x, y in part]
                    if len(set(points)) >= 3:
                        rings.append(points)
        numeric = geometry.get("id")
        country = pycountry.countries.get(numeric=numeric) if numeric else None
        if not rings:
            # Too small to draw at this scale (an atoll): only its place, for a marker.
            if country is not None and country.alpha_2 not in specks:
                spots = [place(p) for polygon in polygons for ring in polygon
                         for p in ring_points(ring, arcs)
                         if not crosses_antimeridian(ring_points(ring, raw_arcs))]
                specks[country.alpha_2] = (geometry["properties"]["name"], spots)
            continue
        if country is None:
            others.extend(r for r in rings if area(r) >= 4)
            continue
        code = country.alpha_2
        # Keep the largest ring of a tiny country whatever its size; drop specks elsewhere.
        largest = max(rings, key=area)
        kept = [r for r in rings if r is largest or area(r) >= 4]
        entry = shapes.setdefault(code, {"name": geometry["properties"]["name"], "rings": []})
        entry["rings"].extend(kept)
    countries = {}
    for code, (name, spots) in specks.items():
        if code not in shapes:
            x = round(sum(p[0] for p in spots) / len(spots))
            y = round(sum(p[1] for p in spots) / len(spots))
            countries[code] = {"name": name, "d": "", "box": [x, y, x, y], "centre": [x, y]}
    for code in sorted(shapes):
        rings = shapes[code]["rings"]
        largest = max(rings, key=area)
        bx = [x for x, _ in largest]
        by = [y for _, y in largest]
        all_x = [x for r in rings for x, _ in r]
        all_y = [y for r in rings for _, y in r]
        countries[code] = {
            "name": shapes[code]["name"],
            "d": path_data(rings),
            # Bounding box of the whole country, and the centre of its largest part
            # (where a marker goes when the country is too small to see).
            "box": [min(all_x), min(all_y), max(all_x), max(all_y)],
            "centre": [round((min(bx) + max(bx)) / 2), round((min(by) + max(by)) / 2)],
        }
    return {
        "source": f"Natural Earth 1:50m Admin 0 countries (public domain), via the npm package "
                  f"{PACKAGE} {version} ({FILE})",
        "package": PACKAGE,
        "version": version,
        "input_sha256": digest,
        "generator": "tools/gen_worldmap.py",
        "projection": "Natural Earth I, Antarctica left out",
        "tolerance": TOLERANCE,
        "width": WIDTH,
        "height": height,
        "countries": dict(sorted(countries.items())),
        "others": path_data(others),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--topojson", type=Path, help=f"a local {FILE} (default: npm pack)")
    parser.add_argument("--version", default=VERSION, help="world-atlas version")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    raw = args.topojson.read_bytes() if args.topojson else fetch(args.version)
    data = generate(json.loads(raw), args.version, hashlib.sha256(raw).hexdigest())
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
    args.out.write_text(text + "\n", encoding="utf-8")
    print(f"{args.out}: {len(data['countries'])} countries, {len(text) // 1024} KiB",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
