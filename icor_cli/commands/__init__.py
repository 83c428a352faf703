"""The commands, grouped by what they do to the registry. Each module has ``register``."""

from __future__ import annotations

from dataclasses import dataclass

import typer

from icor_cli.store import RegistrySource, find_registry


@dataclass(slots=True)
class Invocation:
    """The global options (``ctx.obj`` of the root command), and the registry they name
    once it has been found (standard input can be read only once)."""

    registry: str | None = None
    at: str | None = None
    found: RegistrySource | None = None


def source(ctx: typer.Context) -> RegistrySource:
    """The registry this invocation works on (see ``store.find_registry`` and
    ``sources.resolve``)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Invocation):
        return find_registry(root.obj if isinstance(root.obj, str) else None)
    options = root.obj
    if options.found is None:
        if options.registry == "-" or options.at is not None:
            from icor_cli.sources import resolve

            options.found = resolve(options.registry, options.at)
        else:
            options.found = find_registry(options.registry)
    return options.found
