"""Text of the file for people: a unified diff of a change, and the comment lines the
canonical form would drop. No I/O."""

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


def comment_lines(text: str) -> list[tuple[int, str]]:
    """(line number, whole line) for every line holding a TOML comment: what rewriting
    the file in canonical form would drop. Strings are skipped, so a ``#`` inside a value
    is not a comment."""
    found: list[tuple[int, str]] = []
    lines = text.split("\n")
    i, n, line = 0, len(text), 1
    while i < n:
        char = text[i]
        if char == "\n":
            line += 1
            i += 1
        elif char == "#":
            found.append((line, lines[line - 1].rstrip("\r")))
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif char in "\"'":
            end = _string_end(text, i)
            line += text.count("\n", i, end)
            i = end
        else:
            i += 1
    return found


def _string_end(text: str, start: int) -> int:
    """The index just past the TOML string starting at ``start``."""
    quote = text[start]
    escapes = quote == '"'
    if text.startswith(quote * 3, start):
        i = start + 3
        while i < len(text):
            if escapes and text[i] == "\\":
                i += 2
            elif text.startswith(quote * 3, i):
                i += 3
                extra = 0  # up to two quotes may end the content: """a""""
                while extra < 2 and i < len(text) and text[i] == quote:
                    i += 1
                    extra += 1
                return i
            else:
                i += 1
        return len(text)
    i = start + 1
    while i < len(text) and text[i] != "\n":
        if escapes and text[i] == "\\":
            i += 2
        elif text[i] == quote:
            return i + 1
        else:
            i += 1
    return i
