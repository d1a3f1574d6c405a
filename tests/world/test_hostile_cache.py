"""The world-layer cache heals: damaged files, unwritable folders, unfinished builds, old versions.

Every test builds the small index of tests/fixtures/geonames in its own temporary cache folder.
"""
from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import tempfile
import time
from pathlib import Path

import pytest

from normalizer.errors import GeoNamesError
from normalizer.world import build as world_build
from normalizer.world import index as world_index
from normalizer.world import index_file
from normalizer.world.dump import import_geonames_dump
from normalizer.world.index import GeoNamesIndex
from normalizer.world.index_file import _host, check_index

from ..conftest import DUMP_FILES, GEONAMES, fixture_sources

PAGE = 4096  # the fixture index: page 1 header, 2-3 meta, 4 places, 5 names, 6 key filter, 7-8 indexes
IZJUM = "geonames:707292"
NO_SUCH_PID = 2**22 + 12345  # above Linux's largest pid_max: never a running process
REBUILT = "world layer: the cached index {path} is damaged ({reason}); rebuilding it"


def build_cache(cache: Path) -> Path:
    GeoNamesIndex.open(cache_dir=cache, sources=fixture_sources()).close()
    [built] = cache.glob("geonames-*.sqlite")
    return built


def damage(path: Path, first_page: int, pages: int | None = None, *, keep_mtime: bool) -> None:
    """Overwrite ``pages`` pages (all up to the end: None) from ``first_page`` (1-based) with 0xff;
    the header and the meta table stay."""
    stat = path.stat()
    count = pages if pages is not None else stat.st_size // PAGE - first_page + 1
    with path.open("r+b") as handle:
        handle.seek((first_page - 1) * PAGE)
        handle.write(b"\xff" * PAGE * count)
    if keep_mtime:  # like a bad sector: size, mtime and inode as verified, so no check at open
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "normalizer" and r.levelno >= logging.WARNING]


# --- damaged files ------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "first_page, pages, keep_mtime, reason",
    [
        (7, 1, False, "quick_check: Page 7: btreeInitPage() returns error code 11"),  # found at open
        (4, None, False, "database disk image is malformed"),  # at open: quick_check itself fails
        (4, None, True, "database disk image is malformed"),  # found when a query fails
    ],
    ids=["one-index-page", "all-data-pages", "all-data-pages-unchanged-stamp"],
)
def test_damaged_cache_is_rebuilt_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, first_page: int, pages: int | None, keep_mtime: bool,
    reason: str,
) -> None:
    built = build_cache(tmp_path)
    damage(built, first_page, pages, keep_mtime=keep_mtime)
    caplog.set_level(logging.INFO, logger="normalizer")
    with GeoNamesIndex.open(cache_dir=tmp_path, sources=fixture_sources()) as index:
        assert index.candidates("Izjum")[0][0].canonical_id == IZJUM
        assert len(index) > 0 and index.get(IZJUM) is not None and index.country("UA") is not None
    assert warnings(caplog) == [REBUILT.format(path=built, reason=reason)]
    assert check_index(built, always_verify=True).ok
    assert sorted(p.name for p in tmp_path.iterdir()) == [f".{built.name}.verified", built.name]


def test_a_rebuild_that_is_damaged_again_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = build_cache(tmp_path)
    damage(built, 4, keep_mtime=True)
    real_build = world_build.build_default_index

    def damaging_build(sources, path, *, progress=None) -> None:
        real_build(sources, path, progress=progress)
        damage(path, 4, keep_mtime=True)

    monkeypatch.setattr(world_build, "build_default_index", damaging_build)
    index = GeoNamesIndex.open(cache_dir=tmp_path, sources=fixture_sources())
    with index, pytest.raises(GeoNamesError) as caught:
        index.candidates("Izjum")
    assert str(caught.value) == (f"{built}: the world-layer index is still damaged after a rebuild "
                                 "(database disk image is malformed); delete it, or use --no-world")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a database", "not a GeoNames index of schema {schema} (not an SQLite file); rebuild it with {cmd}"),
        (b"", "not a GeoNames index of schema {schema} (an empty file); rebuild it with {cmd}"),
        (None, "the index is damaged (database disk image is malformed); rebuild it with {cmd}"),
    ],
    ids=["text", "empty", "damaged-middle"],
)
def test_explicit_index_is_never_rebuilt(tmp_path: Path, content: bytes | None, message: str) -> None:
    out = tmp_path / "world.sqlite"
    import_geonames_dump([GEONAMES / name for name in DUMP_FILES], out=out)
    if content is None:
        damage(out, 4, keep_mtime=False)
    else:
        out.write_bytes(content)
    with pytest.raises(GeoNamesError) as caught:
        GeoNamesIndex.open(index_path=out)
    expected = message.format(schema=world_index.SCHEMA_VERSION, cmd=world_index.IMPORT_COMMAND)
    assert str(caught.value) == f"{out}: {expected}"


def test_explicit_index_damaged_under_an_unchanged_stamp(tmp_path: Path) -> None:
    out = tmp_path / "world.sqlite"
    paths = [GEONAMES / name for name in DUMP_FILES]
    import_geonames_dump(paths, out=out)
    damage(out, 4, keep_mtime=True)
    with GeoNamesIndex.open(index_path=out) as index, pytest.raises(GeoNamesError) as caught:
        index.candidates("Kharkiv")
    assert str(caught.value) == (f"{out}: the index is damaged (database disk image is malformed); "
                                 f"rebuild it with {world_index.IMPORT_COMMAND}")
    import_geonames_dump(paths, out=out)  # what the message says: the import checks the file and rebuilds it
    with GeoNamesIndex.open(index_path=out) as index:
        assert index.candidates("Kharkiv")[0][0].canonical_id == "geonames:706483"


def test_a_closed_index_is_not_taken_for_a_damaged_one(tmp_path: Path) -> None:
    index = GeoNamesIndex.open(cache_dir=tmp_path, sources=fixture_sources())
    index.close()
    with pytest.raises(sqlite3.ProgrammingError):
        index.candidates("Izjum")


# --- a cache folder that cannot be written -------------------------------------------------------

def _under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("x")
    return tmp_path / "file" / "cache"


def _a_file(tmp_path: Path) -> Path:
    (tmp_path / "file").write_text("x")
    return tmp_path / "file"


def _read_only(tmp_path: Path) -> Path:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    folder = tmp_path / "read-only"
    folder.mkdir(mode=0o500)
    return folder


def _no_permission(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A read-only folder as root sees one (root ignores the mode bits): creating files fails."""
    cache = tmp_path / "cache"
    real = index_file.atomic.temporary_beside

    def refuse(target: Path, **kwargs) -> Path:
        if Path(target).parent == cache:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))
        return real(target, **kwargs)

    monkeypatch.setattr(index_file.atomic, "temporary_beside", refuse)
    return cache


def _disk_full(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache folder's disk fills up during the build; the temporary folder has room."""
    cache = tmp_path / "cache"
    real = world_build.build_default_index

    def fill(sources, path: Path, *, progress=None) -> None:
        if path.parent == cache:  # a real SQLITE_FULL: the file may not grow past one page
            with contextlib.closing(sqlite3.connect(path)) as conn:
                conn.execute("PRAGMA max_page_count = 1")
                conn.execute("CREATE TABLE t (x)")
        real(sources, path, progress=progress)

    monkeypatch.setattr(world_build, "build_default_index", fill)
    return cache


@pytest.mark.parametrize(
    "make_cache_dir, reason",
    [
        (_under_a_file, "Not a directory"),
        (_a_file, "File exists"),
        (_read_only, "Permission denied"),
        (_no_permission, "Permission denied"),
        (_disk_full, "database or disk is full"),
    ],
    ids=["under-a-file", "a-file", "read-only", "no-permission", "disk-full"],
)
def test_unwritable_cache_builds_in_a_temporary_folder(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, make_cache_dir, reason: str
) -> None:
    cache = make_cache_dir(tmp_path, monkeypatch) if make_cache_dir in (_no_permission, _disk_full) else (
        make_cache_dir(tmp_path))
    with GeoNamesIndex.open(cache_dir=cache, sources=fixture_sources()) as index:
        assert index.candidates("Izjum")[0][0].canonical_id == IZJUM
        folder = index.path.parent
    assert warnings(caplog) == [
        f"world layer: cannot write the cache in {cache} ({reason}); building it in a temporary place for this run"
        " — set ENTITY_NORMALIZER_CACHE to a writable folder, or use --no-world"
    ]
    assert folder.parent == Path(tempfile.gettempdir()) and folder.name.startswith("entity-normalizer-")
    world_index.remove_temporary_directories()  # what runs at exit
    assert not folder.exists()


def test_read_only_cache_with_a_good_index_is_used_as_it_is(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    built = build_cache(tmp_path / "cache")
    (tmp_path / "cache" / f".{built.name}.verified").unlink()  # checked on every open from now on
    (tmp_path / "cache").chmod(0o500)
    try:
        with GeoNamesIndex.open(cache_dir=tmp_path / "cache", sources=fixture_sources()) as index:
            assert index.path == built and index.candidates("Izjum")[0][0].canonical_id == IZJUM
    finally:
        (tmp_path / "cache").chmod(0o700)
    assert warnings(caplog) == []


# --- unfinished builds and other versions --------------------------------------------------------

HOUR = 3600


def _planted(cache: Path, current: str) -> dict[str, bool]:
    """File name -> whether it must survive, with their ages."""
    other = "geonames-0123456789abcdef.sqlite"
    host = _host()
    files = {
        f".{current}.k3j2h1g0.{NO_SUCH_PID}@{host}.tmp": (False, 0),  # its build was killed
        f".{other}.a1b2c3d4.{NO_SUCH_PID}@{host}.tmp": (False, 0),  # another version's, killed too
        f".{current}.q9w8e7r6.{os.getpid()}@{host}.tmp": (True, 0),  # a build of this process
        f".{current}.z1x2c3v4.{NO_SUCH_PID}@elsewhere.tmp": (True, 0),  # another machine's, still fresh
        f".{current}.m5n6b7v8.{NO_SUCH_PID}@elsewhere.tmp": (False, 2 * HOUR),  # ...and abandoned
        f".{current}.oldstyle.tmp": (True, 0),  # no owner in the name: kept for an hour
        f".{current}.oldstyle2.tmp": (False, 2 * HOUR),
        other: (False, 0),
        f".{other}.verified": (False, 0),
        "geonames-notanindex.sqlite": (True, 0),  # not one of ours
        "notes.txt": (True, 2 * HOUR),
    }
    now = time.time()
    for name, (_, age) in files.items():
        (cache / name).write_bytes(b"x" * 1000)
        os.utime(cache / name, (now - age, now - age))
    return {name: keep for name, (keep, _) in files.items()}


@pytest.mark.parametrize("when", ["first build", "open of a built index"])
def test_unfinished_builds_and_other_versions_are_removed(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, when: str
) -> None:
    caplog.set_level(logging.INFO, logger="normalizer")
    current = f"geonames-{fixture_sources().fingerprint()[:16]}.sqlite"
    if when == "open of a built index":
        build_cache(tmp_path)
    planted = _planted(tmp_path, current)
    with GeoNamesIndex.open(cache_dir=tmp_path, sources=fixture_sources()) as index:
        assert index.path.name == current
    left = {p.name for p in tmp_path.iterdir()}
    assert left == {name for name, keep in planted.items() if keep} | {current, f".{current}.verified"}
    removed = sum(not keep for keep in planted.values())
    assert f"world layer: removed {removed} outdated file(s) (0 MB) from {tmp_path}" in [
        r.getMessage() for r in caplog.records]


def test_dump_import_removes_only_its_own_unfinished_builds(tmp_path: Path) -> None:
    host = _host()
    mine = tmp_path / f".world.sqlite.k3j2h1g0.{NO_SUCH_PID}@{host}.tmp"
    other = tmp_path / f".other.sqlite.k3j2h1g0.{NO_SUCH_PID}@{host}.tmp"
    old_index = tmp_path / "geonames-0123456789abcdef.sqlite"  # not a cache folder: left alone
    for path in (mine, other, old_index):
        path.write_text("x")
    import_geonames_dump([GEONAMES / name for name in DUMP_FILES], out=tmp_path / "world.sqlite")
    assert not mine.exists() and other.exists() and old_index.exists()
