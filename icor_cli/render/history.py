"""Output of ``icor diff`` and ``icor log``: text (Rich only on a terminal), JSON, Markdown.

Every value that came from a registry goes through ``history.value_text`` / ``shown``:
quoted, with control and bidirectional characters escaped, on one line.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from icor_cli.history import (
    FieldChange,
    MemberChange,
    RegistryDiff,
    counts_line,
    diff_record,
    figure_label,
    member_label,
    shown,
    summary_line,
    value_text,
)
from icor_cli.render import is_terminal, no_color

if TYPE_CHECKING:
    from icor_cli.history import Membership

Segment = tuple[str, str]  # (text, Rich style)
Line = list[Segment]

KIND_STYLES = {"added": "green", "removed": "bold red", "deactivated": "yellow",
               "reactivated": "cyan", "changed": "blue"}
KIND_WIDTH = max(len(kind) for kind in KIND_STYLES)


def _change(item: FieldChange, name: str, width: int, indent: str) -> Line:
    return [(f"{indent}{name.ljust(width)}  ", ""), (value_text(item.old), "red"),
            (" → ", "dim"), (value_text(item.new), "green")]


def _member_lines(change: MemberChange) -> Iterator[Line]:
    line: Line = [("  ", ""), (change.kind.ljust(KIND_WIDTH), KIND_STYLES[change.kind]),
                  ("  ", ""), (member_label(change), "bold")]
    if change.kind == "removed":
        line.append(("  (an error: ids are never deleted or reused)", "red"))
    yield line
    # The kind already says how the status moved.
    fields = [f for f in change.fields
              if not (f.key == "status" and change.kind in ("deactivated", "reactivated"))]
    width = max((len(f.key) for f in fields), default=0)
    for item in fields:
        yield _change(item, item.key, width, " " * (KIND_WIDTH + 6))


def diff_lines(diff: RegistryDiff, old: str, new: str) -> Iterator[Line]:
    """The text form, as lines of styled segments."""
    yield [(shown(old), "bold"), (" → ", "dim"), (shown(new), "bold")]
    if not diff.changed:
        yield [("no changes", "")]
        return
    if diff.members:
        yield [("Members:", "bold")]
        for change in diff.members:
            yield from _member_lines(change)
    for title, items, label in (("Stated:", diff.stated, figure_label),
                                ("Organisation:", diff.organisation, str)):
        if items:
            yield [(title, "bold")]
            names = [shown(label(item.key)) for item in items]
            width = max(len(name) for name in names)
            for item, name in zip(items, names, strict=True):
                yield _change(item, name, width, "  ")
    yield [("Counts: ", "bold"), (counts_line(diff), "")]


def write_lines(lines: Iterator[Line]) -> None:
    """Plain text, or Rich styles for a person at a terminal (never markup)."""
    if is_terminal(sys.stdout) and not no_color():
        from rich.text import Text

        from icor_cli.render import console

        out = console()
        for line in lines:
            out.print(Text.assemble(*line), soft_wrap=True)
    else:
        sys.stdout.write("".join("".join(text for text, _ in line) + "\n" for line in lines))


def render_diff(diff: RegistryDiff, old: str, new: str, fmt: str) -> None:
    if fmt == "json":
        record = {"old": old, "new": new, **diff_record(diff)}
        json.dump(record, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif fmt == "markdown":
        sys.stdout.write(diff_markdown(diff, old, new))
    else:
        write_lines(diff_lines(diff, old, new))


# --- Markdown (pull-request comments, the CI step summary) ----------------------------------

_MARKS = {"added": "➕", "removed": "❌", "deactivated": "⏸️", "reactivated": "▶️",
          "changed": "✏️"}


def md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes, backslashes and HTML
    escaped."""
    flat = " ".join(shown(text).split())
    return (flat.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace("`", "\\`"))


def _md_changes(items: Sequence[FieldChange]) -> str:
    return "<br>".join(f"{md_cell(item.key)}: {md_cell(value_text(item.old))} → "
                       f"{md_cell(value_text(item.new))}" for item in items)


def diff_markdown(diff: RegistryDiff, old: str, new: str, heading: str = "###") -> str:
    """A Markdown report: a one-line summary, a table of member changes, one of stated
    figures and organisation facts, and the counts."""
    lines = [f"{heading} Registry changes: {md_cell(old)} → {md_cell(new)}", ""]
    if not diff.changed:
        return "\n".join([*lines, "No changes.", ""]) + "\n"
    lines += [md_cell(summary_line(diff)), ""]
    if diff.members:
        lines += ["| change | member | fields |", "|---|---|---|"]
        for change in diff.members:
            fields = [f for f in change.fields if f.key != "status"]
            detail = _md_changes(fields)
            if change.kind == "removed":
                detail = "an error: ids are never deleted or reused"
            lines.append(f"| {_MARKS[change.kind]} {change.kind} | "
                         f"{md_cell(member_label(change))} | {detail} |")
        lines.append("")
    facts = [(figure_label(item.key), item) for item in diff.stated]
    facts += [(f"organisation: {item.key}", item) for item in diff.organisation]
    if facts:
        lines += ["| figure or fact | old | new |", "|---|---:|---:|"]
        for name, item in facts:
            lines.append(f"| {md_cell(name)} | {md_cell(value_text(item.old))} | "
                         f"{md_cell(value_text(item.new))} |")
        lines.append("")
    lines += [f"**Counts:** {md_cell(counts_line(diff))}", ""]
    return "\n".join(lines) + "\n"


# --- icor log --------------------------------------------------------------------------------


def render_log(entries: Sequence[dict[str, Any]], fmt: str) -> None:
    """``entries`` as ``commands.history.log_entries`` builds them."""
    if fmt == "json":
        json.dump(list(entries), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return

    def lines() -> Iterator[Line]:
        for entry in entries:
            yield [(entry["commit"][:10], "yellow"), (" ", ""), (entry["date"][:10], ""),
                   ("  ", ""), (shown(entry["author"]), "bold"), ("  ", ""),
                   (shown(entry["subject"]), "")]
            style = "red" if entry["error"] else ""
            yield [("    ", ""), (shown(entry["change"]), style)]

    write_lines(lines())


def membership_note(membership: Membership) -> None:
    """On stderr: the members left out of ``--as-of`` because their membership on that
    date is unknown (never guessed)."""
    if not membership.unknown:
        return
    count = len(membership.unknown)
    listed = ", ".join(shown(f"{member_id} ({why})") for member_id, why in membership.unknown)
    sys.stderr.write(f"icor: as of {membership.date}: {count} member{'s' * (count != 1)} "
                     f"left out, membership on that date unknown: {listed}\n")
    sys.stderr.flush()
