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
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from icor_cli.choices import OutputFormat, ReportFormat, SortKey, StatusChoice
from icor_cli.countries import ALPHA_2
from icor_cli.escape import excerpt

SCHEMA_VERSION = 1
MAX_ID_LENGTH = 64

# Patterns run in pydantic-core (Rust), which keeps validating 100,000 members cheap.
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
TRIMMED_PATTERN = r"^\S(?:[\s\S]*\S)?$"
_DATE = "A TOML local date, e.g. 2010-10-06."


class _FreeText:
    """Marks a field of free text written by people (checked by ``hygiene``)."""


FREE_TEXT = _FreeText()

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=MAX_ID_LENGTH)]
Text = Annotated[str, StringConstraints(pattern=TRIMMED_PATTERN)]
FreeText = Annotated[str, StringConstraints(pattern=TRIMMED_PATTERN), FREE_TEXT]


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
        raise ValueError(f"region {excerpt(region)} is not declared in regions "
                         f"({', '.join(declared)})")
    return region


class Organisation(BaseModel):
    """The organisation's own facts, as it publishes them."""

    model_config = _STRICT

    name: FreeText = Field(description="Full name, as published.")
    short_name: FreeText = Field(description="Short name or abbreviation, e.g. ICOR.")
    founded: dt.date = Field(description=f"Founding date. {_DATE}")
    office: FreeText | None = Field(None, description="Name of the office, as published.")
    address: FreeText | None = Field(None, description="Postal address of the office.")
    country: Country | None = Field(
        None, description="Country of the office: ISO 3166-1 alpha-2 code, upper case.")
    phone: FreeText | None = Field(None, description="Telephone number, as published.")
    website: FreeText | None = Field(None, description="Web address.")


class Stated(BaseModel):
    """The counts the organisation states publicly; ``icor validate`` compares them."""

    model_config = _STRICT

    active: NonNegativeInt = Field(description="Stated number of active members.")
    inactive: NonNegativeInt = Field(description="Stated number of inactive members.")
    total: NonNegativeInt = Field(description="Stated number of members in total.")
    countries: NonNegativeInt = Field(description="Stated number of countries with members.")
    active_by_region: dict[str, NonNegativeInt] = Field(
        default_factory=dict,
        description="Stated number of active members per region; keys are names from "
                    "`regions`.")
    source: FreeText | None = Field(None, description="Where the stated counts were published.")
    as_of: dt.date | None = Field(
        None, description=f"When the stated counts were published or last checked. {_DATE}")

    @field_validator("active_by_region")
    @classmethod
    def _regions_declared(cls, value: dict[str, int], info: ValidationInfo) -> dict[str, int]:
        declared = _declared_regions(info)
        if declared is not None:
            unknown = [r for r in value if r not in declared]
            if unknown:
                raise ValueError(
                    f"region {excerpt(unknown[0])} is not declared in regions "
                    f"({', '.join(declared)})"
                )
        return value


class Member(BaseModel):
    """One member party or organisation."""

    model_config = _STRICT

    abbreviation: FreeText = Field(
        description="Abbreviation as published, in any script (e.g. MLPD, БКП). Unique.")
    name: FreeText = Field(description="Name in the original language and script, as "
                                       "published.")
    name_en: FreeText | None = Field(None, description="English name.")
    country: Country = Field(
        description="ISO 3166-1 alpha-2 country code, upper case (e.g. DE, TR).")
    region: Annotated[Text, AfterValidator(_check_region)] = Field(
        description="One of the file's `regions`.")
    status: Status = Field(
        description="active or inactive. Members are never deleted, only deactivated.")
    founding: bool = Field(description="true for a founding member of the organisation.")
    joined: dt.date | None = Field(None, description=f"Date the member joined. {_DATE}")
    deactivated: dt.date | None = Field(
        None, description=f"Date the member became inactive (inactive members only). {_DATE}")
    deactivation_reason: FreeText | None = Field(
        None, description="Why the member became inactive (inactive members only).")
    notes: FreeText | None = Field(
        None, description="Free text: sources, corrections of the published data. May span "
                          "lines.")

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


def _integer(value: object) -> object:
    """``schema_version`` is an integer: ``true`` and ``1.0`` equal 1 in Python, and a
    Literal would take them."""
    if type(value) is not int:
        raise ValueError(f"must be the integer {SCHEMA_VERSION} (got {type(value).__name__})")
    return value


class Registry(BaseModel):
    """The whole file."""

    model_config = _STRICT

    schema_version: Annotated[Literal[1], BeforeValidator(_integer)] = Field(
        description="Version of this file format; 1.")
    organisation: Organisation = Field(description="The organisation's own facts.")
    regions: Annotated[list[Text], Field(min_length=1)] = Field(
        description="The regions the organisation uses, in display order. Every member's "
                    "`region` is one of them.")
    stated: Stated = Field(
        description="The publicly stated counts that `icor validate` checks against the "
                    "members.")
    members: dict[Slug, Member] = Field(
        description="One table per member, keyed by its id: a stable lowercase ASCII slug "
                    f"([a-z0-9][a-z0-9-]*, at most {MAX_ID_LENGTH} characters) that never "
                    "changes and is never reused.")

    @field_validator("regions")
    @classmethod
    def _regions_unique(cls, value: list[str]) -> list[str]:
        seen: set[str] = set()
        for region in value:
            if region.casefold() in seen:
                raise ValueError(f"region {excerpt(region)} is listed twice")
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


# --- Facts derived from the models, for columns, checks, choices and the JSON Schema ------

#: The file's member fields, in the file's (and every output's) order.
MEMBER_FIELDS: tuple[str, ...] = tuple(Member.model_fields)
#: Keys of a member record in every output format: ``id``, then the member fields.
MEMBER_COLUMNS: tuple[str, ...] = ("id", *MEMBER_FIELDS)
def _free_text(model: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``model`` typed ``FreeText`` (or ``FreeText | None``, where the
    marker sits inside the Optional's argument, not in the field's own metadata)."""
    from typing import get_args

    def marked(annotation: object) -> bool:
        metadata = getattr(annotation, "__metadata__", ())
        return any(item is FREE_TEXT for item in metadata) or any(
            marked(argument) for argument in get_args(annotation))

    return tuple(name for name, field in model.model_fields.items()
                 if FREE_TEXT in field.metadata or marked(field.annotation))


#: Member fields of free text, which ``hygiene`` checks.
FREE_TEXT_FIELDS: tuple[str, ...] = _free_text(Member)
#: The only field whose text may span lines.
MULTILINE_FIELDS: tuple[str, ...] = ("notes",)
#: The organisation's fields of free text.
ORGANISATION_TEXT_FIELDS: tuple[str, ...] = _free_text(Organisation)
#: The stated whole-registry figures, in order; ``active_by_region`` comes after them.
STATED_FIGURES: tuple[str, ...] = tuple(
    name for name, field in Stated.model_fields.items() if field.annotation is int)
#: How each stated figure is worded in messages ("... has 57 active members").
FIGURE_WORDS: dict[str, str] = {"active": "active members", "inactive": "inactive members",
                                "total": "members in total", "countries": "countries"}
#: The interface's choices (``choices``), as plain tuples.
STATUS_CHOICES: tuple[str, ...] = tuple(StatusChoice)
SORT_KEYS: tuple[str, ...] = tuple(SortKey)
OUTPUT_FORMATS: tuple[str, ...] = tuple(OutputFormat)
REPORT_FORMATS: tuple[str, ...] = tuple(ReportFormat)
