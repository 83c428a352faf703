"""How icor's command line reads: help sections, plain usage words, and ``-r`` after the
command name.

``CommandLine`` is a mixin for the app's click group (``cli.IcorGroup``). It changes no
command: each command is adjusted as the group hands it out (``get_command``), so a
command someone adds later gets the same treatment without doing anything.

To place a new command in ``icor --help``, add its name to ``COMMAND_GROUPS``; a command
missing from it is listed under "Other", never hidden.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any

#: Help sections of ``icor --help``, in order, and the commands in each, in order.
COMMAND_GROUPS: dict[str, tuple[str, ...]] = {
    "Read": ("list", "show", "search", "stats", "stated"),
    "Change": ("add", "edit", "deactivate", "reactivate", "import"),
    "Check": ("validate", "fmt", "schema", "audit"),
    "History": ("diff", "log", "merge"),
    "Publish": ("render",),
    "Help": ("help", "completion"),
}
OTHER_GROUP = "Other"
REGISTRY_OPTION = "registry"
_COMPLETION_HELP = {
    "install_completion": "Install completion for the current shell, or for the shell "
                          "named after it (bash, zsh, fish, powershell).",
    "show_completion": "Print the completion script for the current shell, or for the "
                       "shell named after it (see also: icor completion SHELL).",
}
_ADJUSTED = "_icor_adjusted"


def group_of(name: str) -> str:
    for group, names in COMMAND_GROUPS.items():
        if name in names:
            return group
    return OTHER_GROUP


def summary(command: Any) -> str:
    """The first paragraph of a command's help, whole (click cuts it at 45 columns)."""
    if command.short_help:
        return str(inspect.cleandoc(command.short_help))
    text = inspect.cleandoc(command.help or "").partition("\f")[0]
    return " ".join(text.split("\n\n", 1)[0].split())


def _usage_pieces(param: Any, ctx: Any) -> list[str]:
    """``MEMBER``, ``[FILE]...``: an argument's metavar as click and man pages write it
    (Typer 0.29 writes a required one as ``{MEMBER}``)."""
    name = param.metavar or param.name.upper()
    if not param.required:
        name = f"[{name}]"
    if param.nargs != 1:
        name += "..."
    return [name]


def _remember_registry(ctx: Any, param: Any, value: str | None) -> str | None:
    """``icor validate -r FILE``: the same as ``icor -r FILE validate`` (the later wins)."""
    if value is not None:
        root = ctx.find_root()
        options = root.obj
        if hasattr(options, REGISTRY_OPTION):  # the global options (commands.Invocation)
            options.registry = value
            options.found = None
        else:  # completion: the group's callback has not run
            root.obj = value
    return value


class CommandLine:
    """Mixin for the root group: grouped command list, plain usage words, and the global
    ``--registry`` option accepted after every command name too."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        """``--show-completion zsh`` prints zsh's script (Typer's flag takes no shell
        and would print the script of the shell it detects); likewise
        ``--install-completion zsh``."""
        from icor_cli.completion import SHELLS

        for flag in ("--show-completion", "--install-completion"):
            if flag in args:
                at = args.index(flag)
                shell = args[at + 1] if at + 1 < len(args) else None
                if shell in (*SHELLS, "pwsh"):
                    import typer.completion

                    callback = (typer.completion.show_callback if flag == "--show-completion"
                                else typer.completion.install_callback)
                    # Prints (or installs), then exits 0.
                    callback(ctx, None, shell)  # type: ignore[arg-type]
        return super().parse_args(ctx, args)  # type: ignore[misc,no-any-return]

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = super().get_params(ctx)  # type: ignore[misc]
        for param in params:
            if param.name in _COMPLETION_HELP:
                param.help = _COMPLETION_HELP[param.name]
        return params

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)  # type: ignore[misc]
        if command is not None and not getattr(command, _ADJUSTED, False):
            setattr(command, _ADJUSTED, True)
            self._adjust(command)
        return command

    def _adjust(self, command: Any) -> None:
        from icor_cli.completion import completer_for

        for param in command.params:
            if param.param_type_name == "argument":
                # An instance attribute: the command's other arguments are untouched.
                param.get_usage_pieces = (lambda ctx, p=param: _usage_pieces(p, ctx))
            completer = completer_for(command.name or "", param.name or "")
            if completer is not None:
                # Click asks each parameter for its candidates through shell_complete.
                param.shell_complete = completer
        if hasattr(command, "list_commands"):  # a group of subcommands: adjust them too
            for sub in command.commands.values():
                if not getattr(sub, _ADJUSTED, False):
                    setattr(sub, _ADJUSTED, True)
                    self._adjust(sub)
            return
        taken = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
        original = next((p for p in getattr(self, "params", [])
                         if p.name == REGISTRY_OPTION), None)
        if original is None or taken.intersection(original.opts):
            return
        option = copy.copy(original)
        option.expose_value = False
        option.callback = _remember_registry
        # Before --help, which click appends last.
        command.params.append(option)

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        """Commands under Read, Change, Check, History, Publish, Help, each with its whole
        summary (wrapped, never cut)."""
        sections: dict[str, list[tuple[str, str]]] = {}
        for name in self.list_commands(ctx):  # type: ignore[attr-defined]
            command = self.get_command(ctx, name)
            if command is None or command.hidden:
                continue
            sections.setdefault(group_of(name), []).append((name, summary(command)))
        order = [*COMMAND_GROUPS, OTHER_GROUP]
        width = max((len(name) for rows in sections.values() for name, _ in rows), default=0)
        for group in order:
            rows = sections.get(group)
            if not rows:
                continue
            rank = {name: index for index, name in enumerate(COMMAND_GROUPS.get(group, ()))}
            rows.sort(key=lambda row: (rank.get(row[0], len(rank)), row[0]))
            with formatter.section(f"{group} commands"):
                formatter.write_dl([(name.ljust(width), text) for name, text in rows],
                                   col_max=width + 2)
