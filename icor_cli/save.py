"""Writing the registry: atomic, locked, and never over someone else's change.

A write command runs read → change → save inside ``locked(source)``:

- **Lock.** Writers serialise on ``registry.toml.lock`` beside the file (the file itself
  cannot carry the lock: the rename below gives it a new inode). Waiting longer than
  ``$ICOR_LOCK_TIMEOUT`` seconds (default 30) is ``ConcurrentChange`` (exit 4).
- **Changed underneath.** Just before replacing, the bytes on disk are compared with the
  bytes the change was computed from; a difference (an editor, a script that does not take
  the lock) is ``ConcurrentChange``: their change is kept, ours is not written.
- **Atomic.** The new text goes to a temporary file in the same directory, is flushed and
  fsynced, gets the original's permission bits (and owner, when run as root), and is
  renamed over the file with ``os.replace``; then the directory is fsynced. Readers see
  the old file or the new one, never a mix, whatever happens to this process.
- **Failures.** Any ``OSError`` (permission, read-only file system, disk full, I/O error)
  is ``RegistryIOError`` (exit 3), the original untouched and the temporary file removed;
  so is an interrupt (the temporary file is removed, the exception goes on).

A symlinked registry is written through: the link's target is replaced, the link stays.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from icor_cli.errors import ConcurrentChange, RegistryIOError, UsageError
from icor_cli.store import RegistrySource

TIMEOUT_ENV = "ICOR_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
TEMP_SUFFIX = ".icor-tmp"


def target(path: Path) -> Path:
    """The file a write replaces: the registry, or the end of its chain of symlinks."""
    return Path(os.path.realpath(path))


def lock_path(path: Path) -> Path:
    """``registry.toml.lock`` beside the real file (so two links to one file share it)."""
    real = target(path)
    return real.with_name(real.name + ".lock")


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
    if not seconds >= 0:  # also refuses nan
        raise UsageError(f"{TIMEOUT_ENV}={value!r} is not a number of seconds")
    return seconds


def describe(error: OSError) -> str:
    """A short reason for an ``OSError``, in words a user recognises."""
    if error.errno == errno.ENOSPC:
        return "no space left on the device (disk full)"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EROFS:
        return "read-only file system"
    return error.strerror or str(error)


@contextmanager
def locked(source: RegistrySource, timeout: float | None = None) -> Iterator[None]:
    """Hold the registry's write lock for the ``with`` block."""
    from filelock import FileLock, Timeout

    seconds = lock_timeout() if timeout is None else timeout
    real = target(source.path)
    try:
        mode = stat.S_IMODE(real.stat().st_mode)
    except FileNotFoundError:
        raise RegistryIOError(f"{source.display}: no such file") from None
    except OSError as error:
        raise RegistryIOError(f"{source.display}: cannot read: {describe(error)}") from None
    path = lock_path(source.path)
    # The lock file gets the registry's permission bits: whoever may write the registry
    # (a group sharing it, say) may take its lock. Its owner always reads and writes it
    # (filelock requires that), even beside a read-only registry: whether the registry
    # itself may be written is decided, and reported, by ``save``.
    lock = FileLock(str(path), timeout=seconds, mode=mode | stat.S_IRUSR | stat.S_IWUSR)
    try:
        if seconds > 1 and sys.stderr.isatty():
            try:
                lock.acquire(timeout=1)
            except Timeout:
                sys.stderr.write(f"icor: waiting for another icor writing {source.display}...\n")
                lock.acquire(timeout=seconds - 1)
        else:
            lock.acquire()
    except Timeout:
        raise ConcurrentChange(
            f"{source.display}: another icor is writing it (lock {path.name} not obtained in "
            f"{seconds:g}s); nothing written, retry (or set {TIMEOUT_ENV} higher)"
        ) from None
    except OSError as error:
        raise RegistryIOError(
            f"{source.display}: cannot create the lock file {path}: {describe(error)}; "
            "nothing written"
        ) from None
    try:
        yield
    finally:
        lock.release()


def save(source: RegistrySource, expected: bytes, text: str) -> None:
    """Replace the registry with ``text``, if it still holds ``expected``.

    Call inside ``locked(source)``, with ``expected`` read under the same lock."""
    real = target(source.path)
    try:
        current = real.read_bytes()
    except OSError as error:
        raise RegistryIOError(f"{source.display}: cannot read: {describe(error)}") from None
    if current != expected:
        raise ConcurrentChange(
            f"{source.display} changed on disk while icor was working on it (another program "
            "wrote it); their change is kept and nothing was written; retry"
        )
    if not os.access(real, os.W_OK):
        raise RegistryIOError(f"{source.display}: not writable: permission denied; "
                              "the file is unchanged")
    try:
        remove_stale_temporaries(real)
        write_atomic(real, text.encode("utf-8"))
    except OSError as error:
        raise RegistryIOError(
            f"{source.display}: cannot write: {describe(error)}; the file is unchanged"
        ) from None


def write_atomic(path: Path, data: bytes) -> None:
    """Put ``data`` at ``path`` all at once (see the module docstring). ``OSError`` and
    interrupts propagate with ``path`` untouched and no temporary file left."""
    directory = path.parent
    original = path.stat()
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=directory)
    temporary = Path(name)
    try:
        try:
            _keep_metadata(fd, temporary, original)
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        finally:
            os.close(fd)
        temporary.replace(path)
    except BaseException:
        with suppress(OSError):
            temporary.unlink()
        raise
    fsync_directory(directory)


def _keep_metadata(fd: int, temporary: Path, original: os.stat_result) -> None:
    temporary.chmod(stat.S_IMODE(original.st_mode))
    if hasattr(os, "fchown") and os.geteuid() == 0:
        # Only root can give a file away; a user's own file already has their uid.
        with suppress(OSError):
            os.fchown(fd, original.st_uid, original.st_gid)


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
    holding the lock creates them, and the caller holds it now, so any left are dead."""
    from glob import escape

    for leftover in path.parent.glob(f".{escape(path.name)}.*{TEMP_SUFFIX}"):
        with suppress(OSError):
            leftover.unlink()
