"""Atomic, locked saves: every failure leaves the original byte-for-byte and no temporary
file; symlinks, permission bits, the lock and changes made underneath.

Failures are simulated in-process (monkeypatching ``os``), since tests may run as root,
which chmod does not stop; the real permission cases run when not root.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import Result
from filelock import FileLock

from icor_cli import save

Run = Callable[..., Result]
ADD = ("add", "-a", "NKP", "-n", "Neue Kommunistische Partei", "-c", "DE")
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def temporaries(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(save.TEMP_SUFFIX)]


def is_temporary(fd: int) -> bool:
    try:
        return str(Path(f"/proc/self/fd/{fd}").readlink()).endswith(save.TEMP_SUFFIX)
    except OSError:
        return False


@pytest.fixture
def untouched(registry_file: Path) -> Iterator[bytes]:
    """The registry's bytes before the test; afterwards they must be the same, with no
    temporary file left."""
    before = registry_file.read_bytes()
    yield before
    assert registry_file.read_bytes() == before
    assert temporaries(registry_file.parent) == []


def fail_on_temporary(monkeypatch: pytest.MonkeyPatch, name: str, error: BaseException) -> None:
    original = getattr(os, name)

    def failing(fd: int, *args: object) -> object:
        if is_temporary(fd):
            raise error
        return original(fd, *args)

    monkeypatch.setattr(os, name, failing)


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to tell fds apart")
@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("write", OSError(errno.ENOSPC, "No space left on device"), "disk full"),
        ("write", OSError(errno.EIO, "Input/output error"), "Input/output error"),
        ("fsync", OSError(errno.EIO, "Input/output error"), "Input/output error"),
        ("fsync", OSError(errno.ENOSPC, "No space left on device"), "disk full"),
    ],
)
def test_write_errors_are_exit_3_with_the_original_intact(
    invoke: Run, untouched: bytes, monkeypatch: pytest.MonkeyPatch, name: str,
    error: OSError, message: str,
) -> None:
    fail_on_temporary(monkeypatch, name, error)
    result = invoke(*ADD)
    assert result.exit_code == 3
    assert message in result.stderr
    assert "unchanged" in result.stderr
    assert result.stdout == ""


def test_rename_error_is_exit_3(
    invoke: Run, untouched: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def replace(src: object, dst: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", replace)
    result = invoke(*ADD)
    assert result.exit_code == 3
    assert "Input/output error" in result.stderr


def test_read_only_directory_simulated(
    invoke: Run, untouched: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    result = invoke(*ADD)
    assert result.exit_code == 3
    assert "permission denied" in result.stderr


def test_read_only_file_system_simulated(
    invoke: Run, untouched: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    result = invoke(*ADD)
    assert result.exit_code == 3
    assert "read-only file system" in result.stderr


def test_file_without_write_permission_simulated(
    invoke: Run, untouched: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(os, "access", lambda path, mode: mode != os.W_OK)
    result = invoke(*ADD)
    assert result.exit_code == 3
    assert "not writable" in result.stderr


@pytest.mark.skipif(ROOT, reason="root ignores file permissions (the simulation above runs)")
def test_file_without_write_permission(icor: Run, registry_file: Path) -> None:
    registry_file.chmod(0o444)
    before = registry_file.read_bytes()
    result = icor(*ADD)
    assert result.exit_code == 3
    assert registry_file.read_bytes() == before


@pytest.mark.parametrize("mode", [0o444, 0o400])
def test_read_only_mode_gets_the_documented_answer(icor: Run, registry_file: Path,
                                                   mode: int) -> None:
    """The lock file must be writable by its owner (filelock refuses otherwise), even
    beside a read-only registry: root, who may write, writes; anyone else gets exit 3."""
    registry_file.chmod(mode)
    before = registry_file.read_bytes()
    result = icor(*ADD)
    assert "internal error" not in result.stderr
    if ROOT:
        assert result.exit_code == 0, result.stderr
        assert stat.S_IMODE(registry_file.stat().st_mode) == mode
    else:
        assert result.exit_code == 3
        assert registry_file.read_bytes() == before


@pytest.mark.skipif(ROOT, reason="root ignores directory permissions (simulated above)")
def test_read_only_directory(icor: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    registry_file.parent.chmod(0o555)
    try:
        result = icor(*ADD)
    finally:
        registry_file.parent.chmod(0o755)
    assert result.exit_code == 3
    assert registry_file.read_bytes() == before
    assert temporaries(registry_file.parent) == []


def test_interrupt_is_exit_130_without_a_temporary_file(
    invoke: Run, untouched: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_on_temporary(monkeypatch, "fsync", KeyboardInterrupt())
    result = invoke(*ADD)
    assert result.exit_code == 130


def test_temporary_is_synced_before_the_rename_and_the_directory_after(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        proc = Path(f"/proc/self/fd/{fd}")
        target = str(proc.readlink()) if proc.parent.is_dir() else "?"
        calls.append("fsync temporary" if target.endswith(save.TEMP_SUFFIX) else
                     "fsync directory" if Path(target).is_dir() else f"fsync {target}")
        real_fsync(fd)

    def replace(src: str, dst: str) -> None:
        calls.append("replace")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    assert invoke(*ADD).exit_code == 0
    if Path("/proc/self/fd").is_dir():
        assert calls == ["fsync temporary", "replace", "fsync directory"]


def test_directory_fsync_failure_is_not_an_error(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "Invalid argument")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    assert invoke(*ADD).exit_code == 0
    assert "[members.nkp]" in registry_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("mode", [0o600, 0o640, 0o604, 0o664])
def test_permission_bits_are_kept(invoke: Run, registry_file: Path, mode: int) -> None:
    registry_file.chmod(mode)
    inode = registry_file.stat().st_ino
    assert invoke(*ADD).exit_code == 0
    assert stat.S_IMODE(registry_file.stat().st_mode) == mode
    assert registry_file.stat().st_ino != inode  # replaced, not rewritten in place


def test_symlink_is_written_through_and_stays_a_link(
    invoke: Run, registry_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    real = data / "real.toml"
    registry_file.rename(real)
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    monkeypatch.setenv("ICOR_REGISTRY", str(link))
    assert invoke(*ADD).exit_code == 0
    assert link.is_symlink()
    assert link.resolve() == real
    assert "[members.nkp]" in real.read_text(encoding="utf-8")
    assert (data / "real.toml.lock").exists()  # the lock sits beside the real file
    assert temporaries(data) == [] and temporaries(tmp_path) == []


def test_lock_timeout_is_exit_4(
    invoke: Run, untouched: bytes, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICOR_LOCK_TIMEOUT", "0.2")
    with FileLock(str(save.lock_path(registry_file))):
        for args in (ADD, ("deactivate", "mlpd"), ("reactivate", "aptuf"), ("fmt",)):
            result = invoke(*args)  # fmt takes the lock too, even on a canonical file
            assert result.exit_code == 4, result.stderr
            assert "not obtained in 0.2s" in result.stderr


def test_lock_timeout_in_a_real_process(icor: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    with FileLock(str(save.lock_path(registry_file))):
        result = icor(*ADD, env={"ICOR_LOCK_TIMEOUT": "0.3"})
    assert result.exit_code == 4
    assert registry_file.read_bytes() == before
    assert icor(*ADD).exit_code == 0  # released: retrying is safe


def test_lock_is_a_separate_file(invoke: Run, registry_file: Path) -> None:
    assert invoke(*ADD).exit_code == 0
    assert save.lock_path(registry_file) == registry_file.with_name("registry.toml.lock")
    assert save.lock_path(registry_file).exists()


def test_bad_lock_timeout_is_a_usage_error(
    invoke: Run, untouched: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICOR_LOCK_TIMEOUT", "soon")
    result = invoke(*ADD)
    assert result.exit_code == 2
    assert "ICOR_LOCK_TIMEOUT" in result.stderr


def test_a_change_made_underneath_is_kept(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another program (an editor; it takes no lock) writes the file while icor works."""
    from icor_cli import figures

    theirs = registry_file.read_bytes().replace(b'name = "Bloque Democratico Popular"',
                                                b'name = "Bloque Democratico Popular!"')
    moved_figures = figures.moved_figures

    def meanwhile(*args: object) -> object:
        registry_file.write_bytes(theirs)
        return moved_figures(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(figures, "moved_figures", meanwhile)
    result = invoke(*ADD)
    assert result.exit_code == 4
    assert "changed on disk" in result.stderr and "their change is kept" in result.stderr
    assert registry_file.read_bytes() == theirs
    assert temporaries(registry_file.parent) == []


def test_stale_temporary_files_are_removed_under_the_lock(
    invoke: Run, registry_file: Path
) -> None:
    stale = registry_file.with_name(f".registry.toml.dead{save.TEMP_SUFFIX}")
    stale.write_text("half a file", encoding="utf-8")
    assert invoke(*ADD).exit_code == 0
    assert not stale.exists()


def test_missing_file_is_exit_3(invoke: Run, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICOR_REGISTRY", str(tmp_path / "nowhere.toml"))
    result = invoke(*ADD)
    assert result.exit_code == 3
    assert "no such file" in result.stderr
    assert list(tmp_path.iterdir()) == []  # not even a lock file


def test_lock_file_has_the_registrys_permission_bits(invoke: Run, registry_file: Path) -> None:
    registry_file.chmod(0o664)
    assert invoke(*ADD).exit_code == 0
    assert stat.S_IMODE(save.lock_path(registry_file).stat().st_mode) & 0o060 == 0o060


def test_lock_file_that_cannot_be_created_is_exit_3(
    invoke: Run, untouched: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    monkeypatch.setattr(save, "lock_path", lambda path: blocker / "x.lock")
    result = invoke(*ADD)
    assert result.exit_code == 3
    assert "cannot create the lock file" in result.stderr
