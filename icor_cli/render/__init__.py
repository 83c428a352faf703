"""Everything that prints. People get Rich on a terminal; scripts get plain text.

Rich is imported only when a terminal will see its output, so piped and machine formats
stay fast and free of escape codes.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


def is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def no_color() -> bool:
    return bool(os.environ.get("NO_COLOR"))


FORCE_TERMINAL_VAR = "ICOR_FORCE_TERMINAL"


def forced_terminal() -> bool:
    """``ICOR_FORCE_TERMINAL=1``: treat stdout as a terminal (tests, ``script``)."""
    return os.environ.get(FORCE_TERMINAL_VAR) == "1"


def stdout_is_terminal() -> bool:
    """A person reads stdout: a terminal, or ``ICOR_FORCE_TERMINAL=1``."""
    return forced_terminal() or is_terminal(sys.stdout)


def console(stderr: bool = False) -> Console:
    """The one Rich console factory, on stdout or stderr: NO_COLOR honoured, markup and
    highlighting off (text is data), a pipe never pretends to be a terminal. On stdout
    ``ICOR_FORCE_TERMINAL=1`` forces terminal output at ``$COLUMNS`` (default 100)
    columns."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    force = not stderr and forced_terminal()
    width: int | None = None
    if force:
        try:
            width = int(os.environ.get("COLUMNS", "100"))
        except ValueError:
            width = 100
    made = Console(
        file=stream,
        stderr=stderr,
        no_color=no_color(),
        highlight=False,
        emoji=False,
        markup=False,
        force_terminal=True if force or is_terminal(stream) else None,
        width=width,
    )
    if made.width < 1:  # COLUMNS=0 or less: Rich would print nothing at all
        made.width = 80
    return made


def write_error(message: str) -> None:
    """One line on stderr; coloured only for a person looking at a terminal. Control
    characters and line breaks that values brought into the message are escaped, so it
    stays one line that cannot start a GitHub workflow command or drive a terminal."""
    from icor_cli.escape import message as one_line

    message = one_line(message)
    if is_terminal(sys.stderr) and not no_color():
        sys.stderr.write(f"\x1b[1;31micor: error:\x1b[0m {message}\n")
    else:
        sys.stderr.write(f"icor: error: {message}\n")
    sys.stderr.flush()


def write_location_error(line: str) -> None:
    """A ``file:line:col: message`` line on stderr, as compilers and linters print them,
    escaped as ``write_error`` escapes."""
    from icor_cli.escape import message

    sys.stderr.write(message(line) + "\n")
    sys.stderr.flush()


def write_diff(diff: str) -> None:
    """A unified diff on stdout. For a person at a terminal every line's control
    characters and bidirectional controls are shown escaped; piped, the diff is data and
    goes out as it is (``patch`` must be able to apply it)."""
    if stdout_is_terminal():
        from icor_cli.escape import visible_keep_tabs

        # split on LF only: splitlines() would also split on (and so drop) U+2028 and \x85
        diff = "\n".join(visible_keep_tabs(line) for line in diff.split("\n"))
    sys.stdout.write(diff)
