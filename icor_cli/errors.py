"""Error types. Each maps to one documented exit code; the CLI turns them into one line."""

from __future__ import annotations

from dataclasses import dataclass


class IcorError(Exception):
    """Base error: ``str(error)`` is the one-line message shown to the user."""

    exit_code = 1


class RegistryInvalid(IcorError):
    """The registry cannot be parsed or fails validation (exit 1)."""

    exit_code = 1

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(findings[0].format() if findings else "the registry is invalid")


class UsageError(IcorError):
    """Bad option, unknown or ambiguous member, write to the bundled registry (exit 2)."""

    exit_code = 2


class RegistryIOError(IcorError):
    """File missing, unreadable, not writable, disk full (exit 3)."""

    exit_code = 3


class ConcurrentChange(IcorError):
    """Lock not obtained in time, or the file changed underneath (exit 4)."""

    exit_code = 4


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a registry file, with its place when known."""

    check: str
    severity: str  # "error" | "warning"
    file: str
    message: str
    line: int | None = None
    column: int | None = None
    member: str | None = None

    def format(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, str | int | None]:
        return {
            "check": self.check,
            "severity": self.severity,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "member": self.member,
            "message": self.message,
        }
