"""World place layer: every spelling of a country, first-level region or city -> its GeoNames id.

The index is an SQLite file compiled once from installed package data (see
:mod:`normalizer.world.build` for the sources, their licenses and how missing coordinates are
computed) and cached under ``$ENTITY_NORMALIZER_CACHE``, else ``$XDG_CACHE_HOME/entity-normalizer``,
else ``~/.cache/entity-normalizer``. The file name carries a fingerprint of the input files (sizes,
mtimes, schema version), so changed inputs give a new build. Place data © GeoNames, CC-BY 4.0.

Users with GeoNames dump files can compile a larger index with :func:`import_geonames_dump` and
open it with ``GeoNamesIndex.open(index_path=...)``.

Lookups use the package's two matching keys (:func:`normalizer.text.keys.fold` and
:func:`normalizer.text.keys.translit_key`): ``candidates("Lvov")`` finds Lviv by an alternate
name, ``candidates("Lwiw")`` finds it by its romanization skeleton.

The cache heals itself (see :meth:`GeoNamesIndex.open`): a damaged file is rebuilt (once per
process), a cache folder that cannot be written gives a build in a temporary folder for the run,
and unfinished builds and other index versions are removed. Messages go to the ``normalizer``
logger, one line each.
"""
from __future__ import annotations

import atexit
import logging
import os
import shutil
import sqlite3
import tempfile
import threading
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from ..errors import GeoNamesError
from ..text.keys import fold, translit_key
from .index_file import (
    CacheWriteError,
    Stamp,
    check_index,
    connect_read_only,
    describe,
    file_stamp,
    prune_cache,
    publish,
)
from .key_filter import KEY_FILTER_TABLE, KeyFilter
from .sources import SCHEMA_VERSION, GeoNamesSources, Progress

__all__ = [
    "GeoNamesIndex", "GeoNamesSources", "Place", "default_cache_dir", "default_index",
]

CACHE_ENV_VAR = "ENTITY_NORMALIZER_CACHE"
ID_PREFIX = "geonames:"
IMPORT_COMMAND = "entity-normalizer gazetteer import geonames"
CANDIDATES_REMEMBERED = 20_000  # candidates() answers kept per index (names repeat across documents)

log = logging.getLogger("normalizer")
_REBUILT: set[Path] = set()  # cached indexes rebuilt in this process because they were damaged
_TEMPORARY_DIRS: list[Path] = []  # builds for this run only (the cache folder could not be written)

_COLUMNS = "p.geonameid, p.name, p.feature, p.country, p.admin1, p.lat, p.lon, p.population, p.ref"
_CANDIDATES_SQL = f"""
SELECT {_COLUMNS}, MIN(CASE n.kind WHEN 'fold' THEN 0 ELSE 1 END) AS via
FROM names n JOIN places p ON p.geonameid = n.geonameid
WHERE (n.key = ? AND n.kind = 'fold') OR (n.key = ? AND n.kind = 'translit')
GROUP BY p.geonameid
ORDER BY via, CASE p.feature WHEN 'continent' THEN 0 WHEN 'country' THEN 0 WHEN 'admin1' THEN 1
                  WHEN 'city' THEN 2 WHEN 'admin2' THEN 2 ELSE 3 END,
         p.population DESC, p.geonameid
LIMIT ?
"""


@dataclass(frozen=True)
class Place:
    """One GeoNames feature as the matcher sees it."""

    canonical_id: str  # "geonames:706483"; places from other sources: "iso3166-2:CA-ON", "fips:21125"
    name: str
    feature: str  # "continent" | "country" | "admin1" | "admin2" (US county) | "city" | "other" (dumps)
    country: str  # ISO 3166-1 alpha-2
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int

    @property
    def geonameid(self) -> int | None:
        """The GeoNames id as a number; None for places from other sources."""
        number = self.canonical_id.removeprefix(ID_PREFIX)
        return int(number) if self.canonical_id.startswith(ID_PREFIX) else None


def default_cache_dir(cache_dir: str | Path | None = None) -> Path:
    """Where compiled indexes live: the argument, else the env var, else the XDG cache dir."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    if os.environ.get(CACHE_ENV_VAR):
        return Path(os.environ[CACHE_ENV_VAR]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "entity-normalizer"


class GeoNamesIndex:
    """Read-only lookups in a compiled index. Open with :meth:`open`; one connection per index.

    Every query goes through :meth:`_query`: an ``sqlite3.DatabaseError`` (a damaged page) makes a
    cached default index rebuild once per process and the query run again; an index given with
    ``index_path``, or a second failure, raises :class:`GeoNamesError` naming the file.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path, *, cache: _Cache | None = None) -> None:
        self._conn = conn
        self.path = path
        self._cache = cache
        self._stamp: Stamp | None = file_stamp(path)
        self._generation = 0  # how many times the connection was replaced
        self._lock = threading.Lock()
        # candidates() answers by (fold key, skeleton, limit, generation), the least recently used forgotten first
        self._candidates_of = lru_cache(maxsize=CANDIDATES_REMEMBERED)(self._query_candidates)
        self._filter: tuple[int, KeyFilter] | None = None  # (generation, the keys the file holds)

    @classmethod
    def open(
        cls,
        *,
        cache_dir: str | Path | None = None,
        sources: GeoNamesSources | None = None,
        progress: Progress | None = None,
        index_path: str | Path | None = None,
    ) -> GeoNamesIndex:
        """Open the cached default index, building it first if it is missing, stale or damaged.

        The file is checked with :func:`normalizer.world.index_file.check_index` (an integrity check
        when it changed since it was last verified). A cache folder that cannot be written gives a
        build in a temporary folder, removed at exit; other index versions and unfinished builds
        in the cache folder are removed (:func:`normalizer.world.index_file.prune_cache`).

        With ``index_path`` (a file written by :func:`import_geonames_dump`) that file is opened
        as it is, never rebuilt, and ``cache_dir``/``sources`` are not used.
        """
        if index_path is not None:
            path = Path(index_path)
            state = check_index(path)
            if state.status == "missing":
                raise GeoNamesError("no such index file", path=str(path))
            if state.status == "damaged":
                raise GeoNamesError(_damaged_explicit(state.reason), path=str(path))
            if not state.ok:
                message = f"not a GeoNames index of schema {SCHEMA_VERSION} ({state.reason})"
                raise GeoNamesError(f"{message}; rebuild it with {IMPORT_COMMAND}", path=str(path))
            return cls(connect_read_only(path), path)
        cached = _Cache(default_cache_dir(cache_dir), sources or GeoNamesSources.default(), progress)
        path = cached.ready()
        return cls(connect_read_only(path), path, cache=cached)

    def _query(self, sql: str, parameters: tuple = ()) -> list[tuple]:
        """The rows of a query; on a damaged file heal it (see the class) and run the query again."""
        while True:
            generation = self._generation
            try:
                return self._conn.execute(sql, parameters).fetchall()
            except sqlite3.DatabaseError as exc:
                if generation != self._generation:
                    continue  # another thread replaced the connection meanwhile
                if isinstance(exc, sqlite3.ProgrammingError):
                    raise  # a closed index: the caller's mistake, not the file's
                self._recover(exc, generation)

    def _recover(self, exc: sqlite3.DatabaseError, generation: int) -> None:
        with self._lock:
            if generation != self._generation:
                return
            reason = describe(exc)
            if self._cache is None:
                raise GeoNamesError(_damaged_explicit(reason), path=str(self.path)) from exc
            if self._cache.home in _REBUILT:
                raise GeoNamesError(
                    f"the world-layer index is still damaged after a rebuild ({reason}); "
                    "delete it, or use --no-world",
                    path=str(self.path),
                ) from exc
            _REBUILT.add(self._cache.home)
            log.warning("world layer: the cached index %s is damaged (%s); rebuilding it", self.path, reason)
            path = self._cache.heal(self._stamp)  # a failure raises, and leaves the old connection
            damaged, self._conn = self._conn, connect_read_only(path)
            self.path, self._stamp = path, file_stamp(path)
            self._generation += 1
            damaged.close()

    def candidates(self, name: str, *, limit: int = 25) -> list[tuple[Place, str]]:
        """Places that ``name`` can denote, each with how it matched ("fold" or "translit").

        Exact (folded) matches come first, then romanization matches; within each, countries,
        then first-level regions, then cities, the most populous first. Answers are remembered per
        (fold key, skeleton, limit): names repeat across documents (``CANDIDATES_REMEMBERED``).
        """
        if limit <= 0 or not self.may_name(name):
            return []  # no place has either key: no query needed
        # the answer depends on the two keys only (and on the file: a healed index starts afresh)
        return list(self._candidates_of(fold(name), translit_key(name) or None, limit, self._generation))

    def may_name(self, name: str) -> bool:
        """False when no place surely has ``name`` (``candidates`` finds none): neither its fold key nor
        its skeleton is among the index's keys (``known_keys``, answered in memory)."""
        folded = fold(name)
        if not folded:
            return False
        known = self.known_keys()
        skeleton = translit_key(name)
        return folded in known or bool(skeleton) and skeleton in known

    def known_keys(self) -> KeyFilter:
        """The keys of the index's names, as a :class:`~normalizer.world.key_filter.KeyFilter` read
        from the file once (again after it healed)."""
        generation, stored = self._filter or (-1, None)
        if stored is None or generation != self._generation:
            generation = self._generation
            present = self._query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (KEY_FILTER_TABLE,))
            rows = self._query(f"SELECT hashes FROM {KEY_FILTER_TABLE}") if present else []
            stored = KeyFilter(rows[0][0] if rows else None)  # no filter (an older file): every key may be there
            self._filter = (generation, stored)
        return stored

    def _query_candidates(self, folded: str, skeleton: str | None, limit: int,
                          generation: int) -> tuple[tuple[Place, str], ...]:
        """The query behind ``candidates`` (``generation`` is there for the lru_cache's key only)."""
        rows = self._query(_CANDIDATES_SQL, (folded, skeleton, limit))
        return tuple((_place(row[:9]), "fold" if row[9] == 0 else "translit") for row in rows)

    def names_of(self, feature: str) -> frozenset[str]:
        """The folded names of every place of one feature class ("country"), read once."""
        names = self._feature_names.get(feature)
        if names is None:
            rows = self._query("SELECT name FROM places WHERE feature = ?", (feature,))
            names = self._feature_names[feature] = frozenset(fold(row[0]) for row in rows)
        return names

    def names_of_cities(self, min_population: int) -> frozenset[str]:
        """The folded names of the cities of at least ``min_population`` people, read once per value."""
        key = f"city>={min_population}"
        names = self._feature_names.get(key)
        if names is None:
            rows = self._query("SELECT name FROM places INDEXED BY places_city_size "
                               "WHERE feature = 'city' AND population >= ?", (min_population,))
            names = self._feature_names[key] = frozenset(fold(row[0]) for row in rows)
        return names

    @cached_property
    def _feature_names(self) -> dict[str, frozenset[str]]:
        return {}

    def get(self, canonical_id: str) -> Place | None:
        """The place with this id ("geonames:706483", "iso3166-2:CA-ON", "fips:21125"), or None."""
        number = canonical_id.removeprefix(ID_PREFIX)
        if canonical_id.startswith(ID_PREFIX) and number.isdigit():
            where, value = "p.geonameid = ?", int(number)
        else:
            where, value = "p.ref = ?", canonical_id
        rows = self._query(f"SELECT {_COLUMNS} FROM places p WHERE {where} LIMIT 1", (value,))
        return _place(rows[0]) if rows else None

    def region(self, country: str, admin1: str) -> Place | None:
        """The first-level region with this GeoNames admin1 code ("US", "KY"), or None."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM places p WHERE p.feature = 'admin1' AND p.country = ? AND p.admin1 = ? "
            "ORDER BY p.population DESC LIMIT 1",
            (country.upper(), admin1),
        )
        return _place(rows[0]) if rows else None

    def __len__(self) -> int:
        """How many places the index holds."""
        return self._query("SELECT COUNT(*) FROM places")[0][0]

    def country(self, iso2: str) -> Place | None:
        """The country with this ISO 3166-1 alpha-2 code (any case), or None."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM places p WHERE p.feature = 'country' AND p.country = ? "
            "ORDER BY p.population DESC LIMIT 1",
            (iso2.upper(),),
        )
        return _place(rows[0]) if rows else None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> GeoNamesIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class _Cache:
    """The default index in its cache folder: where it is, and how to build it there or elsewhere."""

    def __init__(self, directory: Path, sources: GeoNamesSources, progress: Progress | None) -> None:
        self.directory = directory
        self.sources = sources
        self.progress = progress
        self.fingerprint = sources.fingerprint()
        self.home = directory / f"geonames-{self.fingerprint[:16]}.sqlite"  # where it belongs
        self.path = self.home  # where it is (a temporary folder when home cannot be written)

    def ready(self) -> Path:
        """The path of a good index, built if it is missing, stale or damaged."""
        state = check_index(self.path, self.fingerprint)
        if state.ok:
            self._prune()
            return self.path
        if state.status in ("damaged", "foreign"):
            _REBUILT.add(self.home)
            log.warning("world layer: the cached index %s is damaged (%s); rebuilding it", self.path, state.reason)
        return self.build()

    def heal(self, damaged: Stamp | None) -> Path:
        """After a query failed on the file with stamp ``damaged``: a good file another process put
        in its place meanwhile, else a new build."""
        now = file_stamp(self.path)
        if now not in (None, damaged) and check_index(self.path, self.fingerprint, always_verify=True).ok:
            return self.path
        return self.build()

    def build(self) -> Path:
        def build(tmp: Path) -> None:
            from .build import build_default_index  # the build code loads only when a build is needed

            build_default_index(self.sources, tmp, progress=self.progress)

        self._prune()  # room for the new file first
        try:
            publish(build, self.path, fingerprint=self.fingerprint)
        except CacheWriteError as exc:
            if self.path != self.home:
                raise GeoNamesError(f"cannot build the world layer ({exc.reason}); use --no-world",
                                    path=str(self.path)) from exc
            log.warning(
                "world layer: cannot write the cache in %s (%s); building it in a temporary place for this run"
                " — set %s to a writable folder, or use --no-world", self.directory, exc.reason, CACHE_ENV_VAR,
            )
            self.path = _temporary_directory() / self.home.name
            return self.build()
        return self.path

    def _prune(self) -> None:
        if self.path != self.home:
            return
        removed = prune_cache(self.directory, keep=self.home.name)
        if removed:
            megabytes = sum(size for _, size in removed) / 1e6
            log.info("world layer: removed %d outdated file(s) (%.0f MB) from %s", len(removed), megabytes,
                     self.directory)


def _temporary_directory() -> Path:
    """A new folder for this run's index, removed at exit (an open index file may be removed on POSIX)."""
    try:
        path = Path(tempfile.mkdtemp(prefix="entity-normalizer-"))
    except OSError as exc:
        raise GeoNamesError(f"cannot build the world layer in a temporary folder either ({describe(exc)});"
                            " use --no-world") from exc
    if not _TEMPORARY_DIRS:
        atexit.register(remove_temporary_directories)
    _TEMPORARY_DIRS.append(path)
    return path


def remove_temporary_directories() -> None:
    """Remove the temporary folders of this run's builds (registered with ``atexit``)."""
    while _TEMPORARY_DIRS:
        shutil.rmtree(_TEMPORARY_DIRS.pop(), ignore_errors=True)


def _damaged_explicit(reason: str) -> str:
    return f"the index is damaged ({reason}); rebuild it with {IMPORT_COMMAND}"


def _place(row: tuple) -> Place:
    geonameid, name, feature, country, admin1, lat, lon, population, ref = row
    return Place(ref or f"{ID_PREFIX}{geonameid}", name, feature, country, admin1, lat, lon, population)


@cache
def default_index(*, cache_dir: str | None = None, index_path: str | None = None) -> GeoNamesIndex:
    """The process-wide index (opened, and built if needed, on first use). Do not close it.

    A first build reports its progress through the ``normalizer`` logger (the CLI shows it on stderr),
    and so do the one-line notes of a cache that heals (:meth:`GeoNamesIndex.open`).
    """
    return GeoNamesIndex.open(cache_dir=cache_dir, index_path=index_path, progress=log.info)
