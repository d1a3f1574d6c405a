"""The index file's tables, and how a build's rows get into them: :class:`IndexWriter` and the names' keys.

Build-only (the default build and the dump import use it); the runtime reads the tables with
:mod:`normalizer.world.index`. Each name is stored under its two matching keys,
:func:`normalizer.text.keys.fold` and :func:`normalizer.text.keys.translit_key`.
"""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from ..text.keys import fold_uncached, skeleton
from .key_filter import KEY_FILTER_TABLE, key_hashes
from .regions import Region
from .sources import SCHEMA_VERSION

PlaceRow = tuple[int, str, str, str, str | None, float | None, float | None, int]

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, feature TEXT NOT NULL,
    country TEXT NOT NULL, admin1 TEXT, lat REAL, lon REAL, population INTEGER NOT NULL, ref TEXT);
CREATE TABLE names (key TEXT NOT NULL, kind TEXT NOT NULL, geonameid INTEGER NOT NULL,
    PRIMARY KEY (key, kind, geonameid)) WITHOUT ROWID;
"""
NEW_NAMES = "CREATE TEMP TABLE new_names (key TEXT NOT NULL, kind TEXT NOT NULL, geonameid INTEGER NOT NULL);"
_LATIN_OR_CYRILLIC = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff]")
_MACHINE_ROMANIZATION = re.compile(r"[a-z ]+")
_CODE_LIKE = re.compile(r"[A-Z]{2,5}")
_WORDS = re.compile(r"[^\W\d_]+")


def plausible_alternate(alternate: str, name: str = "") -> bool:
    """Could this alternate of ``name`` occur in English text?

    Kept: 2+ characters with a Latin or Cyrillic letter. Dropped: lowercase-only romanizations
    ("ha er ke fu", mostly machine pinyin) and 2-5 capital letters that are not the name's
    initials (airport codes: "HRK" for Kharkiv; "KL" for Kuala Lumpur stays).
    """
    alternate = alternate.strip()
    if len(alternate) < 2 or not _LATIN_OR_CYRILLIC.search(alternate):
        return False
    if _MACHINE_ROMANIZATION.fullmatch(alternate):
        return False
    if _CODE_LIKE.fullmatch(alternate):
        return alternate == "".join(word[0] for word in _WORDS.findall(name)).upper()
    return True


def name_keys(names: Iterable[str], alternates: Iterable[str] = ()) -> set[tuple[str, str]]:
    """(key, kind) pairs for a place's own names (always kept) and its plausible alternates.

    The keys are :func:`normalizer.text.keys.fold` and ``translit_key``, computed without their
    caches (a build meets most strings once), each distinct string and folded key once.
    """
    names = list(names)
    main = names[0] if names else ""
    keys: set[tuple[str, str]] = set()
    folds: set[str] = set()
    for variant in dict.fromkeys((*names, *(a for a in alternates if plausible_alternate(a, main)))):
        folded = fold_uncached(variant)
        if folded in folds:
            continue
        folds.add(folded)
        if folded:
            keys.add((folded, "fold"))
        if translit := skeleton(folded):  # == translit_key(variant)
            keys.add((translit, "translit"))
    return keys


class IndexWriter:
    """Fills a new index file; :meth:`finish` adds the names, the indexes and the metadata.

    Rows go to SQLite in batches. Names collect in a temporary table (one place's names may come in
    several calls: a dump's alternates, a country's short forms) and enter ``names``, keyed and
    without repeats, in one sorted pass at the end.
    """

    _BATCH = 50_000

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA + NEW_NAMES)
        self._places: list[tuple] = []
        self._names: list[tuple[str, str, int]] = []
        self.places_written = 0
        self._attached = False

    def add_place(self, row: PlaceRow, alternates: Iterable[str] = ()) -> None:
        self.add_keyed_place(row, name_keys([row[1]], alternates))

    def add_keyed_place(self, row: PlaceRow, keys: Iterable[tuple[str, str]] = ()) -> None:
        """A place with its :func:`name_keys` already computed (none: its names come otherwise)."""
        self._places.append((*row, None))
        if keys:
            self._add_keys(row[0], keys)
        elif len(self._places) >= self._BATCH:
            self._flush()

    def add_region(self, region: Region, number: int) -> None:
        """A place whose id is not a GeoNames id (``iso3166-2:CA-ON``), stored under a negative number."""
        self._places.append((number, region.name, region.feature, region.country, region.admin1,
                             region.lat, region.lon, region.population, region.canonical_id))
        self.add_names(number, region.names)

    def add_names(self, geonameid: int, names: Iterable[str], alternates: Iterable[str] = ()) -> None:
        self._add_keys(geonameid, name_keys(names, alternates))

    def _add_keys(self, geonameid: int, keys: Iterable[tuple[str, str]]) -> None:
        self._names.extend([(key, kind, geonameid) for key, kind in keys])
        if len(self._names) >= self._BATCH or len(self._places) >= self._BATCH:
            self._flush()

    def add_rows(self, rows: Iterable[tuple[str, str, int]]) -> None:
        """(key, kind, geonameid) rows, streamed into the names."""
        self.conn.executemany("INSERT INTO new_names VALUES (?,?,?)", rows)

    def attach_names(self, path: Path) -> None:
        """The rows of the ``new_names`` table of the file ``path`` join the names at :meth:`finish`."""
        self.conn.execute("ATTACH DATABASE ? AS more", (str(path),))
        self._attached = True

    def _flush(self) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?)", self._places)
        self.conn.executemany("INSERT INTO new_names VALUES (?,?,?)", self._names)
        self.places_written += len(self._places)
        self._places.clear()
        self._names.clear()

    def finish(self, *, fingerprint: str, source: str) -> None:
        self._flush()
        rows = "SELECT * FROM temp.new_names" + (" UNION ALL SELECT * FROM more.new_names" if self._attached else "")
        self.conn.execute(f"INSERT OR IGNORE INTO names SELECT key, kind, geonameid FROM ({rows}) ORDER BY 1, 2, 3")
        self.conn.execute("DROP TABLE new_names")
        if self._attached:
            self.conn.commit()  # a database in a transaction cannot be detached
            self.conn.execute("DETACH DATABASE more")
        hashes = key_hashes(key for (key,) in self.conn.execute("SELECT DISTINCT key FROM names"))
        self.conn.execute(f"CREATE TABLE {KEY_FILTER_TABLE} (hashes BLOB NOT NULL)")
        self.conn.execute(f"INSERT INTO {KEY_FILTER_TABLE} VALUES (?)", (hashes,))
        self.conn.execute("CREATE INDEX places_ref ON places (ref)")
        self.conn.execute("CREATE INDEX places_code ON places (feature, country, admin1)")  # region(), country()
        # names_of_cities()
        self.conn.execute("CREATE INDEX places_city_size ON places (population) WHERE feature = 'city'")
        meta = {"schema_version": str(SCHEMA_VERSION), "fingerprint": fingerprint, "source": source}
        self.conn.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        self.conn.commit()
        self.conn.close()
