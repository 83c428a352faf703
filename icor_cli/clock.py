"""Today's date, the default of ``--date`` options.

``$SOURCE_DATE_EPOCH`` (seconds since 1970, the reproducible-builds convention), when
set, fixes it: scripted and tested runs then write the same dates on any day."""

from __future__ import annotations

import datetime as dt
import os

from icor_cli.errors import UsageError

ENV_VAR = "SOURCE_DATE_EPOCH"


def today() -> dt.date:
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return dt.date.today()
    try:
        return dt.datetime.fromtimestamp(int(value), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise UsageError(f"{ENV_VAR}={value!r} is not a number of seconds since 1970") from None
