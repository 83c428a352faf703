"""The ``icor`` command: global options, command registration and the one error boundary.

Commands live in ``icor_cli.commands``; each reads load → compute → render (→ save).
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from icor_cli import __version__, errors, progress, verdict
from icor_cli.commandline import CommandLine
from icor_cli.errors import IcorError, RegistryInvalid
from icor_cli.render import write_error, write_location_error


class IcorGroup(CommandLine, TyperGroup):
    """Turns every ``IcorError``, and every bad option or argument, into one line on
    stderr and its exit code."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except Exception as error:
            if _is_click_error(error):
                _report_click_error(error)
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except IcorError as error:
            if os.environ.get("ICOR_DEBUG") == "1":
                raise
            report_error(error)
            raise typer.Exit(error.exit_code) from None
        except BrokenPipeError:
            # `icor list | head`: the reader is gone; stop quietly, keeping a check's
            # verdict (`icor validate -f github | head -1` still fails on an invalid file).
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            raise typer.Exit(verdict.get()) from None
        except typer.Abort:
            # Ctrl-C or Ctrl-D at a prompt: interrupted, as anywhere else (not click's
            # "Aborted!", exit 1); the message starts below the prompt's line.
            errors.prompted()
            raise typer.Exit(errors.INTERRUPTED) from None
        except (typer.Exit, KeyboardInterrupt):
            raise
        except OSError as error:  # writing the output failed (a full disk, /dev/full)
            if os.environ.get("ICOR_DEBUG") == "1":
                raise
            errors.report(f"cannot write output: {errors.os_reason(error)}")
            raise typer.Exit(errors.IO_ERROR) from None
        except Exception as error:  # a bug: still one line, unless debugging
            if _is_click_error(error):
                _report_click_error(error)
            if os.environ.get("ICOR_DEBUG") == "1":
                raise
            errors.report_bug(error)
            raise typer.Exit(errors.INTERNAL) from None


def _is_click_error(error: Exception) -> bool:
    """A bad option or argument (click's exceptions, matched by name because typer has
    vendored click since 0.20)."""
    return any(cls.__name__ == "ClickException" for cls in type(error).__mro__)


def _report_click_error(error: Any) -> None:
    """``icor: error: No such option: --bogus (see 'icor list --help')`` and exit 2,
    instead of click's four-line usage block. Bare ``icor`` still shows the help."""
    if type(error).__name__ == "NoArgsIsHelpError":
        return
    # Typer 0.29 words its own checks as Pydantic errors ("Value error, 'x' is not...").
    message = error.format_message().replace("Value error, ", "")
    context = getattr(error, "ctx", None)
    if context is not None and any(c.__name__ == "UsageError" for c in type(error).__mro__):
        message += f" (see '{context.command_path} --help')"
    write_error(message)
    raise typer.Exit(getattr(error, "exit_code", 2)) from None


def report_error(error: IcorError) -> None:
    if isinstance(error, RegistryInvalid) and error.findings:
        for finding in error.findings:
            write_location_error(finding.format())
    else:
        write_error(str(error))


app = typer.Typer(
    cls=IcorGroup,
    name="icor",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"icor {__version__}")
        raise typer.Exit()


@app.callback()
def _global(
    ctx: typer.Context,
    registry: Annotated[
        str | None,
        typer.Option("--registry", "-r", metavar="PATH",
                     help="Registry file (default: $ICOR_REGISTRY, the nearest registry.toml "
                          "upward, else the bundled copy)."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="REV",
                     help="Read the registry as it was at git revision REV (read commands "
                          "only; -r - reads it from standard input)."),
    ] = None,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True,
                     help="Print the version and exit."),
    ] = False,
    color: Annotated[
        str,
        typer.Option("--color", metavar="WHEN",
                     help="Colour: auto (on a terminal, unless NO_COLOR), always, never."),
    ] = "auto",
    no_pager: Annotated[
        bool,
        typer.Option("--no-pager", help="Never page long output (see 'icor help environment')."),
    ] = False,
) -> None:
    """Keep the ICOR member registry (registry.toml) valid, queryable and safely editable.

    \b
    Examples:
      icor stats
      icor list --region Asia --format json | jq length
      icor validate --strict
    """
    from icor_cli.commands import Invocation

    ctx.obj = Invocation(registry, at)
    _output_options(ctx, color, no_pager)


def _output_options(ctx: typer.Context, color: str, no_pager: bool) -> None:
    """--color and --no-pager; long output on a terminal goes through the pager."""
    from icor_cli import pager
    from icor_cli.errors import UsageError

    if color not in pager.COLOR_CHOICES:
        raise UsageError(f"--color must be one of {', '.join(pager.COLOR_CHOICES)}, "
                         f"not {color!r}")
    pager.apply_color(color)
    pager.settings.enabled = not no_pager
    ctx.with_resource(pager.paging(ctx.invoked_subcommand))


def register() -> None:
    from icor_cli.commands import check, discover, fmt, history, read, write

    check.register(app)
    read.register(app)
    write.register(app)
    history.register(app)
    fmt.register(app)
    discover.register(app)
    from icor_cli.commands import publish  # render, audit

    publish.register(app)


register()


def invoked_command(args: list[str]) -> str | None:
    """The icor command named on a command line, if any (``icor -r FILE list`` → list).
    None when help or the version is asked for first: those need every command."""
    words = iter(args)
    for word in words:
        if word in ("-h", "--help", "--version"):
            return None
        if word in ("-r", "--registry", "--at"):
            next(words, None)
        elif word != "--" and not word.startswith("-"):
            names = {info.name for info in app.registered_commands}
            # sub-apps (`icor stated sync`) stay: keep_only drops commands only
            names.update(info.name for info in app.registered_groups
                         if isinstance(info.name, str))
            return word if word in names else None
    return None


def keep_only(name: str) -> None:
    """Typer turns every registered command into a click command on each run (15 to
    30 ms for icor's ten, from their signatures); a run needs only the one it invokes.
    Help, completion and unknown names keep them all, for listings and suggestions."""
    if name in NEEDS_EVERY_COMMAND:
        return
    app.registered_commands[:] = [info for info in app.registered_commands
                                  if info.name == name]


#: Commands that list or describe the others.
NEEDS_EVERY_COMMAND = frozenset({"help"})


def run(args: list[str]) -> int:
    """Run one icor command line; the exit status. ``main.main`` is the console script."""
    progress.allow()
    name = invoked_command(args)
    if name is not None and "_ICOR_COMPLETE" not in os.environ:
        keep_only(name)
    try:
        app(args=args, prog_name="icor")
    except SystemExit as done:
        status = errors.exit_status(done.code)
    else:
        status = errors.OK
    if status == errors.INTERRUPTED or errors.interrupted.is_set():
        return errors.INTERRUPTED
    return status
