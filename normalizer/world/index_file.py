"""The SQLite index files of the world layer on disk: checked, published atomically, and pruned.

:func:`check_index` says whether a file can be used (header, metadata, schema, fingerprint, and an
integrity check when the file changed since it was last verified); :func:`publish` builds a new
file beside its final place and moves it there; :func:`prune_cache` and
:func:`remove_stale_temporaries` keep a cache folder to one index version without unfinished builds.
What is built into the file is :mod:`normalizer.world.build`'s business.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import socket
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .. import atomic
from ..errors import GeoNamesError
from .sources import SCHEMA_VERSION

SQLITE_HEADER = b"SQLite format 3\x00"
SQLITE_MAX_INTEGER = 2**63 - 1
STALE_SECONDS = 3600  # an unfinished build untouched this long is abandoned, whoever owns it
_INDEX_FILE = re.compile(r"geonames-[0-9a-f]{16}\.sqlite")
_INDEX_SIDECAR = re.compile(r"\.(geonames-[0-9a-f]{16}\.sqlite)\.verified")
_OWNED_TEMPORARY = re.compile(r"\.(\d+)@([A-Za-z0-9-]*)\.tmp$")
_NO_ROOM = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM}
_SQLITE_NO_ROOM = {3, 8, 10, 13, 14}  # SQLITE_PERM, READONLY, IOERR, FULL, CANTOPEN (primary codes)
Stamp = tuple[int, int, int]  # size, mtime_ns, inode of an index file


class CacheWriteError(GeoNamesError):
    """The folder meant for an index cannot take it (no permission, not a folder, read-only, full)."""

    def __init__(self, directory: Path, cause: BaseException) -> None:
        self.directory = directory
        self.reason = describe(cause)
        super().__init__(f"cannot write the index here ({self.reason})", path=str(directory))


@dataclass(frozen=True)
class IndexState:
    """What :func:`check_index` found. status: ok | missing | foreign | stale | damaged."""

    status: str
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def describe(exc: BaseException) -> str:
    """The short reason of an OS or SQLite error ("Permission denied", "database disk image is malformed")."""
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint stored in an index file, or None when it is missing, foreign or of another schema."""
    try:
        conn = connect_read_only(path)
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return meta.get("fingerprint") if meta.get("schema_version") == str(SCHEMA_VERSION) else None


def connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)


def check_index(path: Path, fingerprint: str | None = None, *, always_verify: bool = False) -> IndexState:
    """Can ``path`` be used as an index (built from ``fingerprint``'s inputs, when given)?

    The header and the meta table are read on every call. ``PRAGMA quick_check`` (every page of
    every b-tree, without cross-checking indexes against tables: 0.15 s on the 84 MB default index of schema 10
    when it is in the page cache, 1.3 s cold; ``integrity_check`` takes 1.0 s and 2.1 s) runs only
    when the file is not the one last verified, or always with ``always_verify``. What was verified
    is recorded in a sidecar ``.NAME.verified`` beside the file: its size, mtime_ns and inode (the
    index is opened read-only, so its own meta table cannot hold this). A file whose sidecar cannot
    be written (a read-only folder) is checked on every open. Damage that changes none of the three
    (a bad disk sector) is caught when a query fails (see :class:`normalizer.world.index.GeoNamesIndex`).
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except (FileNotFoundError, NotADirectoryError):
        return IndexState("missing")
    except OSError as exc:
        return IndexState("damaged", f"cannot read it: {describe(exc)}")
    if header != SQLITE_HEADER:
        return IndexState("foreign", "not an SQLite file" if header else "an empty file")
    try:
        conn = connect_read_only(path)
    except sqlite3.Error as exc:
        return IndexState("damaged", describe(exc))
    try:
        try:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.OperationalError as exc:
            if "no such table" in str(exc):
                return IndexState("foreign", "no meta table")
            return IndexState("damaged", describe(exc))
        except sqlite3.DatabaseError as exc:
            return IndexState("damaged", describe(exc))
        if "schema_version" not in meta or "fingerprint" not in meta:
            return IndexState("foreign", "no GeoNames metadata")
        if meta["schema_version"] != str(SCHEMA_VERSION):
            return IndexState("stale", f"schema {meta['schema_version']}, not {SCHEMA_VERSION}")
        if fingerprint is not None and meta["fingerprint"] != fingerprint:
            return IndexState("stale", "built from other inputs")
        stamp = file_stamp(path)
        if not always_verify and stamp is not None and recorded_stamp(path) == stamp:
            return IndexState("ok")
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        except sqlite3.DatabaseError as exc:
            return IndexState("damaged", describe(exc))
    finally:
        conn.close()
    if problems != ["ok"]:
        lines = [line for p in problems for line in str(p).splitlines() if line and not line.startswith("***")]
        return IndexState("damaged", f"quick_check: {lines[0] if lines else problems[0]}")
    if stamp is not None:
        record_stamp(path, stamp)
    return IndexState("ok")


def file_stamp(path: Path) -> Stamp | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ino


def sidecar(path: Path) -> Path:
    """Where the stamp of the last verified version of ``path`` is recorded."""
    return path.with_name(f".{path.name}.verified")


def recorded_stamp(path: Path) -> Stamp | None:
    try:
        size, mtime_ns, inode = map(int, sidecar(path).read_text(encoding="ascii").split())
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return size, mtime_ns, inode


def record_stamp(path: Path, stamp: Stamp) -> None:
    """Remember ``path`` as verified (best effort: a folder that cannot be written keeps nothing)."""
    with contextlib.suppress(OSError):
        atomic.write_text(sidecar(path), " ".join(map(str, stamp)) + "\n", encoding="ascii")


def publish(build: Callable[[Path], None], final: Path, *, fingerprint: str) -> None:
    """Run ``build`` on a temporary file beside ``final`` and move it into place atomically.

    The temporary file (``.NAME.XXXX.PID@HOST.tmp``) is fsynced before ``os.replace``, and the
    folder after it (:mod:`normalizer.atomic`); a failed or interrupted build removes it, and one
    left by a killed process is removed by the next publish (:func:`remove_stale_temporaries`).
    When another process published a good file meanwhile, that file is kept and ours dropped; a
    file that was there before the build (stale or damaged) is replaced. The new file is recorded
    as verified. A folder that cannot be created or written raises :class:`CacheWriteError`.
    """
    before = file_stamp(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = atomic.temporary_beside(final, suffix=f".{_owner()}.tmp")
    except OSError as exc:
        raise CacheWriteError(final.parent, exc) from exc
    try:
        remove_stale_temporaries(final.parent, f".{final.name[:atomic.MAX_PREFIX]}.")  # as temporary_beside names them
        try:
            build(tmp)
        except OSError as exc:
            if exc.errno in _NO_ROOM:
                raise CacheWriteError(final.parent, exc) from exc
            raise
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in _SQLITE_NO_ROOM:
                raise CacheWriteError(final.parent, exc) from exc
            raise
        now = file_stamp(final)
        if now not in (None, before) and recorded_stamp(final) == now and read_fingerprint(final) == fingerprint:
            return  # another process published the same index while we built ours
        stamp = file_stamp(tmp)
        try:
            atomic.replace(tmp, final)
        except OSError as exc:
            raise CacheWriteError(final.parent, exc) from exc
        if stamp is not None:
            record_stamp(final, stamp)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)


def remove_stale_temporaries(directory: Path, prefix: str) -> list[tuple[Path, int]]:
    """Remove ``prefix*.tmp`` files of unfinished builds: their process is gone, or they are older
    than ``STALE_SECONDS``. Returns the removed files and their sizes."""
    return _remove(directory, lambda entry: entry.name.startswith(prefix) and entry.name.endswith(".tmp")
                   and _stale(entry))


def prune_cache(directory: Path, keep: str) -> list[tuple[Path, int]]:
    """Remove from a cache folder the index versions other than ``keep`` (``geonames-<16 hex>.sqlite``),
    their sidecars, and unfinished builds of any version (see :func:`remove_stale_temporaries`).

    An index of another version that a running process has open stays readable to that process
    (on POSIX a removed file lives on until its last descriptor is closed); where removing an open
    file fails (Windows), the file stays until a later prune. Two installations of different
    versions sharing one cache folder therefore rebuild in turn: give each its own
    ``ENTITY_NORMALIZER_CACHE``. Returns the removed files and their sizes.
    """
    def outdated(entry: os.DirEntry) -> bool:
        name = entry.name
        if _INDEX_FILE.fullmatch(name):
            return name != keep
        if (sidecar_of := _INDEX_SIDECAR.fullmatch(name)) is not None:
            return sidecar_of.group(1) != keep
        return name.startswith(".geonames-") and name.endswith(".tmp") and _stale(entry)

    return _remove(directory, outdated)


def _remove(directory: Path, wanted: Callable[[os.DirEntry], bool]) -> list[tuple[Path, int]]:
    removed: list[tuple[Path, int]] = []
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return removed
    for entry in entries:
        try:
            if not entry.is_file(follow_symlinks=False) or not wanted(entry):
                continue
            size = entry.stat(follow_symlinks=False).st_size
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append((Path(entry.path), size))
    return removed


def _stale(entry: os.DirEntry) -> bool:
    """An unfinished build whose process (named in the file name) is gone, or one untouched for an hour."""
    owner = _OWNED_TEMPORARY.search(entry.name)
    if owner is not None and owner.group(2) == _host() and not _alive(int(owner.group(1))):
        return True
    try:
        return time.time() - entry.stat(follow_symlinks=False).st_mtime > STALE_SECONDS
    except OSError:
        return False


def _alive(pid: int) -> bool:
    if pid == os.getpid() or os.name != "posix":  # Windows' os.kill(pid, 0) would end the process
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _owner() -> str:
    return f"{os.getpid()}@{_host()}"


@cache
def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "", socket.gethostname())[:40]


