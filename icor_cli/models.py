"""Pydantic models of the registry file format. No I/O here.

Field-level rules live in the models so every problem is reported with its own location.
Rules that compare members with each other (uniqueness, stated counts) are checks in
``checks.py``: they need the whole registry and report one finding per conflict.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from icor_cli.countries import ALPHA_2

SCHEMA_VERSION = 1

# Patterns run in pydantic-core (Rust), which keeps validating 100,000 members cheap.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
TRIMMED_PATTERN = r"^\S(?:[\s\S]*\S)?$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(pattern=TRIMMED_PATTERN)]


# A pattern rather than a Python validator: pydantic-core checks it without calling back
# into Python, once per member. ``store`` words its error for people.
COUNTRY_PATTERN = "^(?:" + "|".join(sorted(ALPHA_2)) + ")$"
Country = Annotated[str, StringConstraints(pattern=COUNTRY_PATTERN)]
Status = Literal["active", "inactive"]
STATUSES: tuple[Status, ...] = ("active", "inactive")

_STRICT = ConfigDict(extra="forbid", strict=True, frozen=True)


def _declared_regions(info: ValidationInfo) -> tuple[str, ...] | None:
    """The file's own ``regions``, passed in by ``Registry.from_data`` as context."""
    context = info.context
    return context.get("regions") if isinstance(context, dict) else None


def _check_region(region: str, info: ValidationInfo) -> str:
    declared = _declared_regions(info)
    if declared is not None and region not in declared:
        raise ValueError(f"region {region!r} is not declared in regions ({', '.join(declared)})")
    return region


class Organisation(BaseModel):
    """The organisation's own facts, as it publishes them."""

    model_config = _STRICT

    name: Text
    short_name: Text
    founded: dt.date
    office: Text | None = None
    address: Text | None = None
    country: Country | None = None
    phone: Text | None = None
    website: Text | None = None


class Stated(BaseModel):
    """The counts the organisation states publicly; ``icor validate`` compares them."""

    model_config = _STRICT

    active: NonNegativeInt
    inactive: NonNegativeInt
    total: NonNegativeInt
    countries: NonNegativeInt
    active_by_region: dict[str, NonNegativeInt] = Field(default_factory=dict)
    source: Text | None = None
    as_of: dt.date | None = None

    @field_validator("active_by_region")
    @classmethod
    def _regions_declared(cls, value: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        declared = _declared_regions(info)
        if declared is not None:
            unknown = [r for r in value if r not in declared]
            if unknown:
                raise ValueError(
                    f"region {unknown[0]!r} is not declared in regions ({', '.join(declared)})"
                )
        return value


class Member(BaseModel):
    """One member party or organisation."""

    model_config = _STRICT

    abbreviation: Text
    name: Text
    name_en: Text | None = None
    country: Country
    region: Annotated[Text, AfterValidator(_check_region)]
    status: Status
    founding: bool
    joined: dt.date | None = None
    deactivated: dt.date | None = None
    deactivation_reason: Text | None = None
    notes: Text | None = None

    @field_validator("deactivated", "deactivation_reason")
    @classmethod
    def _only_when_inactive(cls, value: object, info: ValidationInfo) -> object:
        if value is not None and info.data.get("status") == "active":
            raise ValueError(f"an active member has no {info.field_name}; set status to inactive")
        return value

    @field_validator("deactivated")
    @classmethod
    def _not_before_joining(cls, value: dt.date | None, info: ValidationInfo) -> dt.date | None:
        joined = info.data.get("joined")
        if value is not None and joined is not None and value < joined:
            raise ValueError(f"deactivated {value} is before joined {joined}")
        return value

    @property
    def active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class Counts:
    """Actual counts, in the shape of the stated ones."""

    active: int
    inactive: int
    total: int
    countries: int
    active_by_region: dict[str, int]


class Registry(BaseModel):
    """The whole file."""

    model_config = _STRICT

    schema_version: Literal[1]
    organisation: Organisation
    regions: Annotated[list[Text], Field(min_length=1)]
    stated: Stated
    members: dict[Slug, Member]

    @field_validator("regions")
    @classmethod
    def _regions_unique(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for region in value:
            if region.casefold() in seen:
                raise ValueError(f"region {region!r} is listed twice")
            seen.add(region.casefold())
        return value

    @classmethod
    def from_data(cls, data: Any) -> Registry:
        """Validate parsed TOML; regions are checked against the file's own ``regions``."""
        regions = data.get("regions") if isinstance(data, dict) else None
        declared = (
            tuple(r for r in regions if isinstance(r, str)) if isinstance(regions, list) else None
        )
        return cls.model_validate(data, context={"regions": declared})

    def counts(self) -> Counts:
        active_by_region = dict.fromkeys(self.regions, 0)
        active = 0
        countries: set[str] = set()
        for member in self.members.values():
            countries.add(member.country)
            if member.status == "active":
                active += 1
                active_by_region[member.region] = active_by_region.get(member.region, 0) + 1
        total = len(self.members)
        return Counts(active, total - active, total, len(countries), active_by_region)

    def to_data(self) -> dict[str, Any]:
        """Plain data in canonical order: members by id, stated regions in ``regions``
        order, unset fields left out."""
        data = self.head_data()
        # Members are flat and hold only plain values, so their __dict__ is their dump;
        # model_dump would cost a second per 100,000 members.
        data["members"] = {
            member_id: {
                key: value
                for key, value in self.members[member_id].__dict__.items()
                if value is not None
            }
            for member_id in sorted(self.members)
        }
        return data

    def head_data(self) -> dict[str, Any]:
        """``to_data`` without the members."""
        data = self.model_dump(exclude_none=True, exclude={"members"})
        by_region = data["stated"].get("active_by_region")
        if by_region:
            order = {region: index for index, region in enumerate(self.regions)}

            def place(item: tuple[str, int]) -> tuple[int, str]:
                return order.get(item[0], len(order)), item[0]

            data["stated"]["active_by_region"] = dict(sorted(by_region.items(), key=place))
        return data
