"""Error types and exit codes. Each error maps to one documented exit code; the CLI's
boundary (``cli.run`` inside ``main.main``) turns it into one line on stderr."""

from __future__ import annotations

import errno
import sys
from dataclasses import dataclass

# The exit codes of the contract that no error class below carries.
OK = 0
IO_ERROR = 3
INTERNAL = 70  # a bug: never 1, which means "the registry is invalid"
INTERRUPTED = 130


class _Flag:
    """Set by the SIGINT handler: an interrupt a library swallowed still counts."""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set


interrupted = _Flag()
_said: set[str] = set()


def report(message: str) -> None:
    """``icor: error: MESSAGE`` on stderr (see ``render.write_error``)."""
    from icor_cli.render import write_error

    write_error(message)


def report_bug(error: BaseException) -> None:
    report(f"internal error: {type(error).__name__}: {error} "
           "(a bug; run with ICOR_DEBUG=1 for a traceback)")


def report_interrupted() -> None:
    """``icor: interrupted``, once per run, wherever the interrupt was noticed."""
    if "interrupted" in _said:
        return
    _said.add("interrupted")
    try:
        sys.stderr.write("\nicor: interrupted\n" if _after_prompt() else "icor: interrupted\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _after_prompt() -> bool:
    return "prompt" in _said


def prompted() -> None:
    """A prompt is waiting on the terminal's line: an interrupt message starts a new one."""
    _said.add("prompt")


def os_reason(error: BaseException) -> str:
    """A short reason for an ``OSError``, in words a user recognises."""
    if not isinstance(error, OSError):
        return str(error)
    if error.errno == errno.ENOSPC:
        return "no space left on the device (disk full)"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EROFS:
        return "read-only file system"
    return error.strerror or str(error)


def exit_status(code: object) -> int:
    """The process status for a ``SystemExit`` code, as Python itself maps it."""
    if code is None:
        return OK
    if isinstance(code, bool):
        return int(code)
    if isinstance(code, int):
        return code if 0 <= code <= 255 else INTERNAL
    report(str(code))  # sys.exit("message"): Python prints it and exits 1
    return 1


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
