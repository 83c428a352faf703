"""``icor fmt``: rewriting the registry in canonical form (or checking that it is)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from icor_cli.commands import source

if TYPE_CHECKING:
    from icor_cli.errors import IcorError
    from icor_cli.store import RegistrySource


def _say(where: RegistrySource, message: str) -> None:
    """A diagnostic line on stderr (stdout is kept for data: diffs)."""
    from icor_cli.escape import visible

    typer.echo(visible(f"{where.display}: {message}"), err=True)


FilesArgument = Annotated[
    list[str] | None,
    typer.Argument(metavar="FILE", show_default=False,
                   help="Registry files, each on its own (default: the registry in use, "
                        "see --registry)."),
]


def fmt(
    ctx: typer.Context,
    files: FilesArgument = None,
    check: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if a file is not in "
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
    Files given as arguments are handled each on its own, then one summary
    line; exit 1 if any is not canonical (--check) or cannot be rewritten.

    \b
    Examples:
      icor fmt
      icor fmt --check --diff
      icor fmt --drop-comments
      icor fmt --check a/registry.toml b/registry.toml
    """
    from icor_cli.commands.check import file_sources
    from icor_cli.errors import IcorError

    targets = file_sources(files) if files else [source(ctx)]
    if len(targets) == 1:
        if _fmt_one(targets[0], check=check, diff=diff, drop_comments=drop_comments) == "bad":
            raise typer.Exit(1)
        return
    outcomes: dict[str, int] = {}
    code = 0
    for where in targets:
        try:
            outcome = _fmt_one(where, check=check, diff=diff, drop_comments=drop_comments)
        except IcorError as error:
            _report(error)
            outcome = "failed"
            code = max(code, error.exit_code)
        else:
            if outcome == "bad":
                code = max(code, 1)
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    labels = {"bad": "not in canonical form", "differs": "would be rewritten",
              "rewritten": "rewritten",
              "canonical": "already in canonical form", "failed": "failed"}
    parts = [f"{outcomes[key]} {label}" for key, label in labels.items() if key in outcomes]
    typer.echo(f"{len(targets)} files: " + ", ".join(parts), err=True)
    if code:
        raise typer.Exit(code)


def _report(error: IcorError) -> None:
    """One file's error, as the CLI would print it, so the others can still be handled."""
    from icor_cli.errors import RegistryInvalid
    from icor_cli.render import write_error, write_location_error

    if isinstance(error, RegistryInvalid) and error.findings:
        for finding in error.findings:
            write_location_error(finding.format())
    else:
        write_error(str(error))


def _fmt_one(where: RegistrySource, *, check: bool, diff: bool, drop_comments: bool) -> str:
    """Format (or check) one file: ``canonical``, ``rewritten``, ``differs`` (--diff
    printed a change) or ``bad`` (not canonical, with --check); errors are raised."""
    from icor_cli import save, store
    from icor_cli.commands.write import refuse_bundled
    from icor_cli.errors import IcorError
    from icor_cli.escape import visible
    from icor_cli.render import write_diff
    from icor_cli.textdiff import unified_diff
    from icor_cli.tomlpos import comment_lines

    writing = not (check or diff)
    if writing:
        refuse_bundled(where)
        with save.locked(where):
            loaded = store.load(where)
            canonical = store.dump(loaded.registry)
            if loaded.text == canonical:
                _say(where, "already in canonical form")
                return "canonical"
            comments = comment_lines(loaded.text)
            if comments and not drop_comments:
                for number, line in comments:
                    typer.echo(visible(f"{where.display}:{number}: {line.strip()}"), err=True)
                raise IcorError(
                    f"{where.display}: the canonical form would drop the {len(comments)} "
                    f"comment line{'s' * (len(comments) != 1)} above; move what matters into "
                    "notes, or rerun with --drop-comments; nothing written"
                )
            save.save(where, loaded.raw, canonical)
        dropped = (f", {len(comments)} comment line{'s' * (len(comments) != 1)} dropped"
                   if comments else "")
        _say(where, f"rewritten in canonical form{dropped}")
        return "rewritten"
    loaded = store.load(where)
    canonical = store.dump(loaded.registry)
    if loaded.text == canonical:
        _say(where, "already in canonical form")
        return "canonical"
    if diff:
        write_diff(unified_diff(loaded.text, canonical, where.display))
    comments = comment_lines(loaded.text)
    if comments:
        _say(where, f"the canonical form drops {len(comments)} comment "
                    f"line{'s' * (len(comments) != 1)}: "
                    + ", ".join(str(number) for number, _ in comments))
    if check:
        _say(where, "not in canonical form (run `icor fmt`)")
        return "bad"
    return "differs"


def register(app: typer.Typer) -> None:
    app.command("fmt")(fmt)
