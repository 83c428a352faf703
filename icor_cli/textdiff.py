"""A unified diff of a change to the file, for people (``--dry-run``, ``fmt --diff``).
No I/O. (The comment lines the canonical form would drop come from ``tomlpos``.)"""

from __future__ import annotations

import re


def unified_diff(before: str, after: str, label: str) -> str:
    """A unified diff of the whole file, as ``diff -u`` prints it.

    Only the window between the common first and last lines goes through difflib (with
    three lines of context), so a one-member change of a 100,000-member file is cheap; the
    hunk headers are shifted back to the file's line numbers."""
    import difflib

    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    start = max(0, head - 3)
    stop_a, stop_b = len(a) - max(0, tail - 3), len(b) - max(0, tail - 3)
    # git's a/ and b/ prefixes, for `git apply`; an absolute path is left as it is.
    old_label, new_label = (label, label) if label.startswith("/") else (f"a/{label}",
                                                                          f"b/{label}")
    lines = []
    for line in difflib.unified_diff(a[start:stop_a], b[start:stop_b], old_label, new_label):
        if line.startswith("@@"):
            line = _shift_hunk(line, start)
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        lines.append(line)
    return "".join(lines)


_HUNK = re.compile(r"^@@ -(\d+)((?:,\d+)?) \+(\d+)((?:,\d+)?) @@")


def _shift_hunk(header: str, offset: int) -> str:
    match = _HUNK.match(header)
    if not match or offset == 0:
        return header
    old, old_len, new, new_len = match.groups()
    return (f"@@ -{int(old) + offset}{old_len} +{int(new) + offset}{new_len} @@"
            + header[match.end():])
