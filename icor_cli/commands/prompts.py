"""Interactive ``icor add``: on a terminal only, every field not given as an option is
asked for; optional ones are skipped with Enter; the valid choices are shown; an invalid
answer is asked again (never the end of the command); before writing, the new member
and the count change are shown and confirmed. Ctrl-C or Ctrl-D anywhere writes nothing
(exit 130, at the CLI boundary)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, TypeVar

import typer

if TYPE_CHECKING:
    from icor_cli.changes import Change, NewMember
    from icor_cli.models import Registry

T = TypeVar("T")


def _tell(message: str) -> None:
    from icor_cli.escape import visible

    typer.echo(visible(message), err=True)


def ask(label: str, parse: Callable[[str], T], *, optional: bool = False,
        default: str | None = None) -> T | None:
    """Ask until ``parse`` accepts the answer (its UsageError is shown, then the question
    again). An empty answer to an optional question is None."""
    from icor_cli.errors import UsageError

    hint = " (Enter to skip)" if optional and default is None else ""
    while True:
        answer: str = typer.prompt(f"{label}{hint}", default=default or "",
                                   show_default=bool(default), err=True)
        if not answer.strip():
            if optional:
                return None
            _tell("  an answer is needed")
            continue
        try:
            return parse(answer)
        except UsageError as error:
            _tell(f"  {error}")


@contextmanager
def completing(words: list[str]) -> Iterator[None]:
    """Tab completes from ``words`` at the prompts inside (where readline exists)."""
    try:
        import readline
    except ImportError:  # pragma: no cover - Windows without pyreadline
        yield
        return
    old_completer, old_delims = readline.get_completer(), readline.get_completer_delims()

    def complete(text: str, state: int) -> str | None:
        folded = text.casefold()
        found = [word for word in words if word.casefold().startswith(folded)]
        return found[state] if state < len(found) else None

    readline.set_completer(complete)
    readline.set_completer_delims("")
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(old_completer)
        readline.set_completer_delims(old_delims)


def _text(option: str) -> Callable[[str], str]:
    from icor_cli.inputs import clean_text

    def parse(answer: str) -> str:
        value = clean_text(answer, option)
        assert value is not None  # the answer is not blank
        return value

    return parse


def ask_missing(registry: Registry, new: NewMember, founding_given: bool) -> None:
    """Fill in every field of ``new`` that no option gave."""
    from icor_cli.countries import resolve_country
    from icor_cli.inputs import clean_notes, parse_date
    from icor_cli.query import inferred_region, regions_of_country, resolve_region

    if not new.abbreviation:
        new.abbreviation = ask("Abbreviation (as published)", _text("abbreviation"))
    if not new.name:
        new.name = ask("Name (in the original language)", _text("name"))
    if new.name_en is None:
        new.name_en = ask("English name", _text("English name"), optional=True)
    if new.country:
        new.country = resolve_country(new.country)
    else:
        from icor_cli.countries import completion_names

        with completing(completion_names()):
            new.country = ask("Country (ISO code or name: DE, Germany, Deutschland; Tab "
                              "completes)", resolve_country)
    assert new.country is not None
    if not new.region:
        inferred = inferred_region(registry, new.country)
        regions = regions_of_country(registry, new.country)
        if regions:
            _tell(f"  {new.country}'s members are in {', '.join(regions)}")
        choices = list(registry.regions)
        _tell("Regions: " + ", ".join(f"{i}) {r}" for i, r in enumerate(choices, 1)))

        def region(answer: str) -> str:
            text = answer.strip()
            if text.isdigit() and 1 <= int(text) <= len(choices):
                return choices[int(text) - 1]
            return resolve_region(registry, text)

        new.region = ask(f"Region [1-{len(choices)} or name]", region, default=inferred)
    if not founding_given:
        new.founding = typer.confirm("A founding member of ICOR?", default=False, err=True)
    if new.joined is None:
        new.joined = ask("Joined (YYYY-MM-DD)", lambda a: parse_date(a, "joined"),
                         optional=True)
    if new.notes is None:
        new.notes = ask("Notes", lambda a: clean_notes(a, "notes") or "", optional=True)


def confirm(change: Change, before: Registry) -> bool:
    """Show the new member and how the counts move; ask whether to write it."""
    from icor_cli.figures import moved_figures

    member = change.registry.members[change.member_id]
    _tell(f"New member {change.member_id}:")
    for key, value in member.model_dump(exclude_none=True).items():
        _tell(f"  {key}: {value}")
    old, new = before.counts(), change.registry.counts()
    moved = [f"{key} {getattr(old, key)} -> {getattr(new, key)}"
             for key in ("active", "total", "countries")
             if getattr(old, key) != getattr(new, key)]
    _tell("Counts: " + ", ".join(moved))
    stale = [f.label for f in moved_figures(before, change.registry)]
    if stale:
        _tell(f"Stated figures this moves: {', '.join(stale)}")
    for warning in change.warnings:
        _tell(f"warning: {warning}")
    return typer.confirm("Add this member?", default=True, err=True)


def plan(registry: Registry, new: NewMember) -> Change:
    """The change the answers make; a refusal the answers caused (a duplicate abbreviation,
    a date before the organisation was founded) asks that field again."""
    from icor_cli.changes import plan_add
    from icor_cli.errors import UsageError
    from icor_cli.inputs import parse_date

    while True:
        try:
            return plan_add(registry, new)
        except UsageError as error:
            message = str(error)
            if "abbreviation" in message:
                _tell(f"  {message}")
                new.abbreviation = ask("Abbreviation (as published)", _text("abbreviation"))
            elif "joined" in message:
                _tell(f"  {message}")
                new.joined = ask("Joined (YYYY-MM-DD)", lambda a: parse_date(a, "joined"),
                                 optional=True)
            elif "--id" in message:
                raise
            else:
                _tell(f"  {message}")
                new.name = ask("Name (in the original language)", _text("name"))
