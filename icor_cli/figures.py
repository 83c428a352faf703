"""The stated figures (``[stated]``) against the registry's actual counts: which figures a
change moves, moving them by exactly that change, and setting them all to the actual
counts (``icor stated sync``). Pure functions; no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from icor_cli.errors import UsageError
from icor_cli.models import Registry, Stated

if TYPE_CHECKING:
    from icor_cli.models import Counts

#: The top-level stated figures, in the order the file and every report list them.
TOP_FIGURES = ("active", "inactive", "total", "countries")


@dataclass(frozen=True)
class Figure:
    """One stated figure a change moves: its key in ``[stated]``, old value, actual value
    after the change, and by how much the change moved the actual count."""

    key: str
    region: str | None
    stated: int
    actual: int
    delta: int

    @property
    def label(self) -> str:
        return f"active in {self.region}" if self.region else self.key


def _by_region(counts: Counts, region: str) -> int:
    return counts.active_by_region.get(region, 0)


def moved_figures(before: Registry, after: Registry) -> list[Figure]:
    """The stated figures whose actual counterpart this change moves. A by-region figure is
    only considered when the registry states figures by region."""
    old, new = before.counts(), after.counts()
    stated = after.stated
    figures: list[Figure] = []
    for key in TOP_FIGURES:
        delta = getattr(new, key) - getattr(old, key)
        if delta:
            figures.append(Figure(key, None, getattr(stated, key), getattr(new, key), delta))
    if stated.active_by_region:
        for region in after.regions:
            delta = _by_region(new, region) - _by_region(old, region)
            if delta:
                figures.append(Figure("active_by_region", region,
                                      stated.active_by_region.get(region, 0),
                                      _by_region(new, region), delta))
    return figures


def out_of_date(figures: list[Figure]) -> list[Figure]:
    """The moved figures that no longer match the registry."""
    return [figure for figure in figures if figure.stated != figure.actual]


def _with_stated(registry: Registry, data: dict[str, Any]) -> Registry:
    stated = Stated.model_validate(
        {k: v for k, v in data.items() if v is not None},
        context={"regions": list(registry.regions)},
    )
    return registry.model_copy(update={"stated": stated})


def update_stated(registry: Registry, figures: list[Figure]) -> Registry:
    """``[stated]`` moved by exactly the change (``source`` and ``as_of`` untouched)."""
    data = registry.stated.model_dump()
    by_region = dict(data.get("active_by_region") or {})
    for figure in figures:
        value = figure.stated + figure.delta
        if value < 0:
            raise UsageError(
                f"--update-stated: stated {figure.label} is {figure.stated} and cannot go down "
                f"by {-figure.delta}; set the stated figures with `icor stated sync` once the "
                "published figures match"
            )
        if figure.region is None:
            data[figure.key] = value
        else:
            by_region[figure.region] = value
    data["active_by_region"] = by_region
    return _with_stated(registry, data)


# --- every figure: `icor stated` -------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """One stated figure beside the actual count."""

    key: str
    region: str | None
    stated: int | None
    actual: int

    @property
    def label(self) -> str:
        return f"active in {self.region}" if self.region else self.key

    @property
    def matches(self) -> bool:
        return self.stated == self.actual


def compare(registry: Registry) -> list[Comparison]:
    """Every stated figure beside the actual one: the four totals, then active by region
    for each region the file states or has active members in (a region the file does not
    state has ``stated`` None, and only when the file states figures by region at all)."""
    stated = registry.stated
    actual = registry.counts()
    rows = [Comparison(key, None, getattr(stated, key), getattr(actual, key))
            for key in TOP_FIGURES]
    if stated.active_by_region:
        for region in registry.regions:
            rows.append(Comparison("active_by_region", region,
                                   stated.active_by_region.get(region),
                                   _by_region(actual, region)))
    return rows


def sync_stated(registry: Registry, *, as_of: dt.date | None = None,
                source: str | None = None) -> Registry:
    """Every stated figure set to the actual count. By region only where the file states
    figures by region (then for every region). ``as_of`` and ``source`` replace the
    recorded ones when given; otherwise they are kept."""
    data = registry.stated.model_dump()
    actual = registry.counts()
    for key in TOP_FIGURES:
        data[key] = getattr(actual, key)
    if registry.stated.active_by_region:
        data["active_by_region"] = {region: _by_region(actual, region)
                                    for region in registry.regions}
    if as_of is not None:
        data["as_of"] = as_of
    if source is not None:
        data["source"] = source
    return _with_stated(registry, data)
