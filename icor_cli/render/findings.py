"""Output of ``icor validate``: text for people, JSON for scripts, GitHub annotations."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

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
        err = console(stderr=True)
        for finding in report.findings:
            style = "bold red" if finding.severity == "error" else "yellow"
            where = finding.format().removesuffix(finding.message).rstrip(": ")
            err.print(f"[bold]{where}[/]: [{style}]{finding.severity}[/]: ", end="",
                      markup=True)
            err.print(f"{finding.message} [{finding.check}]", markup=False)
    else:
        for finding in report.findings:
            sys.stderr.write(text_line(finding) + "\n")
    sys.stderr.flush()
    sys.stdout.write(summary(report, display) + "\n")


def render_json(report: Report) -> None:
    json.dump([f.as_dict() for f in report.findings], sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github_line(finding: Finding) -> str:
    """A workflow command, so the finding shows on the pull request's diff."""
    kind = "error" if finding.severity == "error" else "warning"
    props = [f"file={_escape_property(finding.file)}"]
    if finding.line is not None:
        props.append(f"line={finding.line}")
    if finding.column is not None:
        props.append(f"col={finding.column}")
    props.append(f"title={_escape_property('icor ' + finding.check)}")
    return f"::{kind} {','.join(props)}::{_escape_data(finding.message)}"


def render_github(report: Report, display: str) -> None:
    for finding in report.findings:
        sys.stdout.write(github_line(finding) + "\n")
    sys.stdout.write(summary(report, display) + "\n")
