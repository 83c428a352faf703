"""Atomic, locked saves: every failure leaves the original byte-for-byte and no temporary
file; symlinks, permission bits, the lock and changes made underneath.

Failures are simulated in-process (monkeypatching ``os``), since tests may run as root,
which chmod does not stop; the real permission cases run when not root.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import Result

from icor_cli import save

Run = Callable[..., Result]
ADD = ("add", "-a", "NKP", "-n", "Neue Kommunistische Partei", "-c", "DE")
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def temporaries(directory: Path) -> list[str]:
    return [p.name for p in directory.iterdir() if p.name.endswith(save.TEMP_SUFFIX)]


def is_temporary(fd: int) -> bool:
    """The temporary file is unnamed while written (O_TMPFILE: '/dir/#123 (deleted)') or,
    where the file system cannot do that, named ``.registry.toml.*.icor-tmp``."""
    try:
        target = str(Path(f"/proc/self/fd/{fd}").readlink())
    except OSError:
        return False
    return target.endswith((save.TEMP_SUFFIX, " (deleted)"))


@contextmanager
def lock_held(path: Path) -> Iterator[None]:
    """Another writer holding the registry's lock (an exclusive flock on the file)."""
    with path.open("rb") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        yield


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


def fail_creating_temporary(monkeypatch: pytest.MonkeyPatch, error: OSError) -> None:
    """Creating the temporary file fails, whichever way it is made."""
    real_open = os.open

    def open_(path: object, flags: int, *args: object, **kwargs: object) -> int:
        if flags & getattr(os, "O_TMPFILE", 0) == getattr(os, "O_TMPFILE", -1):
            raise error
        return real_open(path, flags, *args, **kwargs)  # type: ignore[arg-type]

    def mkstemp(*args: object, **kwargs: object) -> tuple[int, str]:
        raise error

    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)


def test_read_only_directory_simulated(
    invoke: Run, untouched: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_creating_temporary(monkeypatch, PermissionError(errno.EACCES, "Permission denied"))
    result = invoke(*ADD)
    assert result.exit_code == 3
    assert "permission denied" in result.stderr


def test_read_only_file_system_simulated(
    invoke: Run, untouched: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail_creating_temporary(monkeypatch, OSError(errno.EROFS, "Read-only file system"))
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
    """A read-only registry can still be locked (the lock needs only a read descriptor):
    root, who may write, writes; anyone else gets exit 3."""
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
        calls.append("fsync temporary" if is_temporary(fd) else
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
    assert sorted(p.name for p in data.iterdir()) == ["real.toml"]  # no lock or temporary
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "link.toml"]


def test_lock_timeout_is_exit_4(
    invoke: Run, untouched: bytes, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICOR_LOCK_TIMEOUT", "0.2")
    with lock_held(registry_file):
        for args in (ADD, ("deactivate", "mlpd"), ("reactivate", "aptuf"), ("fmt",)):
            result = invoke(*args)  # fmt takes the lock too, even on a canonical file
            assert result.exit_code == 4, result.stderr
            assert "not obtained in 0.2s" in result.stderr


def test_lock_timeout_in_a_real_process(icor: Run, registry_file: Path) -> None:
    before = registry_file.read_bytes()
    with lock_held(registry_file):
        result = icor(*ADD, env={"ICOR_LOCK_TIMEOUT": "0.3"})
    assert result.exit_code == 4
    assert registry_file.read_bytes() == before
    assert icor(*ADD).exit_code == 0  # released: retrying is safe


WRITES = (ADD, ("deactivate", "mlpd", "--date", "2020-01-01"), ("reactivate", "aptuf"),
          ("fmt",))


@pytest.mark.parametrize("args", WRITES)
def test_a_write_leaves_no_other_file(invoke: Run, registry_file: Path,
                                      args: tuple[str, ...]) -> None:
    before = sorted(p.name for p in registry_file.parent.iterdir())
    assert invoke(*args).exit_code == 0
    assert sorted(p.name for p in registry_file.parent.iterdir()) == before


def test_git_status_shows_only_the_registry_after_add(icor: Run, registry_file: Path) -> None:
    directory = registry_file.parent

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=directory, check=True, capture_output=True,
                              text=True).stdout

    git("init", "-q")
    git("add", "registry.toml")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "start")
    assert icor(*ADD).exit_code == 0
    assert git("status", "--porcelain", "--untracked-files=all") == " M registry.toml\n"


def test_a_lock_file_left_by_an_old_version_or_another_user_is_ignored(
    icor: Run, registry_file: Path
) -> None:
    """Earlier versions locked ``registry.toml.lock``; one left behind, even unreadable,
    locks nobody out."""
    stale = registry_file.with_name("registry.toml.lock")
    stale.write_text("", encoding="utf-8")
    stale.chmod(0)
    assert icor(*ADD).exit_code == 0


def test_waits_for_the_lock_then_works_on_the_file_the_other_writer_left(
    icor: Run, registry_file: Path
) -> None:
    """A writer holding the lock replaces the file (a new inode) and then releases the
    lock on the old one: the waiting icor must not write over the new file."""
    theirs = registry_file.read_bytes().replace(b'name = "Bloque Democratico Popular"',
                                                b'name = "Bloque Democratico Popular!"')
    env = {**os.environ, "ICOR_LOCK_TIMEOUT": "30"}
    from conftest import _icor_command

    with registry_file.open("rb") as old:
        fcntl.flock(old, fcntl.LOCK_EX)
        waiting = subprocess.Popen([*_icor_command(), *ADD], env=env, text=True,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        import time

        time.sleep(0.5)
        assert waiting.poll() is None  # still waiting for the lock
        replacement = registry_file.with_name("other-writer.tmp")
        replacement.write_bytes(theirs)
        replacement.replace(registry_file)
    _, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err
    text = registry_file.read_text(encoding="utf-8")
    assert 'name = "Bloque Democratico Popular!"' in text  # their change survived
    assert "[members.nkp]" in text  # and so did ours


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


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to tell fds apart")
def test_a_change_landing_while_the_new_file_is_written_is_kept(
    invoke: Run, registry_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lost update: an in-place edit by a program that takes no lock lands while icor
    writes its temporary file. The check must come after the write, right before the
    rename."""
    theirs = registry_file.read_bytes().replace(b'name = "Bloque Democratico Popular"',
                                                b'name = "Bloque Democratico Popular!"')
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if is_temporary(fd):
            with registry_file.open("r+b") as file:  # in place: same inode
                file.write(theirs)
                file.truncate()
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    result = invoke(*ADD)
    assert result.exit_code == 4, result.stderr
    assert "their change is kept" in result.stderr
    assert registry_file.read_bytes() == theirs
    assert sorted(p.name for p in registry_file.parent.iterdir()) == ["registry.toml"]


def test_stale_temporary_files_are_removed_under_the_lock(
    invoke: Run, registry_file: Path
) -> None:
    stale = registry_file.with_name(f".registry.toml.dead0000{save.TEMP_SUFFIX}")
    stale.write_text("half a file", encoding="utf-8")
    assert invoke(*ADD).exit_code == 0
    assert not stale.exists()


def test_missing_file_is_exit_3(invoke: Run, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ICOR_REGISTRY", str(tmp_path / "nowhere.toml"))
    result = invoke(*ADD)
    assert result.exit_code == 3
    assert "no such file" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_another_registrys_temporary_file_is_left_alone(invoke: Run,
                                                        registry_file: Path) -> None:
    """``.registry.toml.b.XXXX.icor-tmp`` belongs to a registry called ``registry.toml.b``
    (being written right now, perhaps); only this registry's leftovers are removed."""
    theirs = registry_file.with_name(f".registry.toml.b.0123456789ab{save.TEMP_SUFFIX}")
    ours = registry_file.with_name(f".registry.toml.0123456789ab{save.TEMP_SUFFIX}")
    theirs.write_text("their half-written file", encoding="utf-8")
    ours.write_text("our dead leftover", encoding="utf-8")
    assert invoke(*ADD).exit_code == 0
    assert theirs.exists()
    assert not ours.exists()
