"""The fast canonical writer agrees with tomli-w, and the hygiene pre-scan never misses
what the value-by-value rules find."""

from __future__ import annotations

import datetime as dt
import tomllib
from typing import Any

import tomli_w
from conftest import SHIPPED
from hypothesis import given, settings
from hypothesis import strategies as st

from icor_cli.canonical import dumps
from icor_cli.checks import _SEP, _maybe_unclean, text_problems
from icor_cli.models import Registry
from icor_cli.store import dump

_scalar = st.one_of(
    st.text(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.dates(min_value=dt.date(1, 1, 1)),
    # values the fast writer leaves to tomli-w, which then renders the whole document
    st.floats(allow_nan=False), st.datetimes(), st.times(),
)
_key = st.text(min_size=0, max_size=12)
_value: st.SearchStrategy[Any] = st.recursive(
    st.one_of(_scalar, st.lists(_scalar, max_size=4)),
    lambda inner: st.one_of(st.dictionaries(_key, inner, max_size=5),
                            st.lists(st.dictionaries(_key, _scalar, max_size=2), max_size=2)),
    max_leaves=25,
)


@settings(max_examples=300)
@given(st.dictionaries(_key, _value, max_size=6))
def test_dumps_is_tomli_w(data: dict[str, Any]) -> None:
    assert dumps(data) == tomli_w.dumps(data)


def test_none_values_are_left_out() -> None:
    assert dumps({"a": {"b": None, "c": 1}, "d": None}) == "[a]\nc = 1\n"


def test_shipped_registry_is_canonical_and_round_trips() -> None:
    text = SHIPPED.read_text("utf-8")
    registry = Registry.from_data(tomllib.loads(text))
    assert dump(registry) == text
    assert dump(Registry.from_data(tomllib.loads(dump(registry)))) == text
    assert tomli_w.dumps(registry.to_data()) == text


_texts = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from([*list("aéϊаБ \t\n\xa0\u200b́Ωz_1=+-@"), "\u3000", "\ue000",
                         "\u2066", "\u00ad", "\U000e0041", "\u2028"]),
    ),
    max_size=30,
)


@settings(max_examples=500)
@given(st.lists(_texts, max_size=4), st.lists(_texts, max_size=2))
def test_prescan_never_misses_a_problem(singles: list[str], notes: list[str]) -> None:
    singles = [s.replace(_SEP, "") for s in singles]
    notes = [s.replace(_SEP, "") for s in notes]
    found = any(text_problems(s) for s in singles) or any(
        text_problems(n, multiline=True) for n in notes)
    if found:
        exported = _SEP + _SEP.join(singles) + _SEP + _SEP.join(notes)
        assert _maybe_unclean(_SEP.join(singles), _SEP.join(notes), exported)
