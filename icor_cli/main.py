"""The ``icor`` console script: the outermost error boundary.

This module imports nothing heavy, so it is in charge before typer, rich and pydantic
load: an interrupt or a failure at any moment ends as one line on stderr and a documented
exit code, never a traceback (unless ``ICOR_DEBUG=1``). ``cli.run`` does the rest.
"""

from __future__ import annotations

import signal

_pending: list[int] = []


def _defer(signum: int, frame: object) -> None:
    _pending.append(signum)


# First of all, before any other import: an interrupt while this module loads is noted,
# and main() turns it into the usual exit, instead of a traceback from the import.
signal.signal(signal.SIGINT, _defer)

import os  # noqa: E402
import sys  # noqa: E402
from contextlib import suppress  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TextIO  # noqa: E402

from icor_cli import errors  # noqa: E402


def _on_interrupt(signum: int, frame: object) -> None:
    # Remembered as well as raised: a library that turns the exception into something
    # else (a validation error, say) must not make icor report a wrong verdict.
    errors.interrupted.set()
    raise KeyboardInterrupt


def _unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    # Ctrl-C landing in a callback Python cannot raise from (an import lock's weakref
    # callback, a finaliser) is printed as "Exception ignored" with a traceback; the
    # flag keeps it, and the command ends with exit 130 before it writes anything.
    if isinstance(unraisable.exc_value, KeyboardInterrupt):
        errors.interrupted.set()
        return
    sys.__unraisablehook__(unraisable)


class _Diagnostics:
    """stderr for diagnostics: a message that cannot be written (stderr closed, full or
    gone) is dropped, never a failure of the command that already did its work."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except (OSError, ValueError):
            return len(text)

    def flush(self) -> None:
        with suppress(OSError, ValueError):
            self._stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def _streams() -> None:
    """A closed stdout or stderr (``icor list >&-``) becomes the null device, so the
    command stops quietly instead of failing on it; text the terminal's encoding cannot
    hold is written as escapes instead of crashing the command."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            stream = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115 - for the run
        with suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")
        setattr(sys, name, stream)
    sys.stderr = _Diagnostics(sys.stderr)


def main() -> None:
    signal.signal(signal.SIGINT, _on_interrupt)
    sys.unraisablehook = _unraisable
    _streams()
    status = errors.INTERNAL
    try:
        if _pending:
            raise KeyboardInterrupt
        status = _run()
    except KeyboardInterrupt:
        status = errors.INTERRUPTED
    except BaseException as error:  # anything cli.run did not turn into a status
        status = _unexpected(error)
    _leave(status)


def _run() -> int:
    # A short-lived process: the cyclic garbage collector only costs time here (a third
    # of parsing and validating 100,000 members), and there is nothing cyclic to free.
    import gc

    gc.disable()
    # Pydantic looks for plugins through importlib.metadata on first use; icor uses none.
    # A user who sets the variable keeps their choice.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from icor_cli import cli

    return cli.run(sys.argv[1:])


def _unexpected(error: BaseException) -> int:
    if isinstance(error, SystemExit):
        return errors.exit_status(error.code)
    if isinstance(error, OSError):
        errors.report(f"cannot write output: {errors.os_reason(error)}")
        return errors.IO_ERROR
    if os.environ.get("ICOR_DEBUG") == "1":
        import traceback

        traceback.print_exception(error)
    else:
        errors.report_bug(error)
    return errors.INTERNAL


def _leave(status: int) -> None:
    """Flush and exit with ``status``, without the interpreter's teardown of every
    loaded module (80 ms once Pydantic is loaded, a third of a short command). Locks
    and temporary files are released by the commands themselves, and icor registers no
    exit handlers."""
    with suppress(ValueError, OSError):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C changes nothing now
    if status == errors.INTERRUPTED:
        errors.report_interrupted()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        pass  # the reader went away (`icor list | head`): the verdict stands
    except (OSError, ValueError) as error:
        if status == 0:
            errors.report(f"cannot write output: {errors.os_reason(error)}")
            status = errors.IO_ERROR
    with suppress(OSError, ValueError):
        sys.stderr.flush()
    os._exit(status)
