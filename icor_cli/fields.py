"""``--fields``: which columns ``list``, ``show`` and ``search`` print, and in what order.

The member fields are the model's own (``Member.model_fields``), so a field added to the
file format can be selected without a change here. Derived fields are computed only when
asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from icor_cli.errors import UsageError
from icor_cli.models import MEMBER_COLUMNS

#: Fields computed from a member rather than stored.
DERIVED_FIELDS = ("country_name",)
#: Fields a search result adds: the field that matched, and how.
SEARCH_FIELDS = ("matched", "match")


def member_fields() -> tuple[str, ...]:
    """``id`` and the file's member fields, in the model's order (``models`` derives
    them from ``Member.model_fields``)."""
    return MEMBER_COLUMNS


def available(search: bool = False) -> tuple[str, ...]:
    return (*member_fields(), *DERIVED_FIELDS, *(SEARCH_FIELDS if search else ()))


def parse_fields(text: str | None, search: bool = False) -> tuple[str, ...] | None:
    """``"id,name"`` → ``("id", "name")``; None when not given. Spaces around names are
    ignored and case too; an unknown or empty name is a usage error listing the valid
    ones, a repeated one is kept once."""
    if text is None:
        return None
    valid = available(search)
    chosen: list[str] = []
    for part in text.split(","):
        name = part.strip().lower().replace("-", "_")
        if name not in valid:
            shown = part.strip() or "(empty)"
            raise UsageError(f"unknown field {shown!r} for --fields; choose from "
                             f"{', '.join(valid)}")
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def with_derived(record: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """``record`` plus the derived fields among ``fields``."""
    if "country_name" in fields:
        from icor_cli.countries import country_name

        record["country_name"] = country_name(record["country"])
    return record


def select(records: Iterable[Mapping[str, Any]], fields: Sequence[str]
           ) -> Iterable[dict[str, Any]]:
    """Each record reduced to ``fields``, in that order (derived ones computed)."""
    for record in records:
        full = with_derived(dict(record), fields)
        yield {name: full.get(name) for name in fields}
