"""A one-line status on stderr while a large registry is read, for a person at a terminal.

Work that takes about a second or more (a registry of a few megabytes, some 10,000
members) says what it is doing, so a slow run does not look like a hung one. The line is
cleared before any output. Only the console script turns this on, and only when stderr
is a terminal; scripts, pipes and tests never see it.
"""

from __future__ import annotations

import sys

LARGE = 2_000_000  # bytes; about 10,000 members, about a second of work

_allowed = False
_active = False


def allow() -> None:
    """Called by the console script: status lines may be shown on a terminal."""
    global _allowed
    try:
        _allowed = sys.stderr.isatty()
    except (AttributeError, ValueError):
        _allowed = False


def start(size: int, what: str) -> None:
    global _active
    _active = _allowed and size >= LARGE
    phase(f"reading {what} ({size / 1_000_000:.0f} MB)")


def phase(text: str) -> None:
    if _active:
        sys.stderr.write(f"\r\x1b[Kicor: {text}...")
        sys.stderr.flush()


def clear() -> None:
    global _active
    if _active:
        sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()
        _active = False
