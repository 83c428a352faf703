"""``icor help [TOPIC|COMMAND]`` and ``icor completion SHELL``: finding one's way from the
terminal."""

from __future__ import annotations

import sys
from typing import Annotated

import typer


def help_command(
    ctx: typer.Context,
    topic: Annotated[
        str | None,
        typer.Argument(metavar="TOPIC", show_default=False,
                       help="environment, exit-codes, formats, file-format, or a command."),
    ] = None,
) -> None:
    """Show help: icor's (as --help), a command's, or a topic's.

    \b
    Topics:
      environment  every environment variable icor reads
      exit-codes   what each exit status means
      formats      the output formats, --fields and --no-header
      file-format  the registry file, key by key

    \b
    Examples:
      icor help
      icor help exit-codes
      icor help search
    """
    from icor_cli.errors import UsageError
    from icor_cli.helptopics import TOPICS

    root = ctx.find_root()
    group = root.command
    if topic is None:
        _write(root.get_help() + "\n")
        return
    if topic in TOPICS:
        _write(TOPICS[topic])
        return
    command = group.get_command(root, topic) if hasattr(group, "get_command") else None
    if command is None:
        commands = [name for name in group.list_commands(root)  # type: ignore[attr-defined]
                    if name != "help"]
        raise UsageError(f"no help topic or command {topic!r}; topics: {', '.join(TOPICS)}; "
                         f"commands: {', '.join(commands)}")
    with command.make_context(topic, ["--help"], parent=root, resilient_parsing=True) as sub:
        _write(command.get_help(sub) + "\n")


def _write(text: str) -> None:
    from icor_cli.pager import page

    page(text)


def completion(
    ctx: typer.Context,
    shell: Annotated[
        str,
        typer.Argument(metavar="SHELL", show_default=False,
                       help="bash, zsh, fish or powershell."),
    ],
) -> None:
    """Print the shell completion script for bash, zsh, fish or powershell.

    The script goes to stdout and nothing is written anywhere else; on a terminal,
    how to install it is shown on stderr. Completion offers commands and options,
    member ids (active ones for deactivate, inactive ones for reactivate), regions
    and countries from the registry in use.

    \b
    Examples:
      icor completion bash > ~/.local/share/bash-completion/completions/icor
      icor completion zsh > "${fpath[1]}/_icor"
      icor completion fish > ~/.config/fish/completions/icor.fish
      eval "$(icor completion bash)"
    """
    import typer.completion

    from icor_cli.completion import SHELLS, install_hint
    from icor_cli.errors import UsageError
    from icor_cli.render import is_terminal

    if shell not in SHELLS:
        raise UsageError(f"unknown shell {shell!r}; choose from {', '.join(SHELLS)}")
    if is_terminal(sys.stdout):
        sys.stderr.write(install_hint(shell))
        sys.stderr.flush()
    # Typer's own script for the shell (what --show-completion prints); it exits 0.
    typer.completion.show_callback(ctx, None, shell)  # type: ignore[arg-type]


def register(app: typer.Typer) -> None:
    app.command("help")(help_command)
    app.command("completion")(completion)
