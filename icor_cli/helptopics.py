"""The ``icor help TOPIC`` texts. Each is written once, here; the README shows the same
text between ``<!-- help: TOPIC -->`` markers (``tests/test_helptopics.py`` keeps them
equal; ``python -m icor_cli.helptopics README.md`` rewrites the README's copies), and the
man page (``icor_cli/manpage.py``) includes them.

Plain text, at most 88 columns wide, so it reads the same in a terminal, a Markdown code
block and a man page.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ENVIRONMENT = """\
Environment variables icor reads

ICOR_REGISTRY         the registry file, when -r/--registry is not given (before the
                      nearest registry.toml upward and the bundled copy)
ICOR_LOCK_TIMEOUT     seconds a write waits for the registry's lock (default 30); then
                      exit 4, nothing written
ICOR_DEBUG=1          a traceback instead of the one-line error
ICOR_PAGER            the pager for long output on a terminal (before PAGER); empty or
                      "cat": no pager
PAGER                 the pager when ICOR_PAGER is not set (default: less -FRX)
NO_COLOR              any value: no colour (https://no-color.org); --color overrides it
FORCE_COLOR           any value: colour even when output is not a terminal; --color
                      overrides it
COLUMNS, LINES        the terminal's size, when the terminal does not say
ICOR_FORCE_TERMINAL=1 treat stdout as a terminal: tables by default, COLUMNS wide (100
                      if unset); for tests
GITHUB_ACTIONS=true   validate's default format is github: annotations on the diff
GITHUB_STEP_SUMMARY   validate appends a Markdown summary to this file
GITHUB_WORKSPACE      annotation paths are relative to it (else the current directory)
GITHUB_BASE_REF       on a pull request, validate's summary adds the diff against it
SOURCE_DATE_EPOCH     seconds since 1970: the date icor takes as today (the default of
                      --date), for reproducible runs
PYDANTIC_DISABLE_PLUGINS
                      set to __all__ by icor unless already set (no plugin lookup)
_ICOR_COMPLETE        set by the shell completion scripts; not for people
"""

EXIT_CODES = """\
Exit codes

0    success
1    the registry is invalid or a check failed (validate, fmt --check), including TOML
     syntax and schema errors
2    usage error: bad option, unknown or ambiguous member, unknown region or country,
     missing required field, write to the bundled registry
3    I/O error: file missing, unreadable, not a regular file, not writable, disk full
     (also when writing the output fails)
4    concurrent change: lock not obtained in time, or the file changed underneath;
     retrying is safe
70   a bug in icor: one line names it, never confused with an invalid registry
130  interrupted

search exits 0 when nothing is found (stderr says so), 1 with --exit-status.
Errors are one line on stderr (icor: error: ..., or FILE:LINE:COL: ...), never a
traceback unless ICOR_DEBUG=1.
"""

FORMATS = """\
Output formats (--format/-f on list, show, search, stats)

table   for people: aligned columns, colour; the default when stdout is a terminal
tsv     a header row, then one line per row; tab, newline, carriage return and
        backslash in a value written as \\t, \\n, \\r, \\\\; the default when stdout
        is a pipe or a file
csv     RFC 4180 quoting, a header row; true/false for booleans, empty for unset
json    an array of objects, one per line (show: one indented object)
jsonl   one object per line

A member object has id and every member field of the file (unset ones null, dates
YYYY-MM-DD); search adds matched and match. Formats other than table have no escape
codes and are never wrapped or cut, whatever the terminal's width.

--fields a,b,c   only these columns, in this order: id, any member field, country_name
                 (and matched, match for search); every format
--no-header      no header row (csv, tsv)
"""

FILE_FORMAT = """\
The registry file (registry.toml)

UTF-8, LF line endings, in one canonical form (what icor fmt writes): the same data
always gives the same bytes; members sorted by id; comments are not kept (use notes).

schema_version = 1
regions = ["Africa", "Asia", ...]      the regions in display order
[organisation]                         name, short_name, founded (date); optional
                                       office, address, country, phone, website
[stated]                               the publicly stated counts: active, inactive,
                                       total, countries; optional source, as_of (date)
[stated.active_by_region]              active members per region, as stated
[members.<id>]                         one table per member; <id> a lowercase slug
                                       ([a-z0-9][a-z0-9-]*), stable, never reused

Member fields:
abbreviation         as published, any script
name                 in its original language and script
name_en              English name (optional)
country              ISO 3166-1 alpha-2, upper case
region               one of regions
status               "active" or "inactive"
founding             true for founding members
joined, deactivated  dates (optional; deactivated only when inactive)
deactivation_reason  text (optional; only when inactive)
notes                free text, the only field that may hold line breaks

Unknown keys are errors. icor schema prints the JSON Schema; icor validate checks all.
"""

TOPICS: dict[str, str] = {
    "environment": ENVIRONMENT,
    "exit-codes": EXIT_CODES,
    "formats": FORMATS,
    "file-format": FILE_FORMAT,
}

_BLOCK = re.compile(
    r"(<!-- help: (?P<topic>[a-z-]+) -->\n```text\n)(?P<body>.*?)(```\n<!-- end help -->)",
    re.DOTALL,
)


def readme_blocks(readme: str) -> dict[str, str]:
    """The topic texts as the README shows them."""
    return {match["topic"]: match["body"] for match in _BLOCK.finditer(readme)}


def with_topics(readme: str) -> str:
    """``readme`` with every topic block replaced by the current text."""
    return _BLOCK.sub(lambda m: m.group(1) + TOPICS[m["topic"]] + m.group(4), readme)


def main(argv: list[str]) -> int:
    """``python -m icor_cli.helptopics README.md``: rewrite the README's topic blocks."""
    if len(argv) != 1:
        sys.stderr.write("usage: python -m icor_cli.helptopics README.md\n")
        return 2
    path = Path(argv[0])
    text = path.read_text(encoding="utf-8")
    path.write_text(with_topics(text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
