"""Dynamic shell completion: member ids, regions and countries from the registry in use.

``CompletionRules`` says which parameter completes what; ``commandline.CommandLine``
attaches the completers to every command as the group hands it out, so a command added
later (``icor edit``) completes its ``MEMBER``, ``--region`` and ``--country`` without a
change of its own. Completion never fails: a missing or broken registry completes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from icor_cli.models import Member, Registry

SHELLS = ("bash", "zsh", "fish", "powershell")
#: Commands whose --country may name a country the registry does not have yet.
NEW_COUNTRY_COMMANDS = frozenset({"add", "edit"})


@dataclass(frozen=True, slots=True)
class Completion:
    """One candidate, in the shape the shells' completion classes read (value, help,
    type)."""

    value: str
    help: str | None = None
    type: str = "plain"


def _registry(ctx: Any) -> Registry | None:
    try:
        from icor_cli.store import find_registry, load

        root = ctx.find_root()
        option = root.obj if isinstance(root.obj, str) else root.params.get("registry")
        return load(find_registry(option if isinstance(option, str) else None)).registry
    except Exception:
        return None


def _members(keep: Callable[[Member], bool]) -> Callable[[Any, str], list[Completion]]:
    def complete(ctx: Any, incomplete: str) -> list[Completion]:
        registry = _registry(ctx)
        if registry is None:
            return []
        return [Completion(member_id, f"{member.abbreviation} ({member.country})")
                for member_id, member in sorted(registry.members.items())
                if member_id.startswith(incomplete) and keep(member)]

    return complete


complete_member = _members(lambda member: True)
complete_active_member = _members(lambda member: member.status == "active")
complete_inactive_member = _members(lambda member: member.status == "inactive")


def complete_region(ctx: Any, incomplete: str) -> list[Completion]:
    registry = _registry(ctx)
    if registry is None:
        return []
    start = incomplete.casefold()
    return [Completion(region) for region in registry.regions
            if region.casefold().startswith(start)]


def complete_country(ctx: Any, incomplete: str) -> list[Completion]:
    """Country codes with their names: the registry's own (a filter can only use those);
    for ``add`` and ``edit``, which may bring a new country, then every other ISO code."""
    registry = _registry(ctx)
    try:
        from icor_cli.countries import ALPHA_2, country_name

        start = incomplete.upper()
        used = sorted({m.country for m in registry.members.values()}) if registry else []
        new = getattr(ctx.command, "name", None) in NEW_COUNTRY_COMMANDS
        rest = sorted(set(ALPHA_2) - set(used)) if new else []
        return [Completion(code, country_name(code)) for code in (*used, *rest)
                if code.startswith(start)]
    except Exception:
        return []


def complete_shell(ctx: Any, incomplete: str) -> list[Completion]:
    return [Completion(shell) for shell in SHELLS if shell.startswith(incomplete)]


def complete_topic(ctx: Any, incomplete: str) -> list[Completion]:
    """Help topics, then command names."""
    from icor_cli.helptopics import TOPICS

    root = ctx.find_root()
    commands = [name for name in root.command.list_commands(root) if name != "help"]
    return [Completion(name) for name in (*TOPICS, *commands) if name.startswith(incomplete)]


#: (command, parameter name) → completer; ``*`` for any command.
COMPLETERS: dict[tuple[str, str], Callable[[Any, str], list[Completion]]] = {
    ("deactivate", "member"): complete_active_member,
    ("reactivate", "member"): complete_inactive_member,
    ("completion", "shell"): complete_shell,
    ("help", "topic"): complete_topic,
    ("*", "member"): complete_member,
    ("*", "region"): complete_region,
    ("*", "country"): complete_country,
}


def completer_for(command: str, param: str) -> Callable[[Any, str], list[Completion]] | None:
    return COMPLETERS.get((command, param)) or COMPLETERS.get(("*", param))


INSTALL = {
    "bash": "icor completion bash > ~/.local/share/bash-completion/completions/icor\n"
            "# or, for this shell only: eval \"$(icor completion bash)\"",
    "zsh": "icor completion zsh > \"${fpath[1]}/_icor\"   # a directory in $fpath\n"
           "# then start a new shell (compinit must run in ~/.zshrc)",
    "fish": "icor completion fish > ~/.config/fish/completions/icor.fish",
    "powershell": "icor completion powershell >> $PROFILE",
}


def install_hint(shell: str) -> str:
    return f"# To install {shell} completion for icor:\n{INSTALL[shell]}\n"
