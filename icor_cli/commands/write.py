"""``icor add``, ``icor deactivate`` and ``icor reactivate``, and the one write path
every command that changes the file takes (``edit``, ``stated sync``, ``import`` and
``fmt`` live in their own modules and use it too).

Each reads → changes (``changes.py``, ``figures.py``: pure) → saves (``save.py``), with
the read, the change and the save under the registry's lock, so concurrent writers all
land. Only ``typer`` is imported at start-up: the TOML writer, the lock and the checks
load when a command runs.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

import typer

from icor_cli.commands import source
from icor_cli.escape import message as one_line

if TYPE_CHECKING:
    import datetime as dt

    from icor_cli.changes import Change
    from icor_cli.figures import Figure
    from icor_cli.models import Registry
    from icor_cli.store import Loaded, RegistrySource

DryRun = Annotated[
    bool, typer.Option("--dry-run", help="Print the change as a unified diff; write nothing."),
]
UpdateStated = Annotated[
    bool,
    typer.Option("--update-stated",
                 help="Also move the [stated] counts by exactly this change, in the same write."),
]


def _say(where: RegistrySource, message: str) -> None:
    """A diagnostic line on stderr (stdout is kept for data: ids and diffs)."""
    typer.echo(one_line(f"{where.display}: {message}"), err=True)


def refuse_bundled(where: RegistrySource) -> None:
    from icor_cli.errors import UsageError

    if where.readonly:
        raise UsageError(f"{where.display} is read-only ({where.readonly}); write to a file: "
                         "drop --at and -r -, or give --registry PATH")
    if where.bundled:
        raise UsageError(
            f"the bundled registry ({where.display}) is read-only; point icor at a writable "
            "file with --registry PATH (icor -r PATH ...) or ICOR_REGISTRY=PATH"
        )


def require_canonical(loaded: Loaded) -> None:
    """Refuse (exit 1) to rewrite a file the canonical form would change: rewriting would
    drop what it does not keep, such as comments."""
    from icor_cli.errors import Finding, RegistryInvalid
    from icor_cli.store import first_non_canonical_line

    line = first_non_canonical_line(loaded.text, loaded.registry)
    if line is None:
        return
    message = ("not in canonical form, so writing it would drop what the canonical form "
               "does not keep (comments, layout); nothing written. Run `icor fmt` first "
               "(`icor fmt --diff` shows what it changes)")
    raise RegistryInvalid([Finding("format", "error", loaded.source.display, message, line, 1)])


@dataclass(frozen=True)
class Outcome:
    """A change ready to write: the change, the stated figures it moves, the new text (the
    file's own when nothing is to be written), and what ``--update-stated`` did or why
    it did nothing, when that needs saying."""

    change: Change
    figures: list[Figure]
    text: str
    stated_note: str | None = None


def _align_unchanged(registry: Registry, change: Change) -> tuple[Registry | None, str]:
    """``--update-stated`` on a command that changed nothing: bring the stated figures in
    line with the command's effect, which was already there, when they still describe the
    registry as it was before that effect; otherwise say why not. Never a note or any
    other record of a change that did not happen."""
    from icor_cli.figures import compare, moved_figures, update_stated

    stale = [row for row in compare(registry) if not row.matches]
    if not stale:
        return None, "stated figures already match the registry; nothing to update"
    listed = ", ".join(f"{row.label} {row.stated} (actual {row.actual})" for row in stale)
    undone = change.undone
    if undone is not None and all(row.matches for row in compare(
            undone.model_copy(update={"stated": registry.stated}))):
        figures = moved_figures(undone, registry)
        moved = ", ".join(f"{f.label} {f.stated} -> {f.stated + f.delta}" for f in figures)
        return update_stated(registry, figures), (
            f"the stated figures still described the registry before this; updated: {moved}")
    if undone is None:
        return None, (f"stated figures not updated: this command moves none, and they "
                      f"differ from the registry ({listed}); run 'icor stated sync' once "
                      "the published figures match")
    return None, (f"stated figures not updated: they differ from the registry ({listed}) "
                  "by more than this command's effect; run 'icor stated sync' once the "
                  "published figures match")


def _compute(loaded: Loaded, compute: Callable[[Registry], Change],
             update_stated: bool) -> Outcome:
    from icor_cli import figures as stated
    from icor_cli.store import dump

    change = compute(loaded.registry)
    if not change.changed:
        if not update_stated:
            return Outcome(change, [], loaded.text)
        aligned, note = _align_unchanged(loaded.registry, change)
        return Outcome(change, [], loaded.text if aligned is None else dump(aligned), note)
    figures = stated.moved_figures(loaded.registry, change.registry)
    after = change.registry
    if update_stated and figures:
        after = stated.update_stated(after, figures)
    return Outcome(change, figures, dump(after))


def write_outcome(where: RegistrySource, compute: Callable[[Loaded], Outcome], *,
                  dry_run: bool) -> Outcome:
    """Load, compute, and save the outcome's text when it differs from the file's (or,
    with ``dry_run``, print the diff): the one path every write command takes."""
    from icor_cli import save, store
    from icor_cli.render import write_diff
    from icor_cli.textdiff import unified_diff

    if dry_run:
        loaded = store.load(where)
        require_canonical(loaded)
        outcome = compute(loaded)
        if outcome.text != loaded.text:
            write_diff(unified_diff(loaded.text, outcome.text, where.display))
        return outcome
    refuse_bundled(where)
    with save.locked(where):
        loaded = store.load(where)
        require_canonical(loaded)
        outcome = compute(loaded)
        if outcome.text != loaded.text:
            save.save(where, loaded.raw, outcome.text)
    return outcome


def apply_change(where: RegistrySource, compute: Callable[[Registry], Change], *,
                 dry_run: bool, update_stated: bool) -> Change:
    """Load, change, and save (or, with ``dry_run``, print the diff), then report."""
    outcome = write_outcome(
        where, lambda loaded: _compute(loaded, compute, update_stated), dry_run=dry_run)
    report(where, outcome, dry_run=dry_run, update_stated=update_stated)
    return outcome.change


def report(where: RegistrySource, outcome: Outcome, *, dry_run: bool,
           update_stated: bool) -> None:
    from icor_cli.figures import out_of_date

    change = outcome.change
    if not change.changed:
        _say(where, change.summary)
        if outcome.stated_note:
            _say(where, outcome.stated_note + (" (dry run: nothing written)"
                                               if dry_run and "updated:" in
                                               outcome.stated_note else ""))
        return
    _say(where, change.summary + (" (dry run: nothing written)" if dry_run else ""))
    for warning in change.warnings:
        _say(where, f"warning: {warning}")
    if update_stated:
        if outcome.figures:
            moved = ", ".join(f"{f.label} {f.stated} -> {f.stated + f.delta}"
                              for f in outcome.figures)
            _say(where, f"stated counts {'would be ' if dry_run else ''}updated: {moved}")
        return
    stale = out_of_date(outcome.figures)
    if stale:
        listed = ", ".join(f"{f.label} {f.stated} (now {f.actual})" for f in stale)
        _say(where, f"stated figures now out of date: {listed}; `icor validate` reports them "
                    "until [stated] is updated (--update-stated does it with the change, "
                    "'icor stated sync' once the published figures match)")


def _interactive() -> bool:
    """Prompt only for a person: stdin and stdout both terminals."""
    try:
        return sys.stdin.isatty() and sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


# --- add -------------------------------------------------------------------------------


def add(
    ctx: typer.Context,
    abbreviation: Annotated[
        str | None, typer.Option("--abbreviation", "-a", help="Abbreviation, as published "
                                 "(any script). Required."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Name in the original language. "
                                 "Required."),
    ] = None,
    name_en: Annotated[str | None, typer.Option("--name-en", help="English name.")] = None,
    country: Annotated[
        str | None, typer.Option("--country", "-c", help="ISO 3166-1 code or a name, English "
                                 "or the country's own (DE, DEU, Germany, Deutschland). "
                                 "Required."),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="One of the registry's regions (any case); "
                                 "default: the region of the country's members."),
    ] = None,
    founding: Annotated[
        bool | None, typer.Option("--founding/--no-founding", show_default=False,
                                  help="A founding member of ICOR (default: not)."),
    ] = None,
    joined: Annotated[
        str | None, typer.Option("--joined", metavar="YYYY-MM-DD", help="Date it joined."),
    ] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="Free-text notes.")] = None,
    member_id: Annotated[
        str | None, typer.Option("--id", help="The id (lowercase slug); default: from the "
                                 "abbreviation, made unique."),
    ] = None,
    dry_run: DryRun = False,
    update_stated: UpdateStated = False,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="On a terminal, write without asking to "
                           "confirm."),
    ] = False,
) -> None:
    """Add an active member; print its id.

    The id is the abbreviation transliterated to a lowercase slug (БКП -> bkp); when taken,
    the country code is appended (pcr-fr), then -2, -3. On a terminal, missing required
    fields are asked for, with every other field not given (Enter skips an optional
    one), and the new member is shown to confirm (--yes skips that); otherwise missing
    fields are an error (exit 2) naming every one. Nothing is written if the result
    would be invalid (duplicate abbreviation, unknown country or
    region: exit 2).

    \b
    Examples:
      icor add --abbreviation PCL --name "Partido Comunista de Lorem" --country Chile
      icor add -a KP -n "Komunistická partie" -c CZ --region europe --dry-run
      icor add -a NP -n "New Party" -c TR --joined 2025-06-01 --founding --update-stated
    """
    from icor_cli.changes import NewMember, missing_options, plan_add
    from icor_cli.inputs import clean_notes, clean_text, parse_date
    from icor_cli.store import load

    where = source(ctx)
    new = NewMember(
        member_id=clean_text(member_id, "--id"),
        abbreviation=clean_text(abbreviation, "--abbreviation"),
        name=clean_text(name, "--name"), name_en=clean_text(name_en, "--name-en"),
        country=clean_text(country, "--country"), region=clean_text(region, "--region"),
        founding=bool(founding), joined=parse_date(joined, "--joined") if joined else None,
        notes=clean_notes(notes),
    )
    if _interactive() and (missing_options(new) or not new.region):
        from icor_cli.commands import prompts

        if not dry_run:
            refuse_bundled(where)
        registry = load(where).registry
        prompts.ask_missing(registry, new, founding_given=founding is not None)
        planned = prompts.plan(registry, new)
        if not yes and not prompts.confirm(planned, registry):
            _say(where, "not added; nothing written")
            return
    change = apply_change(where, lambda registry: plan_add(registry, new),
                          dry_run=dry_run, update_stated=update_stated)
    if not dry_run:
        typer.echo(change.member_id)


# --- deactivate, reactivate ------------------------------------------------------------

MemberArgument = Annotated[
    str, typer.Argument(metavar="MEMBER", help="Id, abbreviation (any case or script), or "
                        "name or English name (or a unique beginning of one)."),
]


def _date(value: str | None, option: str) -> dt.date:
    from icor_cli.clock import today
    from icor_cli.inputs import parse_date

    return parse_date(value, option) if value is not None else today()


def deactivate(
    ctx: typer.Context,
    member: MemberArgument,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (kept in deactivation_reason)."),
    ] = None,
    date: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD",
                                 help="Date of deactivation (default: today)."),
    ] = None,
    dry_run: DryRun = False,
    update_stated: UpdateStated = False,
) -> None:
    """Mark a member inactive, with the date and reason; nothing is deleted.

    Deactivating a member that is already inactive changes nothing (exit 0).

    \b
    Examples:
      icor deactivate aptuf --reason "Left ICOR" --date 2024-03-01
      icor deactivate БКП --dry-run
      icor deactivate mlpd --update-stated
    """
    from icor_cli.changes import deactivate_member
    from icor_cli.inputs import clean_text
    from icor_cli.query import find_member

    where = source(ctx)
    when = _date(date, "--date")
    because = clean_text(reason, "--reason")

    def compute(registry: Registry) -> Change:
        member_id, _ = find_member(registry, member)
        return deactivate_member(registry, member_id, date=when, reason=because)

    apply_change(where, compute, dry_run=dry_run, update_stated=update_stated)


def reactivate(
    ctx: typer.Context,
    member: MemberArgument,
    date: Annotated[
        str | None, typer.Option("--date", metavar="YYYY-MM-DD",
                                 help="Date of reactivation, for the note (default: today)."),
    ] = None,
    dry_run: DryRun = False,
    update_stated: UpdateStated = False,
) -> None:
    """Mark an inactive member active again, keeping its history in notes.

    deactivated and deactivation_reason are removed (an active member has none); a line
    "Reactivated DATE; had been inactive since DATE (REASON)." is appended to notes, so the
    record is not lost. Reactivating an active member changes nothing (exit 0).

    \b
    Examples:
      icor reactivate aptuf
      icor reactivate aptuf --date 2025-01-15 --update-stated
      icor reactivate aptuf --dry-run
    """
    from icor_cli.changes import reactivate_member
    from icor_cli.query import find_member

    where = source(ctx)
    when = _date(date, "--date")

    def compute(registry: Registry) -> Change:
        member_id, _ = find_member(registry, member)
        return reactivate_member(registry, member_id, date=when)

    apply_change(where, compute, dry_run=dry_run, update_stated=update_stated)


def register(app: typer.Typer) -> None:
    from icor_cli.commands import edit, importing, stated

    app.command("add")(add)
    app.command("deactivate")(deactivate)
    app.command("reactivate")(reactivate)
    edit.register(app)
    stated.register(app)
    importing.register(app)
