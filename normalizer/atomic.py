"""Writing users' files so that a crash, a full disk or a second process never leaves half a file.

Every write of a file the user owns (output, gazetteer, patch, index) goes through here: the new
content is written to a temporary file in the target's own directory, flushed and fsynced, then
moved over the target with ``os.replace`` (atomic on POSIX and Windows), and the directory is
fsynced so the rename survives a power cut. Until the replace, the old file is untouched; after
it, the new file is complete. A failure removes the temporary file and re-raises.

``file_lock`` is an exclusive advisory lock (``fcntl.flock``) on a ``.lock`` file beside a path,
for read-check-write sequences that must not interleave (``gazetteer apply``).
"""
from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

TEMP_SUFFIX = ".tmp"
MAX_PREFIX = 60  # characters of the target's name in the temporary's: at most 240 bytes, under NAME_MAX


def temporary_beside(target: str | Path, *, suffix: str = TEMP_SUFFIX) -> Path:
    """A new empty file in ``target``'s directory (``.NAME.XXXX.tmp``), readable and writable by its owner.

    ``replace`` gives it the target's permissions (and owner, where allowed) when it moves it into
    place. A symbolic link is followed: the file beside the link's target is made, so that the link
    survives. Raises PermissionError, as opening the target for writing would, when ``target``
    exists and may not be written.
    """
    target = _real(target)
    if target.exists() and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(target))
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name[:MAX_PREFIX]}.", suffix=suffix)
    os.close(fd)
    return Path(name)


def replace(tmp: str | Path, target: str | Path) -> None:
    """fsync ``tmp``, give it ``target``'s permissions, move it over ``target`` atomically, fsync the directory."""
    tmp, target = Path(tmp), _real(target)
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    _copy_mode(target, tmp)
    os.replace(tmp, target)
    fsync_directory(target.parent)


def fsync_directory(directory: str | Path) -> None:
    """Make a rename in ``directory`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_open(
    target: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO]:
    """Open a temporary file to write ``target``'s new content; on a clean exit it replaces ``target``.

    On an exception (including KeyboardInterrupt) the temporary file is removed and ``target``
    keeps its old content.
    """
    if "b" in mode:
        encoding = None
    tmp = temporary_beside(target)
    try:
        with open(tmp, mode, encoding=encoding, newline=newline) as handle:
            yield handle
            handle.flush()
        replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: str | Path, data: bytes) -> None:
    """Replace ``target``'s content with ``data`` atomically."""
    with atomic_open(target, "wb") as handle:
        handle.write(data)


def write_text(target: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """Replace ``target``'s content with ``text`` atomically (newlines written as given)."""
    with atomic_open(target, "w", encoding=encoding, newline="") as handle:
        handle.write(text)


@contextlib.contextmanager
def file_lock(path: str | Path) -> Iterator[Path]:
    """Hold an exclusive lock named after ``path`` (``.NAME.lock`` beside it) until the block ends.

    Other processes calling ``file_lock`` on the same path wait. The lock file stays (removing it
    would race with a waiter); it is empty and hidden. A lock file another user made (0644) is
    opened read-only: ``flock`` does not need write access. Raises OSError when the lock file can
    neither be made nor opened (a folder this user may not write).
    """
    import fcntl

    path = _real(path)
    lock = path.parent / f".{path.name}.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:
        fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield lock
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _real(target: str | Path) -> Path:
    """The file a path names, through symbolic links (a link is kept, the file it points to replaced)."""
    target = Path(target)
    return Path(os.path.realpath(target)) if target.is_symlink() else target


def _copy_mode(target: Path, tmp: Path) -> None:
    """The new file gets the old file's permissions, owner and group (as far as this user may set them),
    or the usual permissions for a new file (not mkstemp's 0600)."""
    try:
        old = target.stat()
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o666 & ~umask)
        return
    if hasattr(os, "chown"):
        new = tmp.stat()
        if (new.st_uid, new.st_gid) != (old.st_uid, old.st_gid):
            try:
                os.chown(tmp, old.st_uid, old.st_gid)
            except OSError:
                with contextlib.suppress(OSError):
                    os.chown(tmp, -1, old.st_gid)
    with contextlib.suppress(OSError):
        os.chmod(tmp, stat.S_IMODE(old.st_mode))
