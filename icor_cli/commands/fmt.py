"""``icor fmt``: rewriting the registry in canonical form (or checking that it is)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from icor_cli.commands import source

if TYPE_CHECKING:
    from icor_cli.store import RegistrySource


def _say(where: RegistrySource, message: str) -> None:
    """A diagnostic line on stderr (stdout is kept for data: diffs)."""
    typer.echo(f"{where.display}: {message}", err=True)


def fmt(
    ctx: typer.Context,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the file is not in "
                           "canonical form."),
    ] = False,
    diff: Annotated[
        bool, typer.Option("--diff", help="Print the change as a unified diff; write nothing."),
    ] = False,
    drop_comments: Annotated[
        bool, typer.Option("--drop-comments", help="Rewrite even though the file has comments "
                           "(the canonical form has none; they are lost)."),
    ] = False,
) -> None:
    """Rewrite the registry in canonical form (what every write command produces).

    The canonical form is deterministic: the same data always gives the same bytes, and a
    one-member change changes only that member's lines. Comments are not part of the format
    (use notes): fmt lists the comment lines it would drop and refuses (exit 1) unless
    --drop-comments is given.

    \b
    Examples:
      icor fmt
      icor fmt --check --diff
      icor fmt --drop-comments
    """
    from icor_cli import edit, save, store
    from icor_cli.commands.write import refuse_bundled
    from icor_cli.errors import IcorError

    where = source(ctx)
    writing = not (check or diff)
    if writing:
        refuse_bundled(where)
        with save.locked(where):
            loaded = store.load(where)
            canonical = store.dump(loaded.registry)
            if loaded.text == canonical:
                _say(where, "already in canonical form")
                return
            comments = edit.comment_lines(loaded.text)
            if comments and not drop_comments:
                for number, line in comments:
                    typer.echo(f"{where.display}:{number}: {line.strip()}", err=True)
                raise IcorError(
                    f"{where.display}: the canonical form would drop the {len(comments)} "
                    f"comment line{'s' * (len(comments) != 1)} above; move what matters into "
                    "notes, or rerun with --drop-comments; nothing written"
                )
            save.save(where, loaded.raw, canonical)
        dropped = (f", {len(comments)} comment line{'s' * (len(comments) != 1)} dropped"
                   if comments else "")
        _say(where, f"rewritten in canonical form{dropped}")
        return
    loaded = store.load(where)
    canonical = store.dump(loaded.registry)
    if loaded.text == canonical:
        _say(where, "already in canonical form")
        return
    if diff:
        sys.stdout.write(edit.unified_diff(loaded.text, canonical, where.display))
    comments = edit.comment_lines(loaded.text)
    if comments:
        _say(where, f"the canonical form drops {len(comments)} comment "
                    f"line{'s' * (len(comments) != 1)}: "
                    + ", ".join(str(number) for number, _ in comments))
    if check:
        _say(where, "not in canonical form (run `icor fmt`)")
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("fmt")(fmt)
