"""The JSON Schema of the registry file format, generated from the Pydantic models.

Pydantic writes the skeleton (types, required fields, patterns, ``additionalProperties``);
this module adapts it to what a TOML file can hold and adds what the models check in Python:

- TOML has no null: an optional field is left out, so ``anyOf [X, null]`` becomes ``X``;
- member ids are checked with ``propertyNames`` (not ``patternProperties``, which would let
  a key that breaks the pattern through unchecked);
- country codes become an ``enum`` of ISO 3166-1 alpha-2 codes (``countries.ALPHA_2``);
- every property gets a description, shown by editors on hover.

What JSON Schema cannot say (regions declared in the file's own ``regions``, unique and
folded-unique abbreviations, dates consistent with status, stated counts) stays in
``icor validate``. The output is stable: sorted keys, two-space indent, trailing newline.
"""

from __future__ import annotations

import json
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
TITLE = "ICOR member registry (registry.toml)"

_ROOT = (
    "The ICOR member registry: the organisation's facts, its regions, the counts it "
    "states publicly and one table per member. Checked in full by `icor validate`; "
    "written in canonical form by `icor fmt`."
)

_DEFS = {
    "Organisation": "The organisation's own facts, as it publishes them.",
    "Stated": "The counts the organisation states publicly; `icor validate` compares each "
              "with the registry's actual count.",
    "Member": "One member party or organisation. Unknown fields are errors.",
}

_DATE = "A TOML local date, e.g. 2010-10-06."

_PROPERTIES: dict[str, dict[str, str]] = {
    "Registry": {
        "schema_version": "Version of this file format; 1.",
        "organisation": "The organisation's own facts.",
        "regions": "The regions the organisation uses, in display order. Every member's "
                   "`region` is one of them.",
        "stated": "The publicly stated counts that `icor validate` checks against the "
                  "members.",
        "members": "One table per member, keyed by its id: a stable lowercase ASCII slug "
                   "([a-z0-9][a-z0-9-]*, at most 64 characters) that never changes and is "
                   "never reused.",
    },
    "Organisation": {
        "name": "Full name, as published.",
        "short_name": "Short name or abbreviation, e.g. ICOR.",
        "founded": f"Founding date. {_DATE}",
        "office": "Name of the office, as published.",
        "address": "Postal address of the office.",
        "country": "Country of the office: ISO 3166-1 alpha-2 code, upper case.",
        "phone": "Telephone number, as published.",
        "website": "Web address.",
    },
    "Stated": {
        "active": "Stated number of active members.",
        "inactive": "Stated number of inactive members.",
        "total": "Stated number of members in total.",
        "countries": "Stated number of countries with members.",
        "active_by_region": "Stated number of active members per region; keys are names "
                            "from `regions`.",
        "source": "Where the stated counts were published.",
        "as_of": f"When the stated counts were published or last checked. {_DATE}",
    },
    "Member": {
        "abbreviation": "Abbreviation as published, in any script (e.g. MLPD, БКП). Unique.",
        "name": "Name in the original language and script, as published.",
        "name_en": "English name.",
        "country": "ISO 3166-1 alpha-2 country code, upper case (e.g. DE, TR).",
        "region": "One of the file's `regions`.",
        "status": "active or inactive. Members are never deleted, only deactivated.",
        "founding": "true for a founding member of the organisation.",
        "joined": f"Date the member joined. {_DATE}",
        "deactivated": f"Date the member became inactive (inactive members only). {_DATE}",
        "deactivation_reason": "Why the member became inactive (inactive members only).",
        "notes": "Free text: sources, corrections of the published data. May span lines.",
    },
}


def _without_null(node: dict[str, Any]) -> dict[str, Any]:
    """``anyOf: [X, {type: null}]`` with ``default: null`` → ``X`` (a TOML file leaves an
    optional field out; it cannot write null)."""
    options = node.get("anyOf")
    if not isinstance(options, list):
        return node
    kept = [option for option in options if option != {"type": "null"}]
    if len(kept) == len(options):
        return node
    rest = {key: value for key, value in node.items()
            if key not in ("anyOf",) and not (key == "default" and value is None)}
    if len(kept) == 1:
        return {**kept[0], **rest}
    return {**rest, "anyOf": kept}


def _country_ref(node: dict[str, Any]) -> dict[str, Any]:
    kept = {key: value for key, value in node.items() if key not in ("type", "pattern")}
    return {**kept, "$ref": "#/$defs/CountryCode"}


def _describe(model: str, properties: dict[str, Any]) -> None:
    descriptions = _PROPERTIES[model]
    for name, node in properties.items():
        node.pop("title", None)
        if name in descriptions:
            node["description"] = descriptions[name]


def registry_schema() -> dict[str, Any]:
    """The schema of ``registry.toml`` as a JSON-ready dict."""
    from icor_cli.countries import ALPHA_2
    from icor_cli.models import SLUG_PATTERN, Registry

    schema: dict[str, Any] = Registry.model_json_schema()
    defs: dict[str, Any] = schema["$defs"]
    for name, model in [("Registry", schema), *defs.items()]:
        properties = model.get("properties", {})
        for key in list(properties):
            properties[key] = _without_null(properties[key])
            if key == "country":
                properties[key] = _country_ref(properties[key])
        _describe(name, properties)
        if name in _DEFS:
            model["description"] = _DEFS[name]

    members = schema["properties"]["members"]
    member_schema = next(iter(members.pop("patternProperties").values()))
    max_length = members.pop("propertyNames", {}).get("maxLength", 64)
    members["propertyNames"] = {"pattern": SLUG_PATTERN, "maxLength": max_length}
    members["additionalProperties"] = member_schema

    schema["properties"]["regions"]["uniqueItems"] = True

    defs["CountryCode"] = {
        "description": "ISO 3166-1 alpha-2 country code, upper case.",
        "type": "string",
        "enum": sorted(ALPHA_2),
    }
    schema.update({
        "$schema": DRAFT,
        "title": TITLE,
        "description": _ROOT,
    })
    return schema


def schema_text() -> str:
    """The schema as ``icor schema`` prints it: deterministic bytes, so a checked-in copy
    can be compared."""
    return json.dumps(registry_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
