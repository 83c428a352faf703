"""The JSON Schema of the registry file format, generated from the Pydantic models.

Pydantic writes the skeleton (types, required fields, patterns, ``additionalProperties``);
this module adapts it to what a TOML file can hold and adds what the models check in Python:

- TOML has no null: an optional field is left out, so ``anyOf [X, null]`` becomes ``X``;
- member ids are checked with ``propertyNames`` (not ``patternProperties``, which would let
  a key that breaks the pattern through unchecked);
- country codes become an ``enum`` of ISO 3166-1 alpha-2 codes (``countries.ALPHA_2``);
- every property keeps the description the models give it, shown by editors on hover.

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


def _untitle(properties: dict[str, Any]) -> None:
    """Pydantic titles each property after its name; the descriptions say more."""
    for node in properties.values():
        node.pop("title", None)


def registry_schema() -> dict[str, Any]:
    """The schema of ``registry.toml`` as a JSON-ready dict."""
    from icor_cli.countries import ALPHA_2
    from icor_cli.models import MAX_ID_LENGTH, SLUG_PATTERN, Registry

    schema: dict[str, Any] = Registry.model_json_schema()
    defs: dict[str, Any] = schema["$defs"]
    for name, model in [("Registry", schema), *defs.items()]:
        properties = model.get("properties", {})
        for key in list(properties):
            properties[key] = _without_null(properties[key])
            if key == "country":
                properties[key] = _country_ref(properties[key])
        _untitle(properties)
        if name in _DEFS:
            model["description"] = _DEFS[name]

    members = schema["properties"]["members"]
    member_schema = next(iter(members.pop("patternProperties").values()))
    max_length = members.pop("propertyNames", {}).get("maxLength", MAX_ID_LENGTH)
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
