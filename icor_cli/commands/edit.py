"""``icor edit MEMBER``: change any field of one member but the id and the status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from icor_cli.commands import source
from icor_cli.commands.write import DryRun, MemberArgument, UpdateStated, apply_change

if TYPE_CHECKING:
    from icor_cli.changes import Change
    from icor_cli.models import Registry

#: ``--unset`` takes a field's name or its option's (``reason``, ``name-en``).
UNSET_NAMES = {"name_en": "name_en", "name-en": "name_en", "joined": "joined",
               "deactivated": "deactivated", "deactivation_reason": "deactivation_reason",
               "deactivation-reason": "deactivation_reason", "reason": "deactivation_reason",
               "notes": "notes"}


def _unset_field(text: str) -> str:
    from icor_cli.errors import UsageError

    key = text.strip().lower().removeprefix("--")
    if key in UNSET_NAMES:
        return UNSET_NAMES[key]
    required = ("abbreviation", "name", "country", "region", "founding", "status", "id")
    why = (f"{key} is required" if key in required
           else f"no optional field {text!r}")
    raise UsageError(f"--unset: {why}; optional fields: name_en, joined, deactivated, "
                     "deactivation_reason (reason), notes")


def edit(
    ctx: typer.Context,
    member: MemberArgument,
    abbreviation: Annotated[
        str | None, typer.Option("--abbreviation", "-a", help="New abbreviation (stays "
                                 "unique, as in add)."),
    ] = None,
    name: Annotated[str | None, typer.Option("--name", "-n", help="New name.")] = None,
    name_en: Annotated[str | None, typer.Option("--name-en", help="New English name.")] = None,
    country: Annotated[
        str | None, typer.Option("--country", "-c", help="New country: ISO code or name. "
                                 "The region follows when the country's members agree on "
                                 "one (said so); --region sets it."),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="New region (any case)."),
    ] = None,
    founding: Annotated[
        bool | None, typer.Option("--founding/--no-founding", show_default=False,
                                  help="A founding member, or not."),
    ] = None,
    joined: Annotated[
        str | None, typer.Option("--joined", metavar="YYYY-MM-DD", help="Date it joined."),
    ] = None,
    deactivated: Annotated[
        str | None, typer.Option("--deactivated", metavar="YYYY-MM-DD",
                                 help="Date of deactivation (inactive members only)."),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Deactivation reason (inactive members "
                                 "only)."),
    ] = None,
    notes: Annotated[
        str | None, typer.Option("--notes", help="New notes (replace the old ones)."),
    ] = None,
    unset: Annotated[
        list[str] | None, typer.Option("--unset", metavar="FIELD",
                                       help="Remove an optional field: name_en, joined, "
                                            "deactivated, reason, notes (repeatable)."),
    ] = None,
    dry_run: DryRun = False,
    update_stated: UpdateStated = False,
) -> None:
    """Change fields of one member; the id and the status never change here.

    Values are checked as in add (a new abbreviation stays unique, dates are not before
    the organisation was founded...). Status changes stay with deactivate and
    reactivate. Changing nothing is exit 0 ("nothing changed").

    \b
    Examples:
      icor edit rm --name-en "Red Morning"
      icor edit "Rode Morgen" --joined 2012-05-01 --notes "Observer from 2011"
      icor edit aptuf --reason "Left ICOR" --deactivated 2024-03-01 --dry-run
      icor edit mlpd --unset notes
      icor edit mlpd --region Asia --update-stated
    """
    from icor_cli.changes import edit_member, resolve_edit
    from icor_cli.errors import UsageError
    from icor_cli.inputs import clean_notes, clean_text, parse_date
    from icor_cli.query import find_member

    where = source(ctx)
    given: dict[str, Any] = {}
    for field, option, value in (
        ("abbreviation", "--abbreviation", abbreviation), ("name", "--name", name),
        ("name_en", "--name-en", name_en), ("country", "--country", country),
        ("region", "--region", region), ("deactivation_reason", "--reason", reason),
    ):
        if value is not None:
            cleaned = clean_text(value, option)
            if cleaned is None:
                raise UsageError(f"{option} is empty (use --unset to remove an optional "
                                 "field)")
            given[field] = cleaned
    if notes is not None:
        cleaned = clean_notes(notes)
        if cleaned is None:
            raise UsageError("--notes is empty (use --unset notes to remove them)")
        given["notes"] = cleaned
    if founding is not None:
        given["founding"] = founding
    if joined is not None:
        given["joined"] = parse_date(joined, "--joined")
    if deactivated is not None:
        given["deactivated"] = parse_date(deactivated, "--deactivated")
    removed = tuple(dict.fromkeys(_unset_field(text) for text in unset or ()))
    def compute(registry: Registry) -> Change:
        member_id, _ = find_member(registry, member)
        return edit_member(registry, member_id, resolve_edit(registry, given), removed)

    apply_change(where, compute, dry_run=dry_run, update_stated=update_stated)


def register(app: typer.Typer) -> None:
    app.command("edit")(edit)
