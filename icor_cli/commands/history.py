"""``icor diff``, ``icor log`` and ``icor merge``: the registry's history through git.

Also the glue other commands call: the semantic diff in the CI step summary
(``pull_request_summary``, from ``validate``) and ``--as-of`` (``registry_as_of`` and
``stats_as_of``, from ``list`` and ``stats``).
"""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from icor_cli.commands import Invocation, source

if TYPE_CHECKING:
    from icor_cli.models import Registry
    from icor_cli.stats import Stats
    from icor_cli.store import RegistrySource


class DiffFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class LogFormat(StrEnum):
    text = "text"
    json = "json"


def _repository_file(ctx: typer.Context) -> RegistrySource:
    """The registry file whose revisions are meant: ``-r PATH``, ``$ICOR_REGISTRY`` or the
    nearest ``registry.toml`` (with ``-r -``, the one found without it)."""
    from icor_cli.store import find_registry

    options = ctx.find_root().obj
    option = options.registry if isinstance(options, Invocation) else None
    return find_registry(None if option == "-" else option)


def _version(spec: str, repository: RegistrySource) -> RegistrySource:
    """A file, when ``spec`` names one; else the registry at revision ``spec``."""
    from icor_cli.errors import UsageError
    from icor_cli.sources import at_revision
    from icor_cli.store import RegistrySource

    if Path(spec).is_file():
        return RegistrySource(Path(spec), spec, readonly="an argument of icor diff")
    if repository.bundled:
        raise UsageError(f"{spec!r} is not a file, and reading a revision needs a "
                         "registry.toml in a git work tree (none found here; give one with "
                         "--registry PATH)")
    try:
        return at_revision(repository, spec)
    except UsageError as error:
        if str(error).startswith("unknown revision"):
            raise UsageError(f"{error}, and no file of that name") from None
        raise


def diff(
    ctx: typer.Context,
    old: Annotated[
        str | None, typer.Argument(metavar="OLD", show_default=False,
                                   help="A git revision or a file (default: HEAD)."),
    ] = None,
    new: Annotated[
        str | None, typer.Argument(metavar="NEW", show_default=False,
                                   help="A git revision or a file (default: the working "
                                        "registry)."),
    ] = None,
    fmt: Annotated[
        DiffFormat, typer.Option("--format", "-f", case_sensitive=False,
                                 help="text, json, or markdown (for a pull-request comment)."),
    ] = DiffFormat.text,
    exit_code: Annotated[
        bool, typer.Option("--exit-code", help="Exit 1 when there are changes, 0 when none."),
    ] = False,
) -> None:
    """Show what changed between two versions of the registry: members and figures.

    \b
    Members added, removed (an error: ids are never deleted), deactivated,
    reactivated and changed (each field: old -> new); stated figures and
    organisation facts changed; the counts before and after. The order of
    members in the file is not a change.

    \b
    OLD and NEW are git revisions (anything `git rev-parse` takes) or files.
    Without arguments: the working registry against HEAD; with one, the
    working registry against OLD (like git diff).

    \b
    Examples:
      icor diff
      icor diff main
      icor diff HEAD~3 HEAD --format markdown
      icor diff old/registry.toml registry.toml --format json
      icor diff --exit-code > /dev/null || echo "the registry changed"
    """
    from icor_cli.history import diff_registries
    from icor_cli.render.history import render_diff
    from icor_cli.store import load

    before = _version(old or "HEAD", _repository_file(ctx))
    after = source(ctx) if new is None else _version(new, _repository_file(ctx))
    old_loaded = load(before)
    new_loaded = load(after)
    result = diff_registries(old_loaded.registry, new_loaded.registry)
    render_diff(result, before.display, after.display, fmt.value)
    if exit_code and result.changed:
        raise typer.Exit(1)


# --- icor log ----------------------------------------------------------------------------


def log_entries(where: RegistrySource, member: str | None, limit: int | None,
                revision: str | None) -> list[dict[str, Any]]:
    """One entry per commit that changed the registry (or, with ``member``, that
    member), newest first: commit, date, author, subject and the semantic change."""
    from icor_cli import gitio
    from icor_cli.errors import IcorError, UsageError
    from icor_cli.history import diff_record, diff_registries, summary_line
    from icor_cli.store import build, decode, parse

    if where.bundled:
        raise UsageError("icor log needs a registry.toml in a git work tree (none found here; "
                         "give one with --registry PATH)")
    place = gitio.place_of(where.path)
    if revision is not None:
        gitio.resolve(place, revision)
    commits = gitio.log(place, None if member else limit, revision)
    names = [name for c in commits for name in (c.commit, c.parent or "")]
    contents = list(gitio.blobs(place, [n for n in names if n]))
    found = iter(contents)
    versions = [next(found) if name else None for name in names]
    loaded: dict[bytes, Registry | IcorError] = {}

    def registry(raw: bytes, commit: str) -> Registry:
        if raw not in loaded:
            display = f"{commit[:10]}:{place.path}"
            try:
                text = decode(raw, display)
                loaded[raw] = build(parse(text, display), text, display)
            except IcorError as error:
                loaded[raw] = error
        value = loaded[raw]
        if isinstance(value, IcorError):
            raise value
        return value

    member_id = _member_id(where, member) if member else None
    entries = []
    for index, commit in enumerate(commits):
        after, before = versions[2 * index], versions[2 * index + 1]
        entry: dict[str, Any] = {
            "commit": commit.commit, "parent": commit.parent, "date": commit.date,
            "author": commit.author, "email": commit.email, "subject": commit.subject,
            "change": "", "diff": None, "error": None,
        }
        try:
            if after is None:
                entry["change"] = "removes the registry file"
            elif before is None:
                created = registry(after, commit.commit)
                entry["change"] = f"creates the registry: {len(created.members)} members"
                if member_id is not None:
                    if member_id not in created.members:
                        continue
                    entry["change"] = f"creates the registry with {member_id}"
            else:
                change = diff_registries(registry(before, commit.parent or ""),
                                         registry(after, commit.commit))
                if member_id is not None:
                    change = change.for_member(member_id)
                    if not change.changed:
                        continue
                entry["change"] = summary_line(change)
                entry["diff"] = diff_record(change)
        except IcorError as error:
            if member_id is not None:
                continue
            entry["error"] = str(error)
            entry["change"] = f"cannot compare: {error}"
        entries.append(entry)
        if limit is not None and len(entries) >= limit:
            break
    return entries


def _member_id(where: RegistrySource, reference: str) -> str:
    """The id ``reference`` names in the current registry; an id alone also names a
    member removed since."""
    from icor_cli.errors import IcorError, UsageError
    from icor_cli.models import SLUG_PATTERN
    from icor_cli.query import find_member
    from icor_cli.store import load

    try:
        return find_member(load(where).registry, reference)[0]
    except UsageError:
        import re

        if re.fullmatch(SLUG_PATTERN.strip("^$"), reference):
            return reference
        raise
    except IcorError:
        return reference


def log(
    ctx: typer.Context,
    member: Annotated[
        str | None, typer.Argument(metavar="MEMBER", show_default=False,
                                   help="Only the commits that changed this member."),
    ] = None,
    fmt: Annotated[
        LogFormat, typer.Option("--format", "-f", case_sensitive=False, help="text or json."),
    ] = LogFormat.text,
    limit: Annotated[
        int | None, typer.Option("--max-count", "-n", min=1, metavar="N",
                                 help="At most N commits."),
    ] = None,
) -> None:
    """Commits that changed the registry, newest first, and what each changed.

    \b
    Each entry: commit, date, author, subject, and the change as members and
    figures (adds X (DK, Europe); deactivates Y; stated active 57 -> 58).
    With MEMBER, only the commits that changed that member. With the global
    --at REV, the history up to REV.

    \b
    Examples:
      icor log
      icor log mlpd
      icor log -n 5 --format json | jq -r '.[].subject'
    """
    from icor_cli.render.history import render_log

    options = ctx.find_root().obj
    revision = options.at if isinstance(options, Invocation) else None
    where = _repository_file(ctx)
    render_log(log_entries(where, member, limit, revision), fmt.value)


# --- icor merge --------------------------------------------------------------------------


def merge(
    base: Annotated[str, typer.Argument(metavar="BASE", help="The common ancestor (%O).")],
    ours: Annotated[str, typer.Argument(metavar="OURS", help="Our version (%A); the result "
                                        "is written here.")],
    theirs: Annotated[str, typer.Argument(metavar="THEIRS", help="Their version (%B).")],
) -> None:
    """Merge three versions of the registry as data (a git merge driver).

    \b
    Changes to different members combine; stated figures combine (base plus
    both sides' changes, or the actual count where every version matched
    it). The same field of a member changed differently on both sides is a
    conflict: git-style markers around that member's table only, exit 1.
    The result, written to OURS, is in canonical form. If a version cannot
    be read as a registry, the lines are merged as git would (git merge-file).

    \b
    Set up (once per clone):
      echo 'registry.toml merge=icor' >> .gitattributes
      git config merge.icor.driver 'icor merge %O %A %B'

    \b
    Examples:
      icor merge base.toml ours.toml theirs.toml
    """
    from icor_cli import save
    from icor_cli.errors import RegistryInvalid, RegistryIOError, os_reason
    from icor_cli.merge import merge_registries
    from icor_cli.store import RegistrySource, load

    try:
        base_r, ours_r, theirs_r = (load(RegistrySource(Path(p), p)).registry
                                    for p in (base, ours, theirs))
    except RegistryInvalid as error:
        _line_merge(base, ours, theirs, f"not a valid registry ({error})")
        return
    from pydantic import ValidationError

    try:
        result = merge_registries(base_r, ours_r, theirs_r)
    except ValidationError as error:
        first = error.errors(include_url=False)[0]
        reason = str(first["msg"]).removeprefix("Value error, ")
        _line_merge(base, ours, theirs, f"the merged data would be invalid: {reason}")
        return
    try:
        save.write_atomic(Path(ours), result.text.encode("utf-8"))
    except OSError as error:
        raise RegistryIOError(f"{ours}: cannot write: {os_reason(error)}") from None
    for conflict in result.conflicts:
        typer.echo(f"icor merge: conflict: {conflict}", err=True)
    if result.conflicts:
        raise typer.Exit(1)


def _line_merge(base: str, ours: str, theirs: str, why: str) -> None:
    """git's own line merge into OURS, when the data cannot be merged; exit 1 if it
    leaves conflicts."""
    from icor_cli import gitio
    from icor_cli.errors import RegistryIOError

    typer.echo(f"icor merge: {why}; merging lines instead", err=True)
    status, _, err = gitio.run_git(["merge-file", "-L", "ours", "-L", "base", "-L", "theirs",
                                    ours, base, theirs], Path.cwd())
    if status < 0 or status > 127:
        raise RegistryIOError(f"git merge-file failed: {err.decode(errors='replace').strip()}")
    if status:
        raise typer.Exit(1)


# --- glue for validate, list and stats ------------------------------------------------------


def pull_request_summary(where: RegistrySource, registry: Registry) -> None:
    """In GitHub Actions on a pull request ($GITHUB_BASE_REF): append the semantic diff
    against the base branch to the step summary. Never fails the check: a problem is a
    warning on stderr."""
    base = os.environ.get("GITHUB_BASE_REF", "").strip()
    if os.environ.get("GITHUB_ACTIONS") != "true" or not base:
        return
    if where.content is not None or where.bundled:
        return
    from icor_cli.errors import IcorError, UsageError
    from icor_cli.history import diff_registries
    from icor_cli.render.findings import write_step_summary
    from icor_cli.render.history import diff_markdown
    from icor_cli.sources import at_revision
    from icor_cli.store import load

    try:
        for revision in (f"origin/{base}", base):
            try:
                before = at_revision(where, revision)
                break
            except UsageError as error:
                if not str(error).startswith("unknown revision"):
                    raise
        else:
            raise UsageError(f"the base branch {base!r} is not in this clone; fetch it "
                             "(actions/checkout with fetch-depth: 0)")
        result = diff_registries(load(before).registry, registry)
    except IcorError as error:
        sys.stderr.write(f"icor: warning: no diff against the base branch in the step "
                         f"summary: {' '.join(str(error).split())}\n")
        return
    write_step_summary(diff_markdown(result, before.display, where.display, heading="##"))


def registry_as_of(registry: Registry, date: str) -> Registry:
    """``--as-of DATE``: the registry's membership on that date (see
    ``history.membership_on``); the members left out as unknown are named on stderr."""
    from icor_cli.history import membership_on
    from icor_cli.inputs import parse_date
    from icor_cli.render.history import membership_note

    membership = membership_on(registry, parse_date(date, "--as-of"))
    membership_note(membership)
    return membership.registry


def stats_as_of(stats: Stats, registry: Registry, date: str) -> Stats:
    """Stated figures describe one date (``stated.as_of``): on any other, none is shown."""
    from icor_cli.inputs import parse_date

    if registry.stated.as_of == parse_date(date, "--as-of"):
        return stats
    for row in (*stats.rows, stats.totals):
        row.stated = {}
    stats.stated_source = stats.stated_as_of = None
    return stats


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
    app.command("log")(log)
    app.command("merge")(merge)
