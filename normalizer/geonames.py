"""World place layer: every spelling of a country, first-level region or city -> its GeoNames id.

The index is an SQLite file compiled once from installed package data (see
:mod:`normalizer.geonames_build` for the sources, their licenses and how missing coordinates are
computed) and cached under ``$ENTITY_NORMALIZER_CACHE``, else ``$XDG_CACHE_HOME/entity-normalizer``,
else ``~/.cache/entity-normalizer``. The file name carries a fingerprint of the input files (sizes,
mtimes, schema version), so changed inputs give a new build. Place data © GeoNames, CC-BY 4.0.

Users with GeoNames dump files can compile a larger index with :func:`import_geonames_dump` and
open it with ``GeoNamesIndex.open(index_path=...)``.

Lookups use the package's two matching keys (:func:`normalizer.keys.fold` and
:func:`normalizer.keys.translit_key`): ``candidates("Kharkov")`` finds Kharkiv by an alternate
name, ``candidates("Izjum")`` finds Izyum by its romanization skeleton.
"""
from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import GeoNamesError
from .geonames_build import (
    SCHEMA_VERSION,
    GeoNamesSources,
    Progress,
    build_default_index,
    publish,
    read_fingerprint,
)
from .geonames_dump import import_geonames_dump
from .keys import fold, translit_key

__all__ = [
    "GeoNamesIndex", "GeoNamesSources", "Place", "default_cache_dir", "default_index", "import_geonames_dump",
]

CACHE_ENV_VAR = "ENTITY_NORMALIZER_CACHE"
ID_PREFIX = "geonames:"

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
    """Read-only lookups in a compiled index. Open with :meth:`open`; one connection per index."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self.path = path

    @classmethod
    def open(
        cls,
        *,
        cache_dir: str | Path | None = None,
        sources: GeoNamesSources | None = None,
        progress: Progress | None = None,
        index_path: str | Path | None = None,
    ) -> GeoNamesIndex:
        """Open the cached default index, building it first if it is missing or stale.

        With ``index_path`` (a file written by :func:`import_geonames_dump`) that file is opened
        as it is, and ``cache_dir``/``sources`` are not used.
        """
        if index_path is not None:
            path = Path(index_path)
            if read_fingerprint(path) is None:
                raise GeoNamesError(
                    f"not a GeoNames index of schema {SCHEMA_VERSION} (rebuild it with import_geonames_dump)",
                    path=str(path),
                )
            return cls._connect(path)
        sources = sources or GeoNamesSources.default()
        fingerprint = sources.fingerprint()
        path = default_cache_dir(cache_dir) / f"geonames-{fingerprint[:16]}.sqlite"
        if read_fingerprint(path) != fingerprint:
            def build(tmp: Path) -> None:
                build_default_index(sources, tmp, progress=progress)

            publish(build, path, fingerprint=fingerprint)
        return cls._connect(path)

    @classmethod
    def _connect(cls, path: Path) -> GeoNamesIndex:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        return cls(sqlite3.connect(uri, uri=True, check_same_thread=False), path)

    def candidates(self, name: str, *, limit: int = 25) -> list[tuple[Place, str]]:
        """Places that ``name`` can denote, each with how it matched ("fold" or "translit").

        Exact (folded) matches come first, then romanization matches; within each, countries,
        then first-level regions, then cities, the most populous first.
        """
        folded = fold(name)
        if not folded or limit <= 0:
            return []
        skeleton = translit_key(name) or None
        rows = self._conn.execute(_CANDIDATES_SQL, (folded, skeleton, limit)).fetchall()
        return [(_place(row[:9]), "fold" if row[9] == 0 else "translit") for row in rows]

    def get(self, canonical_id: str) -> Place | None:
        """The place with this id ("geonames:706483", "iso3166-2:CA-ON", "fips:21125"), or None."""
        number = canonical_id.removeprefix(ID_PREFIX)
        if canonical_id.startswith(ID_PREFIX) and number.isdigit():
            where, value = "p.geonameid = ?", int(number)
        else:
            where, value = "p.ref = ?", canonical_id
        row = self._conn.execute(f"SELECT {_COLUMNS} FROM places p WHERE {where}", (value,)).fetchone()
        return _place(row) if row else None

    def region(self, country: str, admin1: str) -> Place | None:
        """The first-level region with this GeoNames admin1 code ("US", "KY"), or None."""
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM places p WHERE p.feature = 'admin1' AND p.country = ? AND p.admin1 = ? "
            "ORDER BY p.population DESC LIMIT 1",
            (country.upper(), admin1),
        ).fetchone()
        return _place(row) if row else None

    def __len__(self) -> int:
        """How many places the index holds."""
        return self._conn.execute("SELECT COUNT(*) FROM places").fetchone()[0]

    def country(self, iso2: str) -> Place | None:
        """The country with this ISO 3166-1 alpha-2 code (any case), or None."""
        row = self._conn.execute(
            f"SELECT {_COLUMNS} FROM places p WHERE p.feature = 'country' AND p.country = ? "
            "ORDER BY p.population DESC LIMIT 1",
            (iso2.upper(),),
        ).fetchone()
        return _place(row) if row else None

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> GeoNamesIndex:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _place(row: tuple) -> Place:
    geonameid, name, feature, country, admin1, lat, lon, population, ref = row
    return Place(ref or f"{ID_PREFIX}{geonameid}", name, feature, country, admin1, lat, lon, population)


@cache
def default_index(*, cache_dir: str | None = None, index_path: str | None = None) -> GeoNamesIndex:
    """The process-wide index (opened, and built if needed, on first use). Do not close it.

    A first build reports its progress through the ``normalizer`` logger (the CLI shows it on stderr).
    """
    log = logging.getLogger("normalizer")
    return GeoNamesIndex.open(cache_dir=cache_dir, index_path=index_path, progress=log.info)
