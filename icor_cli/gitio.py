"""Reading a registry's history through ``git`` (a subprocess; no extra dependency).

An unknown revision, or a registry outside a git work tree, is a ``UsageError`` (exit 2);
git missing, or the file absent at a revision, is a ``RegistryIOError`` (exit 3).
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from icor_cli.errors import RegistryIOError, UsageError


def _one_line(text: str) -> str:
    return " ".join(text.split())


def run_git(args: Sequence[str], cwd: Path, input: bytes | None = None) -> tuple[int, bytes,
                                                                                 bytes]:
    """``git ARGS`` in ``cwd``: (exit status, stdout, stderr). Git's own configuration of
    pagers, colours and prompts is turned off."""
    env = {**os.environ, "GIT_PAGER": "cat", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(["git", "-c", "color.ui=never", "-c", "core.quotepath=off",
                               *args], cwd=cwd, input=input, capture_output=True, env=env,
                              check=False)
    except FileNotFoundError:
        raise RegistryIOError("git is not installed (or not on PATH); reading past versions "
                              "of the registry needs it") from None
    except OSError as error:
        raise RegistryIOError(f"cannot run git: {error.strerror or error}") from None
    return done.returncode, done.stdout, done.stderr


@dataclass(frozen=True, slots=True)
class Place:
    """A registry file inside a git work tree: the directory git runs in, and the file's
    path from the top of the repository (what ``REV:PATH`` needs)."""

    cwd: Path
    path: str


def place_of(path: Path) -> Place:
    """Where ``path`` is in its repository; ``UsageError`` outside a git work tree."""
    directory = path.parent
    if not directory.is_dir():
        raise RegistryIOError(f"{path}: no such directory: {directory}")
    status, out, err = run_git(["rev-parse", "--show-prefix"], directory)
    if status != 0:
        raise UsageError(f"{path} is not inside a git work tree, so it has no revisions "
                         f"({_one_line(err.decode(errors='replace'))})")
    prefix = out.decode("utf-8", errors="surrogateescape").strip()
    return Place(directory, prefix + path.name)


def resolve(place: Place, revision: str) -> str:
    """The commit id ``revision`` names; ``UsageError`` when it names none."""
    status, out, _ = run_git(["rev-parse", "--verify", "--quiet", "--end-of-options",
                              f"{revision}^{{commit}}"], place.cwd)
    if status != 0 or not out.strip():
        raise UsageError(f"unknown revision {revision!r} (git knows no commit by that name)")
    return out.decode().strip()


def show(place: Place, revision: str) -> bytes:
    """The registry's bytes at ``revision``."""
    commit = resolve(place, revision)
    status, out, err = run_git(["cat-file", "blob", f"{commit}:{place.path}"], place.cwd)
    if status != 0:
        raise RegistryIOError(f"{place.path} does not exist at {revision} "
                              f"({_one_line(err.decode(errors='replace')) or 'not in its tree'})")
    return out


@dataclass(frozen=True, slots=True)
class Commit:
    """One commit of ``git log``: its id, first parent, date, author and subject."""

    commit: str
    parent: str | None
    date: str
    author: str
    email: str
    subject: str


_FIELD = "\x1f"
_RECORD = "\x1e"


def log(place: Place, limit: int | None = None, revision: str | None = None) -> list[Commit]:
    """The commits that changed the registry file, newest first (those before
    ``revision``, and it, when given)."""
    fields = _FIELD.join(("%H", "%P", "%aI", "%an", "%ae", "%s"))
    args = ["log", f"--format={fields}{_RECORD}"]
    if limit is not None:
        args.append(f"-n{limit}")
    args += ["--end-of-options", revision or "HEAD"]
    status, out, err = run_git([*args, "--", f":(top,literal){place.path}"], place.cwd)
    if status != 0:
        message = _one_line(err.decode(errors="replace"))
        if revision is None and ("does not have any commits" in message
                                 or "bad revision" in message):
            return []  # a repository with no commit yet
        raise RegistryIOError(f"git log failed: {message}")
    commits = []
    for record in out.decode("utf-8", errors="replace").split(_RECORD):
        parts = record.strip("\n").split(_FIELD)
        if len(parts) != 6:
            continue
        commit, parents, date, author, email, subject = parts
        first = parents.split()[0] if parents.split() else None
        commits.append(Commit(commit, first, date, author, email, subject))
    return commits


def blobs(place: Place, names: Sequence[str]) -> Iterator[bytes | None]:
    """The registry's bytes at each commit of ``names`` (None where it did not exist), in
    one ``git cat-file --batch``."""
    if not names:
        return
    request = "".join(f"{name}:{place.path}\n" for name in names).encode()
    status, out, err = run_git(["cat-file", "--batch"], place.cwd, input=request)
    if status != 0:
        raise RegistryIOError(f"git cat-file failed: {_one_line(err.decode(errors='replace'))}")
    offset = 0
    for _ in names:
        end = out.index(b"\n", offset)
        header = out[offset:end].split()
        offset = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            yield out[offset:offset + size]
            offset += size + 1
        else:
            yield None
