"""Reading the page ``icor audit`` checks: a file, standard input, or an http(s) URL.

Every failure to get the page is ``RegistryIOError`` (exit 3), with one line saying why.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from icor_cli.errors import RegistryIOError, UsageError

TIMEOUT_ENV = "ICOR_AUDIT_TIMEOUT"
DEFAULT_TIMEOUT = 20.0
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Page:
    text: str
    display: str
    html: bool | None  # None: decide from the content


def timeout(environ: dict[str, str] | None = None) -> float:
    """Seconds to wait for a URL: ``$ICOR_AUDIT_TIMEOUT``, else 20."""
    value = (os.environ if environ is None else environ).get(TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise UsageError(f"{TIMEOUT_ENV}={value!r} is not a positive number of seconds")
    return seconds


def _decode(raw: bytes, display: str, charset: str | None = None) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for encoding in (charset, "utf-8"):
        if not encoding:
            continue
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    raise RegistryIOError(f"{display}: not UTF-8 text")


def read_page(spec: str, seconds: float | None = None) -> Page:
    """The page named by ``spec``: ``-`` (stdin), an http(s) URL, or a file."""
    if spec == "-":
        return Page(_decode(sys.stdin.buffer.read(), "<stdin>"), "<stdin>", None)
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://", spec)
    if scheme:
        if scheme.group(1).lower() not in ("http", "https"):
            raise UsageError(f"cannot read {spec!r}: only http and https URLs, files and - "
                             "(standard input) are supported")
        return _fetch(spec, timeout() if seconds is None else seconds)
    path = Path(spec)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise RegistryIOError(f"{spec}: no such file") from None
    except IsADirectoryError:
        raise RegistryIOError(f"{spec}: is a directory") from None
    except OSError as error:
        raise RegistryIOError(f"{spec}: cannot read: {error.strerror or error}") from None
    html = True if path.suffix.lower() in (".html", ".htm") else None
    return Page(_decode(raw, spec), spec, html)


def _fetch(url: str, seconds: float) -> Page:
    import urllib.error
    import urllib.request

    from icor_cli import __version__

    request = urllib.request.Request(url, headers={"User-Agent": f"icor/{__version__}"})
    try:
        with urllib.request.urlopen(request, timeout=seconds) as response:
            raw = response.read(MAX_BYTES + 1)
            content_type = response.headers.get_content_type()
            charset = response.headers.get_content_charset()
    except urllib.error.HTTPError as error:
        raise RegistryIOError(f"{url}: HTTP {error.code} {error.reason}") from None
    except urllib.error.URLError as error:
        raise RegistryIOError(f"{url}: cannot fetch: {error.reason}") from None
    except TimeoutError:
        raise RegistryIOError(f"{url}: no answer within {seconds:g} s") from None
    except (OSError, ValueError) as error:
        raise RegistryIOError(f"{url}: cannot fetch: {error}") from None
    if len(raw) > MAX_BYTES:
        raise RegistryIOError(f"{url}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    html = True if content_type in ("text/html", "application/xhtml+xml") else None
    return Page(_decode(raw, url, charset), url, html)


def write_output(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` all at once (``save.write_atomic``: a temporary file in
    the same directory, then ``os.replace``); on failure the old file is untouched and
    nothing is left behind (exit 3)."""
    from icor_cli.errors import os_reason
    from icor_cli.save import write_atomic

    if path.is_dir():
        raise RegistryIOError(f"{path}: is a directory")
    try:
        write_atomic(path, text.encode("utf-8"))
    except OSError as error:
        raise RegistryIOError(f"{path}: cannot write: {os_reason(error)}; nothing "
                              "written") from None
