"""``icor schema``: the JSON Schema of the file format, and its checked-in copy."""

from __future__ import annotations

import copy
import datetime as dt
import json
import os
import tomllib
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from conftest import FIXTURE, ROOT, Result

from icor_cli.countries import ALPHA_2
from icor_cli.jsonschema import registry_schema, schema_text

Run = Callable[..., Result]

CHECKED_IN = ROOT / "registry.schema.json"
Validator = jsonschema.Draft202012Validator


def as_json(value: Any) -> Any:
    """TOML data as a JSON document: dates become ISO strings (``"format": "date"``)."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(CHECKED_IN.read_text(encoding="utf-8"))
    Validator.check_schema(schema)
    return Validator(schema, format_checker=Validator.FORMAT_CHECKER)


@pytest.fixture
def shipped() -> dict[str, Any]:
    with FIXTURE.open("rb") as stream:
        data: dict[str, Any] = as_json(tomllib.load(stream))
    return data


def errors(validator: jsonschema.protocols.Validator, document: Any) -> list[str]:
    return sorted(
        f"{'/'.join(map(str, error.absolute_path))}: {error.validator}"
        for error in validator.iter_errors(document)
    )


def test_icor_schema_prints_the_checked_in_file(icor: Run) -> None:
    result = icor("schema")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == CHECKED_IN.read_text(encoding="utf-8"), (
        "registry.schema.json is out of date: run `icor schema > registry.schema.json`"
    )


def test_output_is_stable() -> None:
    """The same bytes from separate processes (set and dict orders vary between runs)."""
    import subprocess
    import sys

    text = schema_text()
    for seed in ("1", "2", "3"):
        done = subprocess.run([sys.executable, "-m", "icor_cli", "schema"], check=True,
                              capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.stdout == text
    assert text.endswith("}\n")
    assert text == json.dumps(json.loads(text), indent=2, sort_keys=True,
                              ensure_ascii=False) + "\n"


def test_schema_is_draft_2020_12_with_title() -> None:
    schema = registry_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"]
    assert schema["description"]
    Validator.check_schema(schema)


def test_every_property_is_described() -> None:
    """Editors show descriptions on hover; a new field without one fails here."""
    schema = registry_schema()
    models = {"Registry": schema, **schema["$defs"]}
    for name, model in models.items():
        assert model.get("description"), name
        for key, node in model.get("properties", {}).items():
            assert node.get("description"), f"{name}.{key} has no description"


def test_no_nulls_a_toml_file_cannot_hold() -> None:
    assert '"null"' not in schema_text()


def test_shipped_registry_validates(validator: jsonschema.protocols.Validator,
                                   shipped: dict[str, Any]) -> None:
    assert errors(validator, shipped) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["members"]["bkp"].update(country="XX"), "members/bkp/country: enum"),
        (lambda d: d["members"]["bkp"].update(country="bg"), "members/bkp/country: enum"),
        (lambda d: d["members"]["bkp"].update(status="gone"), "members/bkp/status: enum"),
        (lambda d: d["members"]["bkp"].update(colour="red"),
         "members/bkp: additionalProperties"),
        (lambda d: d["members"]["bkp"].pop("name"), "members/bkp: required"),
        (lambda d: d["members"]["bkp"].update(name=" padded"), "members/bkp/name: pattern"),
        (lambda d: d["members"]["bkp"].update(founding="yes"), "members/bkp/founding: type"),
        (lambda d: d["members"]["bkp"].update(joined="2020-13-45"),
         "members/bkp/joined: format"),
        (lambda d: d["members"].update({"Not A Slug": d["members"]["bkp"]}),
         "members: pattern"),
        (lambda d: d["members"].update({"x" * 65: d["members"]["bkp"]}),
         "members: maxLength"),
        (lambda d: d["stated"].update(active=-1), "stated/active: minimum"),
        (lambda d: d.update(schema_version=2), "schema_version: const"),
        (lambda d: d.update(regions=[]), "regions: minItems"),
        (lambda d: d.update(regions=["Asia", "Asia"]), "regions: uniqueItems"),
        (lambda d: d["organisation"].update(country="ZZ"), "organisation/country: enum"),
        (lambda d: d.pop("stated"), ": required"),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_broken_documents_fail(validator: jsonschema.protocols.Validator,
                               shipped: dict[str, Any],
                               change: Callable[[dict[str, Any]], object],
                               expected: str) -> None:
    document = copy.deepcopy(shipped)
    change(document)
    assert expected in errors(validator, document)


def test_country_codes_are_iso_3166_alpha_2() -> None:
    schema = registry_schema()
    assert schema["$defs"]["CountryCode"]["enum"] == sorted(ALPHA_2)
    assert schema["$defs"]["Member"]["properties"]["country"]["$ref"] == "#/$defs/CountryCode"


def test_schema_needs_no_registry(icor: Run, tmp_path: Any) -> None:
    """Printing the schema reads no registry, so it works anywhere, even with a broken or
    missing one."""
    result = icor("-r", str(tmp_path / "missing.toml"), "schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["title"]


def test_taplo_config_associates_the_schema_with_registry_toml() -> None:
    with (ROOT / ".taplo.toml").open("rb") as stream:
        config = tomllib.load(stream)
    rules = [rule for rule in config["rule"] if "registry.toml" in rule.get("include", [])]
    assert rules, ".taplo.toml has no rule for registry.toml"
    for rule in rules:
        assert "**/registry.toml" in rule["include"]
        assert (ROOT / rule["schema"]["path"]) == CHECKED_IN


def test_taplo_checks_registry_toml_against_the_schema(tmp_path: Any) -> None:
    """The editor's view, where the taplo CLI is installed (``npm install @taplo/cli``)."""
    import shutil
    import subprocess

    taplo = shutil.which("taplo")
    if taplo is None:
        pytest.skip("the taplo CLI is not installed")
    for name in (".taplo.toml", "registry.schema.json"):
        shutil.copyfile(ROOT / name, tmp_path / name)
    registry = tmp_path / "registry.toml"
    shutil.copyfile(FIXTURE, registry)
    good = subprocess.run([taplo, "check", "registry.toml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0, good.stderr
    registry.write_text(FIXTURE.read_text(encoding="utf-8").replace(
        'country = "PK"', 'country = "XX"', 1), encoding="utf-8")
    bad = subprocess.run([taplo, "check", "registry.toml"], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0
    assert '"XX" is not one of' in bad.stderr
