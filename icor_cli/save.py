"""Writing the registry: atomic, locked, never over someone else's change, and no litter.

A write command runs read → change → save inside ``locked(source)``:

- **Lock.** Writers take an exclusive ``flock`` on the registry file itself, so no lock
  file is ever created. A save replaces the file (a new inode), so after the lock is
  granted the path must still name the locked inode; otherwise another writer replaced
  it meanwhile, and the lock is taken again on the new file. Waiting longer than
  ``$ICOR_LOCK_TIMEOUT`` seconds (default 30) is ``ConcurrentChange`` (exit 4). The lock
  goes with the process: a killed writer leaves nothing locked.
- **Changed underneath.** The new text is written to an unnamed temporary file and
  fsynced first; only then, immediately before the rename, the file on disk is compared
  with the bytes the change was computed from. A difference (an editor or script that
  does not take the lock) is ``ConcurrentChange``: their change is kept, ours dropped.
- **Atomic.** The temporary file is created unnamed (``O_TMPFILE``) where the file
  system allows it, gets the original's permission bits through its descriptor
  (``fchmod``; and owner, when run as root), is given a name beside the registry only
  after it is complete, and is renamed over the registry with ``os.replace``; then the
  directory is fsynced. Readers see the old file or the new one, never a mix.
- **Failures.** Any ``OSError`` (permission, read-only file system, disk full, I/O error)
  is ``RegistryIOError`` (exit 3), the original untouched and no temporary file left; an
  interrupt removes the temporary file too. Only a SIGKILL in the microseconds between
  naming the temporary file and the rename can leave it; the next write removes it.

A symlinked registry is written through: the link's target is replaced, the link stays.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from icor_cli.errors import (
    ConcurrentChange,
    RegistryIOError,
    UsageError,
    interrupted,
    os_reason,
)
from icor_cli.store import RegistrySource, open_regular

TIMEOUT_ENV = "ICOR_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
TEMP_SUFFIX = ".icor-tmp"
_POLL = 0.02  # seconds between tries for a held lock


def target(path: Path) -> Path:
    """The file a write replaces: the registry, or the end of its chain of symlinks."""
    return Path(os.path.realpath(path))


def lock_timeout(environ: Mapping[str, str] | None = None) -> float:
    """Seconds to wait for the lock: ``$ICOR_LOCK_TIMEOUT``, else 30."""
    environ = os.environ if environ is None else environ
    value = environ.get(TIMEOUT_ENV, "").strip()
    if not value:
        return DEFAULT_TIMEOUT
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds < float("inf"):  # also refuses nan
        raise UsageError(f"{TIMEOUT_ENV}={value!r} is not a number of seconds")
    return seconds


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks; the re-check before replace remains
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    except OSError as error:
        if error.errno in (errno.EAGAIN, errno.EACCES):
            return False
        if error.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.EINVAL):
            return True  # a file system without locks: the re-check before replace remains
        raise
    return True


@contextmanager
def locked(source: RegistrySource, timeout: float | None = None) -> Iterator[None]:
    """Hold the registry's write lock (an exclusive ``flock`` on the file) for the block."""
    seconds = lock_timeout() if timeout is None else timeout
    deadline = time.monotonic() + seconds
    told = False
    real = target(source.path)
    while True:
        fd = open_regular(source, real)
        try:
            got = _try_lock(fd)
            if got and _names(real, fd):
                break
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)  # not granted, or granted on a file another writer has replaced
        if got:
            continue
        now = time.monotonic()
        if now >= deadline:
            raise ConcurrentChange(
                f"{source.display}: another icor is writing it (lock not obtained in "
                f"{seconds:g}s); nothing written, retry (or set {TIMEOUT_ENV} higher)"
            )
        if not told and seconds > 1 and sys.stderr.isatty():
            sys.stderr.write(f"icor: waiting for another icor writing {source.display}...\n")
            told = True
        time.sleep(min(_POLL, max(deadline - now, 0)))
    try:
        yield
    finally:
        os.close(fd)  # releases the lock


def _names(path: Path, fd: int) -> bool:
    """True when ``path`` still names the file open as ``fd``."""
    try:
        current = path.stat()
    except OSError:
        return False
    opened = os.fstat(fd)
    return (current.st_dev, current.st_ino) == (opened.st_dev, opened.st_ino)


def save(source: RegistrySource, expected: bytes, text: str) -> None:
    """Replace the registry with ``text``, if it still holds ``expected``.

    Call inside ``locked(source)``, with ``expected`` read under the same lock."""
    real = target(source.path)
    if not os.access(real, os.W_OK):
        raise RegistryIOError(f"{source.display}: not writable: permission denied; "
                              "the file is unchanged")

    def unchanged() -> None:
        if interrupted.is_set():  # a Ctrl-C that a library swallowed: write nothing
            raise KeyboardInterrupt
        try:
            current = real.read_bytes()
        except OSError as error:
            raise RegistryIOError(f"{source.display}: cannot read: {os_reason(error)}") from None
        if current != expected:
            raise ConcurrentChange(
                f"{source.display} changed on disk while icor was working on it (another "
                "program wrote it); their change is kept and nothing was written; retry"
            )

    try:
        remove_stale_temporaries(real)
        write_atomic(real, text.encode("utf-8"), before_replace=unchanged)
    except OSError as error:
        raise RegistryIOError(
            f"{source.display}: cannot write: {os_reason(error)}; the file is unchanged"
        ) from None


def write_atomic(path: Path, data: bytes,
                 before_replace: Callable[[], None] | None = None) -> None:
    """Put ``data`` at ``path`` all at once (see the module docstring). ``OSError`` and
    interrupts propagate with ``path`` untouched and no temporary file left.
    ``before_replace``, when given, is called right before the rename and may raise to
    stop it."""
    directory = path.parent
    try:
        original: os.stat_result | None = path.stat()
    except FileNotFoundError:
        original = None
    # Unnamed, the check runs before the file gets its name: a large registry takes
    # milliseconds to compare, and a SIGKILL then must not find a named file to leave.
    temporary = _unnamed_then_named(directory, path.name, data, original, before_replace)
    checked = temporary is not None
    if temporary is None:
        temporary = _named(directory, path.name, data, original)
    try:
        if before_replace is not None and not checked:
            before_replace()
        temporary.replace(path)
    except BaseException:
        with suppress(OSError):
            temporary.unlink()
        raise
    fsync_directory(directory)


# Cleared for the rest of the process once the file system refuses unnamed files.
_LINK_WORKS = [bool(getattr(os, "O_TMPFILE", 0))]


def unnamed_temporaries(directory: Path) -> bool:
    """Whether writes in ``directory`` use unnamed temporary files (a probe, for tests
    and diagnostics)."""
    temporary = _unnamed_then_named(directory, "probe", b"", None)
    if temporary is None:
        return False
    temporary.unlink()
    return True


def _unnamed_then_named(directory: Path, name: str, data: bytes,
                        original: os.stat_result | None,
                        before_naming: Callable[[], None] | None = None) -> Path | None:
    """The complete temporary file, written unnamed (``O_TMPFILE``) so that a process
    killed while writing leaves nothing behind, then named beside the registry. None
    where the file system cannot do that."""
    if not _LINK_WORKS[0]:
        return None
    try:
        fd = os.open(directory, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600)
    except OSError as error:
        if error.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
            _LINK_WORKS[0] = False
            return None
        raise
    try:
        _fill(fd, data, original)
        if before_naming is not None:
            before_naming()
        return _link_name(fd, directory, name)
    except _CannotLink:
        _LINK_WORKS[0] = False
        return None
    finally:
        os.close(fd)


class _CannotLink(Exception):
    pass


def _link_name(fd: int, directory: Path, name: str) -> Path:
    import secrets

    while True:
        temporary = directory / f".{name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"
        try:
            _linkat(fd, temporary)
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno in (errno.EXDEV, errno.ENOENT, errno.EPERM, errno.EOPNOTSUPP,
                               errno.EACCES, errno.EINVAL):
                raise _CannotLink from None
            raise
        return temporary


def _linkat(fd: int, path: Path) -> None:
    """Give the open unnamed file ``fd`` the name ``path``: ``linkat(fd, "", ...,
    AT_EMPTY_PATH)``, which Python's ``os.link`` cannot express, else through
    ``/proc/self/fd`` (refused across mount namespaces in some sandboxes)."""
    import ctypes

    at_fdcwd, at_empty_path = -100, 0x1000
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        linkat = libc.linkat
    except (OSError, AttributeError):
        linkat = None
    if linkat is not None:
        if linkat(fd, b"", at_fdcwd, os.fsencode(path), at_empty_path) == 0:
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOENT, errno.EPERM, errno.EINVAL):
            raise OSError(code, os.strerror(code), str(path))
    os.link(f"/proc/self/fd/{fd}", path, follow_symlinks=True)


def _named(directory: Path, name: str, data: bytes, original: os.stat_result | None) -> Path:
    import tempfile

    fd, named = tempfile.mkstemp(prefix=f".{name}.", suffix=TEMP_SUFFIX, dir=directory)
    temporary = Path(named)
    try:
        try:
            _fill(fd, data, original)
        finally:
            os.close(fd)
    except BaseException:
        with suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def _fill(fd: int, data: bytes, original: os.stat_result | None) -> None:
    _keep_metadata(fd, original)
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
    os.fsync(fd)


def _keep_metadata(fd: int, original: os.stat_result | None) -> None:
    if original is None:
        os.fchmod(fd, 0o644 & ~_umask())
        return
    os.fchmod(fd, stat.S_IMODE(original.st_mode))
    if hasattr(os, "fchown") and os.geteuid() == 0:
        # Only root can give a file away; a user's own file already has their uid.
        with suppress(OSError):
            os.fchown(fd, original.st_uid, original.st_gid)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def fsync_directory(directory: Path) -> None:
    """Make the rename durable. Some file systems cannot fsync a directory: the rename
    has happened either way, so that is not an error."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:  # Windows
        return
    try:
        fd = os.open(directory, os.O_RDONLY | flags)
    except OSError:
        return
    try:
        with suppress(OSError):
            os.fsync(fd)
    finally:
        os.close(fd)


def remove_stale_temporaries(path: Path) -> None:
    """Remove temporary files a killed writer left beside the registry. Only a writer
    holding the lock names them, and the caller holds it now, so any left are dead."""
    import re
    from glob import escape

    # Exactly this registry's: `.NAME.` then the random part (12 hex digits when named
    # from an unnamed file, 8 characters from mkstemp), not `.NAME.b.x.icor-tmp`, which
    # belongs to a registry called `NAME.b`.
    own = re.compile(rf"\.{re.escape(path.name)}\.[A-Za-z0-9_]{{8,12}}{re.escape(TEMP_SUFFIX)}")
    for leftover in path.parent.glob(f".{escape(path.name)}.*{TEMP_SUFFIX}"):
        if own.fullmatch(leftover.name):
            with suppress(OSError):
                leftover.unlink()
