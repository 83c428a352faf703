"""Find, read, parse and serialise the registry file.

Every way a file can be wrong (bytes, TOML syntax, nesting, schema) becomes a ``Finding``
with ``file:line:col``; loading raises ``RegistryInvalid`` carrying all of them.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from icor_cli import progress
from icor_cli.errors import Finding, RegistryInvalid, RegistryIOError, UsageError
from icor_cli.escape import excerpt, shorten

if TYPE_CHECKING:
    from pydantic import ValidationError

    from icor_cli.models import Registry

FILENAME = "registry.toml"
ENV_VAR = "ICOR_REGISTRY"
# tomli recurses once or twice per level: past about 390 levels of arrays or inline
# tables, or about 990 parts of a dotted key, it cannot read a file (the README says so).
# The scan that locates such a place looks for the first one past these depths.
MAX_NESTING = 300
MAX_KEY_PARTS = 900


@dataclass(frozen=True, slots=True)
class RegistrySource:
    """Where the registry comes from, and how to name it in messages."""

    path: Path
    display: str
    bundled: bool = False
    # Read from memory instead of ``path`` (``-r -``, ``--at REV``); ``readonly`` says why
    # writing is refused (exit 2).
    content: bytes | None = None
    readonly: str | None = None


@dataclass(frozen=True, slots=True)
class Loaded:
    """A registry as read: the exact bytes (to detect changes) and the validated model."""

    source: RegistrySource
    raw: bytes
    text: str
    registry: Registry


def _display(path: Path, cwd: Path) -> str:
    """Relative to the working directory when the file is below it (as linters print,
    and as GitHub needs for annotations), else as given; control characters and line
    breaks in the name escaped, as in every message."""
    from icor_cli.escape import visible

    try:
        return visible(str(path.absolute().relative_to(cwd.absolute())))
    except ValueError:
        return visible(str(path))


def bundled_registry() -> Path:
    """The read-only registry shipped in the package (or the checkout's, when editable)."""
    packaged = Path(__file__).with_name(FILENAME)
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parent.parent / FILENAME


def find_registry(
    option: str | None = None,
    environ: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> RegistrySource:
    """``--registry``, else ``$ICOR_REGISTRY``, else the nearest ``registry.toml`` upward,
    else the bundled copy. An empty ``--registry`` or ``$ICOR_REGISTRY`` is a usage error
    (a CI step with an unset variable must not check the bundled copy instead); a
    ``registry.toml`` found upward that is not a readable file is an I/O error, never
    skipped."""
    environ = os.environ if environ is None else environ
    cwd = Path.cwd() if cwd is None else cwd
    if option is not None:
        if not option:
            raise UsageError("--registry is empty; give the path of a registry file")
        return RegistrySource(Path(option), _display(Path(option), cwd))
    if ENV_VAR in environ:
        value = environ[ENV_VAR]
        if not value:
            raise UsageError(f"{ENV_VAR} is set but empty; give the path of a registry file "
                             f"or unset it")
        return RegistrySource(Path(value), _display(Path(value), cwd))
    for directory in (cwd, *cwd.parents):
        candidate = directory / FILENAME
        if candidate.is_symlink() or candidate.exists():
            return RegistrySource(candidate, _display(candidate, cwd))
    path = bundled_registry()
    return RegistrySource(path, str(path), bundled=True)


# Ten times the largest registry benchmarked (100,000 members take about 22 MB): a bound
# on what a mistaken path or `-r - < /dev/zero` can make icor read into memory.
MAX_BYTES = 256 << 20


def open_regular(source: RegistrySource, path: Path | None = None) -> int:
    """A read-only descriptor of ``path`` (default: the source's path), or
    ``RegistryIOError`` when it is missing, a dangling symlink, a directory, or anything
    but a regular file (opened without blocking, so a FIFO cannot hang icor)."""
    path = source.path if path is None else path
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        kind = "a dangling symlink" if path.is_symlink() else "no such file"
        raise RegistryIOError(f"{source.display}: {kind}") from None
    except IsADirectoryError:
        raise RegistryIOError(f"{source.display}: is a directory") from None
    except OSError as error:
        raise RegistryIOError(f"{source.display}: cannot read: {error.strerror}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = "is a directory" if stat.S_ISDIR(mode) else "not a regular file"
        raise RegistryIOError(f"{source.display}: {kind}")
    return fd


def read_bytes(source: RegistrySource) -> bytes:
    """The file's bytes. Only a regular file is read: a FIFO, a device or a directory is
    an I/O error at once, never a hang or an endless read."""
    if source.content is not None:  # -r -, --at REV: already read
        progress.start(len(source.content), source.display)
        return source.content
    fd = open_regular(source)
    try:
        info = os.fstat(fd)
        if info.st_size > MAX_BYTES:
            raise RegistryIOError(f"{source.display}: too large ({info.st_size} bytes)")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        raw = b"".join(chunks)
    except OSError as error:
        raise RegistryIOError(f"{source.display}: cannot read: {error.strerror}") from None
    finally:
        os.close(fd)
    progress.start(len(raw), source.display)
    return raw


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def decode(raw: bytes, display: str) -> str:
    """UTF-8 text without a byte-order mark, or ``RegistryInvalid`` naming the place."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raise RegistryInvalid(
            [Finding("syntax", "error", display, "byte-order mark not allowed; save as UTF-8 "
                     "without BOM", 1, 1)]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        good = raw[: error.start].decode("utf-8")
        line, column = _position(good, len(good))
        message = f"invalid UTF-8 (byte 0x{raw[error.start]:02x}); the file must be UTF-8"
        finding = Finding("syntax", "error", display, message, line, column)
        raise RegistryInvalid([finding]) from None


def _too_deep(text: str) -> Finding | None:
    """Where the structure tomli could not read is: arrays or inline tables nested
    deeper than ``MAX_NESTING``, or a key of more than ``MAX_KEY_PARTS`` parts."""
    from icor_cli.tomlpos import deep_place

    place = deep_place(text, MAX_NESTING, MAX_KEY_PARTS)
    if place is None:
        return None
    kind, line, column = place
    message = (f"arrays or inline tables nested more than {MAX_NESTING} levels deep"
               if kind == "nesting" else f"a dotted key of more than {MAX_KEY_PARTS} parts")
    return Finding("syntax", "error", "", f"TOML syntax: {message}", line, column)


_DIGITS = re.compile(r"(?<![\w.])[+-]?\d(?:_?\d){4300,}")


def _huge_integer(text: str) -> Finding | None:
    """Where an integer literal longer than Python converts (4,300 digits) is."""
    match = _DIGITS.search(text)
    if match is None:
        return None
    line, column = _position(text, match.start())
    return Finding("syntax", "error", "", "TOML syntax: an integer of more than 4,300 digits",
                   line, column)


def parse(text: str, display: str) -> dict[str, Any]:
    """TOML text to plain data, or ``RegistryInvalid`` with the parser's position."""
    import tomli

    progress.phase("parsing")
    try:
        return tomli.loads(text)
    except tomli.TOMLDecodeError as error:
        finding = Finding("syntax", "error", display, f"TOML syntax: {error.msg}",
                          error.lineno, error.colno)
    except RecursionError:
        finding = replace(_too_deep(text) or Finding(
            "syntax", "error", "", "TOML syntax: nested too deeply to read", 1, 1), file=display)
    except ValueError:  # an integer longer than Python converts (tomli lets that through)
        finding = replace(_huge_integer(text) or Finding(
            "syntax", "error", "", "TOML syntax: a number too large to read", 1, 1), file=display)
    raise RegistryInvalid([finding])


def _schema_message(error: Any) -> str:
    loc = [shorten(str(part)) for part in error["loc"]]
    kind = error["type"]
    if loc and loc[-1] == "[key]":
        loc = loc[:-1]
        return (f"{'.'.join(loc)}: id {excerpt(loc[-1])} must be a lowercase slug "
                "([a-z0-9][a-z0-9-]*)")
    where = ".".join(loc) or "top level"
    if kind == "extra_forbidden":
        return f"{where}: unknown field {excerpt(loc[-1])}"
    if kind == "missing":
        return f"{where}: missing required field {excerpt(loc[-1])}"
    if kind == "string_pattern_mismatch":
        if loc[-1] == "country":
            value = error.get("input")
            return (f"{where}: {excerpt(value)} is not an ISO 3166-1 alpha-2 country code "
                    "(upper case)")
        return f"{where}: must be non-empty text without leading or trailing whitespace"
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if kind.endswith("_type"):
        message += f" (got {type(value).__name__})"
    elif kind in ("literal_error", "enum") and isinstance(value, str | int):
        message += f" (got {excerpt(value)})"
    return f"{where}: {message}"


def schema_findings(error: ValidationError, text: str, display: str) -> list[Finding]:
    """One finding per Pydantic error, located at the offending key or table."""
    from icor_cli.errors import interrupted
    from icor_cli.tomlpos import Locator

    if interrupted.is_set():
        # Ctrl-C while pydantic-core validated: what it reports is not the file's fault.
        raise KeyboardInterrupt
    locator = Locator(text)
    findings = []
    for item in error.errors(include_url=False):
        loc = [part for part in item["loc"] if part != "[key]"]
        member = str(loc[1]) if len(loc) > 1 and loc[0] == "members" else None
        if item["type"] == "missing":
            # A missing key has no line of its own: point at its table.
            loc = loc[:-1]
        line, column = locator.find([str(part) for part in loc])
        findings.append(
            Finding("schema", "error", display, _schema_message(item), line, column, member)
        )
    findings.sort(key=lambda f: (f.line or 0, f.column or 0))
    return findings


def build(data: dict[str, Any], text: str, display: str) -> Registry:
    """Validate parsed data into a ``Registry``, or raise with every schema finding."""
    from pydantic import ValidationError

    from icor_cli.models import Registry

    progress.phase("validating")
    try:
        return Registry.from_data(data)
    except ValidationError as error:
        raise RegistryInvalid(schema_findings(error, text, display)) from None


def load(source: RegistrySource) -> Loaded:
    raw = read_bytes(source)
    try:
        text = decode(raw, source.display)
        registry = build(parse(text, source.display), text, source.display)
    finally:
        progress.clear()
    return Loaded(source, raw, text, registry)


def first_non_canonical_line(text: str, registry: Registry) -> int | None:
    """The first line where ``text`` differs from the canonical text of ``registry``, or
    None when it is canonical."""
    canonical = dump(registry)
    if text == canonical:
        return None
    have, want = text.split("\n"), canonical.split("\n")
    return next((i for i, (a, b) in enumerate(zip(have, want, strict=False), 1) if a != b),
                min(len(have), len(want)))


def dump(registry: Registry) -> str:
    """The canonical text (tomli-w's, see ``canonical``): the same data always gives the
    same bytes."""
    from icor_cli.canonical import dumps

    # The members' own __dict__s, unset (None) fields and all: the writer leaves None out,
    # and not copying 100,000 dicts saves half a second.
    data = registry.head_data()
    data["members"] = {i: registry.members[i].__dict__ for i in sorted(registry.members)}
    return dumps(data)
