"""Compile a GeoNames index from the GeoNames dump files (https://download.geonames.org/export/dump/).

Files are recognized by name: ``allCountries.txt``, ``citiesN.txt`` or a one-country file such as
``UA.txt`` (places), ``alternateNamesV2.txt``, ``admin1CodesASCII.txt`` and ``countryInfo.txt``.
Feature class A/ADM1 becomes "admin1", A/PCL* "country", P "city"; with ``include_other`` the
classes H, L, T and S (water, areas, terrain, spots) are kept as "other". A country or region
named in countryInfo/admin1Codes but absent from the place files is still indexed, at its
capital's coordinates or at the mean of its cities'. Data © GeoNames, CC-BY 4.0.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from .errors import GeoNamesError
from .geonames_build import (
    COUNTRY_SHORT_FORMS,
    SCHEMA_VERSION,
    IndexWriter,
    Progress,
    publish,
    read_fingerprint,
)

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

    An ``out`` already built from the same files (names, sizes, mtimes) is kept as it is.
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
    if read_fingerprint(out) != fingerprint:
        _Import(groups, progress, include_other=include_other).into(out, fingerprint)
    return out


def _rows(path: Path, kind: str) -> Iterator[tuple[int, list[str]]]:
    expected = _COLUMNS[kind]
    with path.open(encoding="utf-8", newline="\n") as lines:
        for number, line in enumerate(lines, 1):
            line = line.rstrip("\r\n")
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
        raise GeoNamesError(f"not a number: {text!r}", path=str(path), line=line) from None


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
            countries = {f[0]: f for path in self.groups["countries"] for _, f in _rows(path, "countries")}
            regions = {f[0]: f for path in self.groups["admin1"] for _, f in _rows(path, "admin1")}
            self.capitals = {(iso2, f[5]): None for iso2, f in countries.items()}
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
            gid = int(_number(f[0], path, line, kind=int))
            lat, lon = _number(f[4], path, line), _number(f[5], path, line)
            population = int(_number(f[14], path, line, kind=int))
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

    def _missing_countries(self, writer: IndexWriter, countries: dict[str, list[str]]) -> None:
        for iso2, f in countries.items():
            gid = int(f[16]) if f[16].isdigit() else None
            if gid is None:
                continue
            if gid in self.kept:
                writer.add_names(gid, [f[4]])
                continue
            _, lat, lon = self.capitals.get((iso2, f[5])) or (0, None, None)
            population = int(f[7]) if f[7].isdigit() else 0
            writer.add_place((gid, f[4], "country", iso2, None, lat, lon, population))
            writer.add_names(gid, COUNTRY_SHORT_FORMS.get(iso2, ()))
            self.kept.add(gid)

    def _missing_regions(self, writer: IndexWriter, regions: dict[str, list[str]]) -> None:
        for code, (_, name, ascii_name, gid_text) in regions.items():
            country, _, admin1 = code.partition(".")
            gid = int(gid_text) if gid_text.isdigit() else None
            if gid is None:
                continue
            if gid in self.kept:
                writer.add_names(gid, [name, ascii_name])
                continue
            lat_sum, lon_sum, count, population = self.region_points.get(code, (0.0, 0.0, 0, 0))
            lat, lon = (lat_sum / count, lon_sum / count) if count else (None, None)
            writer.add_place((gid, name, "admin1", country, admin1, lat, lon, population), [ascii_name])
            self.kept.add(gid)

    def _alternates(self, writer: IndexWriter, path: Path) -> None:
        self.say(f"GeoNames import: reading {path.name}")
        for line, f in _rows(path, "alternates"):
            gid = int(_number(f[1], path, line, kind=int))
            if gid in self.kept and f[2] not in _NOT_NAMES:
                # GeoNames marks abbreviations ("NYC") as such: keep them although they look like codes
                writer.add_names(gid, [f[3]] if f[2] == "abbr" else [], [] if f[2] == "abbr" else [f[3]])
