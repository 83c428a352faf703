"""Long output on a terminal goes through a pager, as git does; ``--color`` chooses
colour against ``NO_COLOR`` and ``FORCE_COLOR``.

While a command runs on a terminal, its stdout is collected (``paging``); at the end it
is shown through ``$ICOR_PAGER``, else ``$PAGER``, else ``less -FRX``, if it is taller
than the screen, and written as usual otherwise. Never when stdout is not a terminal,
never with ``--no-pager``; a pager that cannot be started means plain output.
"""

from __future__ import annotations

import io
import os
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

DEFAULT_PAGER = "less -FRX"
#: Commands whose output may be long and that never prompt: only these are paged (a
#: prompt needs the real stdout, for readline's line editing and Tab completion).
PAGED_COMMANDS = frozenset({"list", "show", "search", "stats", "stated", "diff", "log",
                            "help", "schema", "validate", "audit"})
COLOR_CHOICES = ("auto", "always", "never")


class _Settings:
    enabled = True


settings = _Settings()


def apply_color(choice: str) -> None:
    """``--color never`` is ``NO_COLOR=1``, ``always`` is ``FORCE_COLOR=1`` (read by Rich
    and by icor's own error lines), ``auto`` keeps the environment as it is."""
    if choice == "never":
        os.environ["NO_COLOR"] = "1"
        os.environ.pop("FORCE_COLOR", None)
    elif choice == "always":
        os.environ["FORCE_COLOR"] = "1"
        os.environ.pop("NO_COLOR", None)


def pager_command(environ: dict[str, str] | os._Environ[str] | None = None) -> list[str]:
    """The pager to run, as an argument list; empty for none (``cat`` or empty)."""
    environ = os.environ if environ is None else environ
    for name in ("ICOR_PAGER", "PAGER"):
        if name in environ:
            value = environ[name].strip()
            break
    else:
        value = DEFAULT_PAGER
    try:
        words = shlex.split(value)
    except ValueError:
        words = value.split()
    return [] if not words or words == ["cat"] else words


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _screen() -> tuple[int, int]:
    import shutil

    size = shutil.get_terminal_size()
    return size.columns, size.lines


def taller_than_screen(text: str) -> bool:
    """Whether ``text`` needs more lines than the terminal has (long lines count for
    the rows they wrap onto; escape codes are not counted as width)."""
    import re

    columns, lines = _screen()
    columns = max(columns, 1)
    plain = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)
    rows = 0
    for line in plain.splitlines():
        rows += max(1, -(-len(line) // columns))
        if rows >= lines:
            return True
    return False


def _run_pager(command: list[str], text: str, out: TextIO) -> bool:
    """Show ``text`` through the pager; False if it could not be started."""
    import signal
    import subprocess

    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as git: quit if one screen, colours, keep the screen
    env.setdefault("LV", "-c")
    try:
        process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=out, env=env)
    except OSError:
        return False
    # Ctrl-C belongs to the pager while it runs (less uses it); icor just waits.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert process.stdin is not None
        try:
            process.stdin.write(text.encode("utf-8", "replace"))
            process.stdin.close()
        except (BrokenPipeError, OSError):
            pass  # the reader quit early (q in less)
        process.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return True


def page(text: str) -> None:
    """Write ``text`` to stdout, through the pager when that is wanted (see module)."""
    out = sys.stdout
    if settings.enabled and _is_terminal(out) and not isinstance(out, _Collector) \
            and taller_than_screen(text):
        command = pager_command()
        if command:
            out.flush()
            if _run_pager(command, text, out):
                return
    out.write(text)
    out.flush()


class _Collector(io.StringIO):
    """Stands in for stdout while a command runs: a terminal to whoever asks (so tables
    and colours are chosen as for the real one)."""

    def __init__(self, real: TextIO) -> None:
        super().__init__()
        self.real = real

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.real, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return self.real.fileno()


@contextmanager
def paging(command: str | None = None) -> Iterator[None]:
    """Collect stdout while the block runs, then ``page`` it. Does nothing unless
    stdout is a terminal, paging is enabled and ``command`` is one of PAGED_COMMANDS."""
    real = sys.stdout
    if (not settings.enabled or command not in PAGED_COMMANDS or not _is_terminal(real)
            or not pager_command()):
        yield
        return
    collector = _Collector(real)
    sys.stdout = collector
    try:
        yield
    finally:
        sys.stdout = real
        # Click closes the context without saying why; an interrupt (Ctrl-C) is still
        # being handled then, and must not open a pager.
        interrupted = isinstance(sys.exc_info()[1], KeyboardInterrupt)
        if interrupted:
            real.write(collector.getvalue())
            real.flush()
        else:
            page(collector.getvalue())
