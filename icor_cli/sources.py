"""Registries that are read, never written: from standard input (``-r -``) or as they were
at a git revision (``--at REV``). Writing to either is refused with exit 2 (see
``commands.write.refuse_bundled``)."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

from icor_cli.errors import RegistryIOError, UsageError
from icor_cli.store import RegistrySource, find_registry

STDIN = "-"


def from_stdin() -> RegistrySource:
    """The registry read whole from standard input, now."""
    from icor_cli.store import MAX_BYTES

    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := sys.stdin.buffer.read(1 << 20):
            size += len(chunk)
            if size > MAX_BYTES:  # `-r - < /dev/zero` must not read until memory runs out
                raise RegistryIOError(f"<stdin>: too large (more than {MAX_BYTES} bytes)")
            chunks.append(chunk)
    except (OSError, AttributeError, ValueError) as error:
        raise RegistryIOError(f"cannot read the registry from standard input: {error}") from None
    content = b"".join(chunks)
    return RegistrySource(Path(STDIN), "<stdin>", content=content,
                          readonly="read from standard input")


def at_revision(where: RegistrySource, revision: str) -> RegistrySource:
    """``where`` as it was committed at ``revision`` (``git show REV:PATH``)."""
    from icor_cli import gitio

    if not revision.strip():
        raise UsageError("--at needs a git revision (a commit, branch or tag, e.g. HEAD~1)")
    if where.bundled:
        raise UsageError("--at needs a registry.toml in a git work tree (none found here; "
                         "give one with --registry PATH)")
    content = gitio.show(gitio.place_of(where.path), revision)
    return replace(where, display=f"{revision}:{where.display}", content=content,
                   readonly=f"the registry as it was at {revision}")


def resolve(option: str | None, at: str | None) -> RegistrySource:
    """The registry an invocation reads: ``-r -`` is standard input; ``--at REV`` the
    found registry at that revision; otherwise ``store.find_registry``."""
    if option == STDIN:
        if at is not None:
            raise UsageError("--at and -r - cannot be combined: --at reads the registry from "
                             "git, -r - from standard input")
        return from_stdin()
    where = find_registry(option)
    return where if at is None else at_revision(where, at)
