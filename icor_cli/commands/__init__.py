"""The commands, grouped by what they do to the registry. Each module has ``register``."""

from __future__ import annotations

import typer

from icor_cli.store import RegistrySource, find_registry


def source(ctx: typer.Context) -> RegistrySource:
    """The registry this invocation works on (see ``store.find_registry``)."""
    root = ctx.find_root()
    option = root.obj if isinstance(root.obj, str) else None
    return find_registry(option)
