"""Output of ``icor audit``: the findings in ``validate``'s formats (text, json, github)."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from icor_cli.render.findings import annotation_path, github_line, text_line

if TYPE_CHECKING:
    from icor_cli.publish.audit import AuditResult


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summary(result: AuditResult, display: str, registry_members: int) -> str:
    """``page.txt: 59 members on the page, 59 in the registry: no differences, 2 notes``."""
    verdict = (_count(result.differences, "difference", "differences")
               if result.differences else "no differences")
    if result.notes:
        verdict += ", " + _count(result.notes, "note", "notes")
    return (f"{display}: {_count(result.on_page, 'line', 'lines')} in the member list, "
            f"{_count(registry_members, 'member', 'members')} in the registry: {verdict}")


def render_text(result: AuditResult, display: str, registry_members: int) -> None:
    """Findings on stderr (diagnostics), the summary on stdout (the result)."""
    for finding in result.findings:
        sys.stderr.write(text_line(finding) + "\n")
    sys.stderr.flush()
    sys.stdout.write(summary(result, display, registry_members) + "\n")


def render_json(result: AuditResult) -> None:
    json.dump([f.as_dict() for f in result.findings], sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def render_github(result: AuditResult, display: str, registry_members: int) -> None:
    """Workflow commands: errors as ``::error``, notes as ``::notice``."""
    paths: dict[str, str] = {}
    for finding in result.findings:
        if finding.file not in paths:
            paths[finding.file] = (finding.file if "://" in finding.file or
                                   finding.file.startswith("<") else
                                   annotation_path(finding.file))
        line = github_line(finding, paths[finding.file])
        if finding.severity == "note":
            line = "::notice " + line.removeprefix("::warning ")
        sys.stdout.write(line + "\n")
    sys.stdout.write(summary(result, display, registry_members) + "\n")
