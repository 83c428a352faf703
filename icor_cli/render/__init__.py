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


def console(stderr: bool = False) -> Console:
    """A Rich console on stdout or stderr that honours NO_COLOR and never pretends a pipe
    is a terminal."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    return Console(
        file=stream,
        stderr=stderr,
        no_color=no_color(),
        highlight=False,
        emoji=False,
        markup=False,
        force_terminal=is_terminal(stream) or None,
    )


def write_error(message: str) -> None:
    """One line on stderr; coloured only for a person looking at a terminal. Control
    characters and line breaks that values brought into the message are escaped, so it
    stays one line that cannot start a GitHub workflow command or drive a terminal."""
    from icor_cli.escape import visible

    message = visible(message)
    if is_terminal(sys.stderr) and not no_color():
        sys.stderr.write(f"\x1b[1;31micor: error:\x1b[0m {message}\n")
    else:
        sys.stderr.write(f"icor: error: {message}\n")
    sys.stderr.flush()


def write_location_error(line: str) -> None:
    """A ``file:line:col: message`` line on stderr, as compilers and linters print them,
    escaped as ``write_error`` escapes."""
    from icor_cli.escape import visible

    sys.stderr.write(visible(line) + "\n")
    sys.stderr.flush()
