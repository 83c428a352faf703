"""A check's verdict, recorded before its report is printed, so that the exit status
survives a reader that goes away (``icor validate -f github | head -1`` under
``pipefail`` must still fail on an invalid registry)."""

from __future__ import annotations

_status = [0]


def set(status: int) -> None:
    _status[0] = status


def get() -> int:
    return _status[0]
