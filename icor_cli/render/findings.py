"""Output of ``icor validate``: text for people, JSON for scripts, GitHub annotations."""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from icor_cli.escape import json_safe, shorten, visible
from icor_cli.models import STATED_FIGURES
from icor_cli.render import console, is_terminal, no_color

if TYPE_CHECKING:
    from icor_cli.checks import Report
    from icor_cli.errors import Finding


def summary(report: Report, display: str) -> str:
    parts = []
    if report.registry is not None:
        counts = report.registry.counts()
        parts.append(
            f"{counts.total} members ({counts.active} active, {counts.inactive} inactive) "
            f"in {counts.countries} countries"
        )
    if report.findings:
        errors = f"{report.errors} error{'s' * (report.errors != 1)}"
        warnings = f"{report.warnings} warning{'s' * (report.warnings != 1)}"
        parts.append(f"{errors}, {warnings}")
    else:
        parts.append("no problems")
    return f"{display}: " + ": ".join(parts)


def text_line(finding: Finding) -> str:
    """``registry.toml:12:1: error: message [check]``."""
    where = finding.format().removesuffix(finding.message).rstrip(": ")
    return f"{where}: {finding.severity}: {finding.message} [{finding.check}]"


def render_text(report: Report, display: str) -> None:
    """Findings are diagnostics (stderr); the summary is the result (stdout)."""
    if is_terminal(sys.stderr) and not no_color():
        from rich.text import Text

        err = console(stderr=True)
        for finding in report.findings:
            style = "bold red" if finding.severity == "error" else "yellow"
            where = finding.format().removesuffix(finding.message).rstrip(": ")
            err.print(Text.assemble((visible(where), "bold"), ": ",
                                    (finding.severity, style), ": ",
                                    visible(f"{finding.message} [{finding.check}]")),
                      soft_wrap=True)
    else:
        for finding in report.findings:
            sys.stderr.write(visible(text_line(finding)) + "\n")
    sys.stderr.flush()
    sys.stdout.write(visible(summary(report, display)) + "\n")


def render_json(report: Report) -> None:
    render_json_reports([report])


def render_json_reports(reports: list[Report]) -> None:
    """One array of every finding of every file (each finding names its file)."""
    findings = [f.as_dict() for report in reports for f in report.findings]
    encoded = json.dumps(findings, ensure_ascii=False, indent=2)
    sys.stdout.write(json_safe(encoded) + "\n")


def _escape_data(value: str) -> str:
    """A workflow command's message: control characters (ESC, BEL, U+2028, C1...) shown
    escaped as in text mode, then GitHub's own escapes."""
    return "".join(_LINE_BREAKS.get(part) or visible(part).replace("%", "%25")
                   for part in re.split(r"(\r|\n)", value))


_LINE_BREAKS = {"\r": "%0D", "\n": "%0A"}


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def _absolute(path: Path) -> Path:
    """Absolute and normalised, without resolving symlinks."""
    return Path(os.path.normpath(path.absolute()))


def annotation_path(file: str, workspace: str | None = None) -> str:
    """``file`` relative to the workspace (``$GITHUB_WORKSPACE``, else the current
    directory), as GitHub needs it to place an annotation on the pull request's diff.
    A file outside the workspace keeps the name it was given."""
    base = Path(workspace or os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    path = Path(file)
    # As written first (a symlinked registry keeps its own place), then with links resolved.
    for candidate, root in ((_absolute(path), _absolute(base)), (path.resolve(), base.resolve())):
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    return file


def github_line(finding: Finding, file: str | None = None) -> str:
    """A workflow command, so the finding shows on the pull request's diff."""
    kind = "error" if finding.severity == "error" else "warning"
    props = [f"file={_escape_property(finding.file if file is None else file)}"]
    if finding.line is not None:
        props.append(f"line={finding.line}")
    if finding.column is not None:
        props.append(f"col={finding.column}")
    props.append(f"title={_escape_property('icor ' + finding.check)}")
    return f"::{kind} {','.join(props)}::{_escape_data(finding.message)}"


def render_github(report: Report, display: str) -> None:
    """Annotations on stdout (the runner reads them from the log), then the summary line;
    and, when ``$GITHUB_STEP_SUMMARY`` names a file, a Markdown summary appended there."""
    paths: dict[str, str] = {}
    for finding in report.findings:
        if finding.file not in paths:
            paths[finding.file] = annotation_path(finding.file)
        sys.stdout.write(github_line(finding, paths[finding.file]) + "\n")
    sys.stdout.write(visible(summary(report, display)) + "\n")
    sys.stdout.flush()
    write_step_summary(step_summary_markdown(report, annotation_path(display), paths))


def render_github_failure(display: str, message: str) -> None:
    """When the registry cannot even be read (missing, unreadable): one annotation and a
    step summary that names the problem. The caller still reports the error itself."""
    sys.stdout.write(f"::error file={_escape_property(annotation_path(display))},"
                     f"title=icor validate::{_escape_data(message)}\n")
    sys.stdout.flush()
    write_step_summary(
        f"## ❌ icor validate: `{_md_code(annotation_path(display))}`\n\n"
        f"The registry could not be read: {_md_cell(message)}\n\n"
    )


# --- the step summary (Markdown) ---------------------------------------------------------

# GitHub shows at most this many annotations of each kind per step on the diff; the step
# summary lists every finding (up to SUMMARY_ROWS, to stay well under its 1 MiB limit).
ANNOTATION_LIMIT = 10
SUMMARY_ROWS = 500
SUMMARY_BYTES = 512 * 1024  # the findings table stops here: GitHub refuses over 1 MiB


def _md_cell(text: str) -> str:
    """Text safe inside a Markdown table cell: one line, pipes escaped."""
    flat = " ".join(text.split())
    return flat.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")


def _md_code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|")


def _stated_rows(report: Report) -> list[tuple[str, int, int]]:
    """(figure, stated, actual) for every stated figure."""
    registry = report.registry
    if registry is None:
        return []
    stated = registry.stated
    actual = registry.counts()
    rows = [(key, getattr(stated, key), getattr(actual, key)) for key in STATED_FIGURES]
    for region, said in stated.active_by_region.items():
        rows.append((f"active in {region}", said, actual.active_by_region.get(region, 0)))
    return rows


def step_summary_markdown(report: Report, display: str,
                          paths: dict[str, str] | None = None) -> str:
    """The Markdown ``icor validate`` appends to ``$GITHUB_STEP_SUMMARY``: a verdict, every
    finding, and the stated counts next to the actual ones. ``paths`` renames findings'
    files (to their paths in the workspace)."""
    paths = paths or {}
    failed = report.errors > 0
    mark = "❌" if failed else ("⚠️" if report.warnings else "✅")
    lines = [f"## {mark} icor validate: `{_md_code(shorten(display, 200))}`", ""]
    if report.registry is None:
        lines += ["The registry could not be loaded, so the other checks did not run.", ""]
    lines += [_md_cell(summary(report, display)), ""]
    if report.findings:
        lines += ["| severity | where | check | message |", "|---|---|---|---|"]
        size = sum(len(line.encode("utf-8")) + 1 for line in lines)
        shown = 0
        for finding in report.findings[:SUMMARY_ROWS]:
            where = paths.get(finding.file, finding.file)
            if finding.line is not None:
                where += f":{finding.line}:{finding.column or 1}"
            icon = "❌" if finding.severity == "error" else "⚠️"
            row = (f"| {icon} {finding.severity} | `{_md_code(where)}` | "
                   f"{finding.check} | {_md_cell(finding.message)} |")
            size += len(row.encode("utf-8")) + 1
            if size > SUMMARY_BYTES:
                break
            lines.append(row)
            shown += 1
        if len(report.findings) > shown:
            lines.append(f"| | | | … and {len(report.findings) - shown} more "
                         "(run `icor validate` locally) |")
        lines.append("")
        if report.errors > ANNOTATION_LIMIT or report.warnings > ANNOTATION_LIMIT:
            lines += [f"GitHub shows at most {ANNOTATION_LIMIT} annotations of each kind on "
                      "the diff; this table lists every finding.", ""]
    rows = _stated_rows(report)
    if rows:
        lines += ["### Stated vs actual", "", "| figure | stated | actual | match |",
                  "|---|---:|---:|---|"]
        for figure, said, real in rows:
            verdict = "✅" if said == real else f"❌ {real - said:+d}"
            lines.append(f"| {_md_cell(figure)} | {said} | {real} | {verdict} |")
        lines.append("")
    return "\n".join(lines) + "\n"


def write_step_summary(markdown: str) -> None:
    """Append to ``$GITHUB_STEP_SUMMARY`` if set. A summary that cannot be written is a
    warning on stderr, never a failure of the check itself."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with Path(target).open("a", encoding="utf-8") as stream:
            stream.write(markdown)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        sys.stderr.write(visible(f"icor: warning: cannot write the step summary to {target}: "
                                 f"{reason}") + "\n")
        sys.stderr.flush()
