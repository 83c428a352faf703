"""Arbitrary input never crashes ``icor validate``: exit 0 or 1, and never a traceback."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import tomli_w
from conftest import FIXTURE
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from icor_cli.cli import app

RUNNER = CliRunner()
FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


def _validate(path: Path) -> tuple[int, str, str]:
    result = RUNNER.invoke(app, ["-r", str(path), "validate", "--format", "json"],
                           catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def _assert_clean_failure(code: int, stdout: str, stderr: str) -> None:
    assert code in (0, 1), (code, stderr)
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    found = json.loads(stdout)
    assert all(f["line"] is None or f["line"] >= 1 for f in found)
    assert (code == 1) == any(f["severity"] == "error" for f in found)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "registry.toml"
    path.write_bytes(raw)
    _assert_clean_failure(*_validate(path))


@FUZZ
@given(st.binary(max_size=60), st.integers(min_value=0, max_value=20_000))
def test_shipped_registry_with_bytes_spliced_in(tmp_path: Path, junk: bytes, at: int) -> None:
    original = FIXTURE.read_bytes()
    at %= len(original)
    path = tmp_path / "registry.toml"
    path.write_bytes(original[:at] + junk + original[at:])
    _assert_clean_failure(*_validate(path))


_keys = st.text(min_size=1, max_size=12)
_scalars = st.one_of(
    st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False), st.text(max_size=30), st.dates(min_value=dt.date(1900, 1, 1)),
)
_values: st.SearchStrategy[Any] = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=20,
)
_member = st.fixed_dictionaries(
    {},
    optional={
        "abbreviation": st.text(max_size=10), "name": st.text(max_size=20),
        "country": st.sampled_from(["DE", "TR", "XX", "de", ""]),
        "region": st.sampled_from(["Europe", "Asia", "Mars"]),
        "status": st.sampled_from(["active", "inactive", "gone"]),
        "founding": st.booleans(), "deactivated": st.dates(), "joined": st.dates(),
        "extra": _values,
    },
)
_documents = st.one_of(
    st.dictionaries(_keys, _values, max_size=6),
    st.fixed_dictionaries({
        "schema_version": st.sampled_from([1, 2]),
        "organisation": st.fixed_dictionaries({"name": st.text(max_size=10),
                                               "short_name": st.just("ICOR"),
                                               "founded": st.dates()}),
        "regions": st.lists(st.sampled_from(["Europe", "Asia", ""]), max_size=3),
        "stated": st.fixed_dictionaries({"active": st.integers(-2, 5),
                                         "inactive": st.integers(0, 5),
                                         "total": st.integers(0, 5),
                                         "countries": st.integers(0, 5)}),
        "members": st.dictionaries(st.text(max_size=8), _member, max_size=4),
    }),
)


@FUZZ
@given(_documents)
def test_arbitrary_toml_documents(tmp_path: Path, document: dict[str, Any]) -> None:
    path = tmp_path / "registry.toml"
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    _assert_clean_failure(*_validate(path))
