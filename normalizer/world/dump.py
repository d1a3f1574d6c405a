"""Compile a GeoNames index from the GeoNames dump files (https://download.geonames.org/export/dump/).

Files are recognized by name: ``allCountries.txt``, ``citiesN.txt`` or a one-country file such as
``UA.txt`` (places), ``alternateNamesV2.txt``, ``admin1CodesASCII.txt`` and ``countryInfo.txt``.
Feature class A/ADM1 becomes "admin1", A/PCL* "country", P "city"; with ``include_other`` the
classes H, L, T and S (water, areas, terrain, spots) are kept as "other". A country or region
named in countryInfo/admin1Codes but absent from the place files is still indexed, at its
capital's coordinates or at the mean of its cities'. Data © GeoNames, CC-BY 4.0.

A broken line stops the import with a :class:`GeoNamesError` naming ``file:line`` (a dump is one
export; a broken line means a broken file, and skipping lines of a 12-million-line file silently
would hide it): a wrong number of columns, bytes that are not UTF-8, an id that is not a whole
number from 1 to 2^63-1 (SQLite's largest integer), a population outside 0 to 2^63-1, or a latitude
or longitude that is not a number within ±90 or ±180.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from ..errors import GeoNamesError
from .build import COUNTRY_SHORT_FORMS
from .index_file import SQLITE_MAX_INTEGER, check_index, publish
from .sources import SCHEMA_VERSION, Progress
from .writer import IndexWriter

_PLACE_FILE = re.compile(r"(allCountries|cities\d+|[A-Z]{2})\.txt")
_COLUMNS = {"places": 19, "alternates": 10, "admin1": 4, "countries": 19}
_FIXED_NAMES = {
    "alternateNamesV2.txt": "alternates", "admin1CodesASCII.txt": "admin1", "countryInfo.txt": "countries",
}
# isolanguage values that are codes, links or postcodes rather than names
_NOT_NAMES = {"link", "post", "iata", "icao", "faac", "tcid", "unlc", "wkdt", "fr_1793"}
_OTHER_CLASSES = {"H", "L", "T", "S"}


def import_geonames_dump(
    paths: list[Path], *, out: Path, progress: Progress | None = None, include_other: bool = False
) -> Path:
    """Write an index of the dump files to ``out``; open it with ``GeoNamesIndex.open(index_path=out)``.

    An ``out`` already built from the same files (names, sizes, mtimes) and passing an integrity
    check is kept as it is; a damaged one is rebuilt.
    """
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in map(Path, paths):
        kind = _FIXED_NAMES.get(path.name) or ("places" if _PLACE_FILE.fullmatch(path.name) else None)
        if kind is None:
            raise GeoNamesError("not a GeoNames dump file name this importer knows", path=str(path))
        if not path.is_file():
            raise GeoNamesError("no such file", path=str(path))
        groups[kind].append(path)
    if not groups["places"] and not groups["countries"]:
        raise GeoNamesError("no place file (allCountries.txt, citiesN.txt, XX.txt or countryInfo.txt) given")
    parts = [f"schema={SCHEMA_VERSION}", f"other={include_other}"]
    files = [p for group in groups.values() for p in group]
    parts += sorted(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)
    fingerprint = "dump-" + hashlib.sha256("|".join(parts).encode()).hexdigest()
    out = Path(out)
    if not check_index(out, fingerprint, always_verify=True).ok:
        _Import(groups, progress, include_other=include_other).into(out, fingerprint)
    return out


def _rows(path: Path, kind: str) -> Iterator[tuple[int, list[str]]]:
    expected = _COLUMNS[kind]
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, 1):
            try:
                line = raw.decode("utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                message = f"not UTF-8: byte 0x{raw[exc.start]:02x} at column {exc.start + 1} (GeoNames files are UTF-8)"
                raise GeoNamesError(message, path=str(path), line=number) from None
            if number == 1:
                line = line.removeprefix("\ufeff")
            if not line or (kind == "countries" and line.startswith("#")):
                continue
            fields = line.split("\t")
            if len(fields) != expected:
                message = f"expected {expected} tab-separated columns, found {len(fields)}"
                raise GeoNamesError(message, path=str(path), line=number)
            yield number, fields


def _number(text: str, path: Path, line: int, *, kind: type = float) -> float:
    try:
        return kind(text) if text else kind(0)
    except ValueError:
        raise GeoNamesError(f"not a number: {_shown(text)!r}", path=str(path), line=line) from None


def _shown(text: str) -> str:
    """A field as quoted in a message: long ones cut."""
    return text if len(text) <= 40 else text[:37] + "..."


def _count(text: str, path: Path, line: int, *, what: str, low: int) -> int:
    """A whole number that SQLite can store: an id (from 1) or a population (from 0)."""
    number = int(_number(text, path, line, kind=int))
    if not low <= number <= SQLITE_MAX_INTEGER:
        raise GeoNamesError(f"{what} {_shown(text)} is out of range ({low} to {SQLITE_MAX_INTEGER})", path=str(path),
                            line=line)
    return number


def _geonameid(text: str, path: Path, line: int) -> int:
    if not text:
        raise GeoNamesError("no geonameid", path=str(path), line=line)
    return _count(text, path, line, what="geonameid", low=1)


def _optional_geonameid(text: str, path: Path, line: int) -> int | None:
    """countryInfo's and admin1Codes' id column: empty or not a number means "no id" (the row is skipped)."""
    return _geonameid(text, path, line) if text.isdigit() else None


def _coordinate(text: str, path: Path, line: int, *, what: str, limit: float) -> float:
    value = _number(text, path, line)
    if not (math.isfinite(value) and -limit <= value <= limit):
        raise GeoNamesError(f"{what} {_shown(text)} is not between {-limit:g} and {limit:g}", path=str(path), line=line)
    return value


class _Import:
    def __init__(
        self, groups: dict[str, list[Path]], progress: Progress | None, *, include_other: bool
    ) -> None:
        self.groups = groups
        self.say = progress or (lambda _message: None)
        self.include_other = include_other
        self.kept: set[int] = set()
        # (country, capital name) -> (population, lat, lon) of the biggest place of that name
        self.capitals: dict[tuple[str, str], tuple[int, float, float] | None] = {}
        self.region_points: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0, 0])

    def into(self, out: Path, fingerprint: str) -> None:
        def build(tmp: Path) -> None:
            writer = IndexWriter(tmp)
            countries = {f[0]: (f, _optional_geonameid(f[16], path, line),
                                _count(f[7], path, line, what="population", low=0) if f[7].isdigit() else 0)
                         for path in self.groups["countries"] for line, f in _rows(path, "countries")}
            regions = {f[0]: (f, _optional_geonameid(f[3], path, line))
                       for path in self.groups["admin1"] for line, f in _rows(path, "admin1")}
            self.capitals = {(iso2, f[5]): None for iso2, (f, _, _) in countries.items()}
            for path in self.groups["places"]:
                self._places(writer, path)
            self._missing_countries(writer, countries)
            self._missing_regions(writer, regions)
            for path in self.groups["alternates"]:
                self._alternates(writer, path)
            self.say("GeoNames import: indexing names")
            writer.finish(fingerprint=fingerprint, source="geonames-dump")
            self.say(f"GeoNames import: {writer.places_written:,} places written to {out}")

        publish(build, out, fingerprint=fingerprint)

    def _feature(self, feature_class: str, code: str) -> str | None:
        if feature_class == "A":
            return "admin1" if code == "ADM1" else "country" if code.startswith("PCL") else None
        if feature_class == "P":
            return "city"
        return "other" if self.include_other and feature_class in _OTHER_CLASSES else None

    def _places(self, writer: IndexWriter, path: Path) -> None:
        self.say(f"GeoNames import: reading {path.name}")
        for line, f in _rows(path, "places"):
            if line % 1_000_000 == 0:
                self.say(f"GeoNames import: {path.name} line {line:,}")
            feature = self._feature(f[6], f[7])
            if feature is None:
                continue
            gid = _geonameid(f[0], path, line)
            lat = _coordinate(f[4], path, line, what="latitude", limit=90)
            lon = _coordinate(f[5], path, line, what="longitude", limit=180)
            population = _count(f[14], path, line, what="population", low=0)
            country, admin1 = f[8], f[10] or None
            row = (gid, f[1], feature, country, admin1, lat, lon, population)
            writer.add_place(row, [f[2], *f[3].split(",")])
            self.kept.add(gid)
            if feature == "country":
                writer.add_names(gid, COUNTRY_SHORT_FORMS.get(country, ()))
            if feature == "city":
                key = (country, f[1])
                if key in self.capitals and (self.capitals[key] or (-1,))[0] < population:
                    self.capitals[key] = (population, lat, lon)
                if admin1:
                    point = self.region_points[f"{country}.{admin1}"]
                    point[0] += lat
                    point[1] += lon
                    point[2] += 1
                    point[3] += population

    def _missing_countries(self, writer: IndexWriter, countries: dict[str, tuple[list[str], int | None, int]]) -> None:
        for iso2, (f, gid, population) in countries.items():
            if gid is None:
                continue
            if gid in self.kept:
                writer.add_names(gid, [f[4]])
                continue
            _, lat, lon = self.capitals.get((iso2, f[5])) or (0, None, None)
            writer.add_place((gid, f[4], "country", iso2, None, lat, lon, population))
            writer.add_names(gid, COUNTRY_SHORT_FORMS.get(iso2, ()))
            self.kept.add(gid)

    def _missing_regions(self, writer: IndexWriter, regions: dict[str, tuple[list[str], int | None]]) -> None:
        for code, ((_, name, ascii_name, _), gid) in regions.items():
            country, _, admin1 = code.partition(".")
            if gid is None:
                continue
            if gid in self.kept:
                writer.add_names(gid, [name, ascii_name])
                continue
            lat_sum, lon_sum, count, population = self.region_points.get(code, (0.0, 0.0, 0, 0))
            lat, lon = (lat_sum / count, lon_sum / count) if count else (None, None)
            population = min(population, SQLITE_MAX_INTEGER)  # a sum of its cities'
            writer.add_place((gid, name, "admin1", country, admin1, lat, lon, population), [ascii_name])
            self.kept.add(gid)

    def _alternates(self, writer: IndexWriter, path: Path) -> None:
        self.say(f"GeoNames import: reading {path.name}")
        for line, f in _rows(path, "alternates"):
            gid = _geonameid(f[1], path, line)
            if gid in self.kept and f[2] not in _NOT_NAMES:
                # GeoNames marks abbreviations ("NYC") as such: keep them although they look like codes
                writer.add_names(gid, [f[3]] if f[2] == "abbr" else [], [] if f[2] == "abbr" else [f[3]])
