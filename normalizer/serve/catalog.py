"""What the reconciliation API shows of the gazetteer: types, properties, entities by id, their facts.

Types: ``person``, ``organization`` and ``place`` (the defaults), and the gazetteer's finer place
types (``city``, ``region``, ``river``, ...) with ``place`` as their broader type. A query of a
coarse type admits every entry of that kind; a query of a fine type only entries of that very type.
Entities are the curated entries and, with the world layer, every GeoNames place (curated entries
take over their ids, as in the resolver). Nothing here reads a file: it all comes from the
gazetteer and the world layer the pipeline loaded.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from ..gazetteer.load import Gazetteer
from ..gazetteer.names import entry_names
from ..gazetteer.schema import ID_PATTERN, PLACE_LABELS, TYPE_LABEL, WORLD_ID_PREFIXES, Entry
from ..text.keys import fold
from ..world.places import WorldPlaces

COARSE = {"person": "PERSON", "organization": "ORG", "place": "GPE"}
_COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")
SUGGEST_SCAN = 5_000  # names looked at for one prefix, at most
ANCESTORS = 6  # parent links followed, at most


@dataclass(frozen=True)
class EntityType:
    """A type of the reconciliation API, and the NER label a query of this type stands for."""

    id: str
    name: str
    label: str
    broader: str | None = None

    def admits(self, entry_type: str | None) -> bool:
        """Is an entry of ``entry_type`` of this type? (``place`` admits every place type)"""
        if self.broader is None:
            return coarse_type(entry_type) == self.id
        return entry_type == self.id

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "name": self.name}
        if self.broader:
            out["broader"] = [TYPES[self.broader].as_dict()]
        return out


def coarse_type(entry_type: str | None) -> str | None:
    """``person``, ``organization`` or ``place`` for a gazetteer type, else None."""
    label = TYPE_LABEL.get(entry_type or "")
    if label in PLACE_LABELS:
        return "place"
    return {"PERSON": "person", "ORG": "organization"}.get(label or "")


def _types() -> dict[str, EntityType]:
    found = {key: EntityType(key, key.capitalize(), label) for key, label in COARSE.items()}
    for key, label in TYPE_LABEL.items():
        if key not in found and label in PLACE_LABELS:
            found[key] = EntityType(key, key.capitalize(), label, broader="place")
    return found


TYPES: dict[str, EntityType] = _types()
DEFAULT_TYPES = [TYPES[key] for key in COARSE]


def entity_types(entry: Entry) -> list[dict[str, str]]:
    """The candidate's types, finest first: ``[{"id": "city", ...}, {"id": "place", ...}]``."""
    coarse = coarse_type(entry.type)
    out = []
    if entry.type in TYPES and entry.type != coarse:
        out.append({"id": entry.type, "name": TYPES[entry.type].name})
    if coarse:
        out.append({"id": coarse, "name": TYPES[coarse].name})
    return out


@dataclass(frozen=True)
class Property:
    """A property of entities: for data extension (and, for some, in reconciliation queries)."""

    id: str
    name: str
    description: str
    entity_type: str | None = None  # its values are entities of this type


QUERY_PROPERTIES = {
    "country": Property("country", "Country", "ISO 3166-1 code (UA), a country's name (Ukraine) or its id: "
                        "only candidates in that country, ranked as in a text that names the country"),
    "parent": Property("parent", "Parent", "The name or id of a place the entity lies in (Kharkiv Oblast): "
                       "ranked as in a text that names it; a match needs it among the entity's parents"),
}
EXTEND_PROPERTIES = {
    "name": Property("name", "Canonical name", "The entry's display name"),
    "type": Property("type", "Type", "The gazetteer type: person, organization, city, region, river, ..."),
    "country": Property("country", "Country", "The country the entity is in or acts for", entity_type="country"),
    "country_code": Property("country_code", "Country code", "ISO 3166-1 alpha-2"),
    "parent": Property("parent", "Parent", "The place it lies in (an oblast, a country)", entity_type="place"),
    "lat": Property("lat", "Latitude", "WGS 84 degrees"),
    "lon": Property("lon", "Longitude", "WGS 84 degrees"),
    "geonames": Property("geonames", "GeoNames id", "The number of a geonames: id"),
    "wikidata": Property("wikidata", "Wikidata id", "Q-number, where the entry has one"),
    "variants": Property("variants", "Variants", "Every other name the entry answers to (native names too)"),
}
VARIANT_SETTINGS = [{"name": "generated", "label": "Include generated romanizations", "type": "checkbox",
                     "default": False, "help_text": "Also the spellings made from the native names "
                     "(Kharkiv -> Charkiw, Harkiv), not only those an analyst listed"}]


class Catalog:
    """Entities by id, countries by code, facts for data extension, and prefix search over names."""

    def __init__(self, gazetteer: Gazetteer, world: WorldPlaces | None) -> None:
        self.gazetteer, self.world = gazetteer, world
        self._countries = {e.country: e for e in gazetteer.entries.values() if e.type == "country" and e.country}
        self._suggest: _Prefixes | None = None
        self._located: list[Entry] | None = None

    def located(self) -> list[Entry]:
        """The curated entries with coordinates, in gazetteer order (for maps)."""
        if self._located is None:
            self._located = [e for e in self.gazetteer.entries.values() if e.lat is not None and e.lon is not None]
        return self._located

    def countries_located(self) -> list[Entry]:
        """The countries with coordinates: the world map of the previews, drawn as their centres."""
        return [e for e in self.located() if e.type == "country"]

    def entity(self, canonical_id: str) -> Entry | None:
        """The curated entry of this id, else the world layer's place of it, else None."""
        entry = self.gazetteer.get(canonical_id)
        if entry is not None or self.world is None or not canonical_id.startswith(WORLD_ID_PREFIXES):
            return entry
        place = self.world.place(canonical_id)
        return self.world.entry_for(place) if place is not None else None

    def is_id(self, text: str) -> bool:
        return bool(ID_PATTERN.match(text))

    def country(self, code: str | None) -> Entry | None:
        """The country entity of an ISO 3166-1 code."""
        if not code:
            return None
        entry = self._countries.get(code)
        if entry is None and self.world is not None:
            place = self.world.index.country(code)
            entry = self.world.entry_for(place) if place is not None else None
        return entry

    def country_code(self, value: str) -> str | None:
        """The ISO code a property value names: a code (ua, UA), a country's id, or one of its names."""
        value = value.strip()
        if _COUNTRY_CODE.match(value) and self.country(value.upper()) is not None:
            return value.upper()
        entry = self.entity(value) if self.is_id(value) else None
        if entry is not None:
            return entry.country if entry.type == "country" else None
        for name in self.gazetteer.index.by_fold.get(fold(value), ()):
            if name.entry.type == "country" and name.entry.country and not name.variant.weak:
                return name.entry.country
        if self.world is not None:
            for place, _ in self.world.candidates(value):
                if place.feature == "country" and fold(place.name) == fold(value):
                    return place.country
        return None

    def place(self, value: str) -> Entry | None:
        """The entity a ``parent`` value names: an id, else the curated place of that name."""
        value = value.strip()
        if self.is_id(value):
            return self.entity(value)
        for name in self.gazetteer.index.by_fold.get(fold(value), ()):
            if coarse_type(name.entry.type) == "place" and not name.variant.weak:
                return name.entry
        return None

    def ancestors(self, entry: Entry) -> list[str]:
        """The ids of the places ``entry`` lies in, nearest first (its parent, the parent's parent...)."""
        out, current = [], entry
        while current is not None and current.parent and len(out) < ANCESTORS and current.parent not in out:
            out.append(current.parent)
            current = self.entity(current.parent)
        if entry.country:
            country = self.country(entry.country)
            if country is not None and country.canonical_id not in out and country.canonical_id != entry.canonical_id:
                out.append(country.canonical_id)
        return out

    def names(self, entry: Entry, *, generated: bool = False) -> list[str]:
        """The entry's other names: listed variants and native names (and generated romanizations)."""
        return [v.name for v in entry_names(entry) if v.kind != "canonical" and (generated or not v.generated)]

    def describe(self, entry: Entry, matched: str | None = None) -> str:
        """One line that tells namesakes apart: type, where it is, and the name that matched."""
        parts = [entry.type or "entity"]
        parent = self.entity(entry.parent) if entry.parent else None
        if parent is not None and parent.name:
            parts.append(f"in {parent.name}")
        elif entry.country:
            country = self.country(entry.country)
            parts.append(f"in {country.name}" if country is not None and country.name else entry.country)
        if matched and matched != entry.name:
            parts.append(f"as {matched!r}")
        return ", ".join(parts)

    def values(self, entry: Entry, prop: str, settings: dict[str, Any]) -> list[dict[str, Any]]:
        """Data extension: the values of one property of an entry, in the protocol's cell form."""
        if prop in ("country", "parent"):
            target = self.country(entry.country) if prop == "country" else (
                self.entity(entry.parent) if entry.parent else None)
            raw = entry.country if prop == "country" else entry.parent
            if target is not None and target.name:
                return [{"id": target.canonical_id, "name": target.name}]
            return [{"str": raw}] if raw else []
        if prop in ("lat", "lon"):
            value = entry.lat if prop == "lat" else entry.lon
            return [] if value is None else [{"float": float(value)}]
        if prop == "variants":
            generated = settings.get("generated") in (True, "true", "on", "1", 1)
            return [{"str": name} for name in self.names(entry, generated=generated)]
        value = {
            "name": entry.name, "type": entry.type, "country_code": entry.country, "wikidata": entry.wikidata,
            "geonames": entry.canonical_id.removeprefix("geonames:") if entry.canonical_id.startswith("geonames:")
            else None,
        }[prop]
        return [{"str": value}] if value else []

    def suggest(self, prefix: str, *, types: tuple[EntityType, ...] = (), cursor: int = 0,
                limit: int = 10) -> list[tuple[Entry, str]]:
        """Entities with a name (or a word of a name) that starts with ``prefix``: (entry, the name)."""
        if self._suggest is None:
            self._suggest = _Prefixes(self.gazetteer)
        found = []
        exact = self.entity(prefix.strip()) if self.is_id(prefix.strip()) else None
        if exact is not None:
            found.append((exact, exact.name or exact.canonical_id))
        seen = {entry.canonical_id for entry, _ in found}
        for entry, name in self._suggest.find(fold(prefix)):
            if entry.canonical_id not in seen and (not types or any(t.admits(entry.type) for t in types)):
                seen.add(entry.canonical_id)
                found.append((entry, name))
        return found[cursor:cursor + limit]


class _Prefixes:
    """Every name's fold key and the keys' word-starts ("lloyd austin", "austin"), sorted for bisection."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        rows = []
        for key, names in gazetteer.index.by_fold.items():
            words = key.split(" ")
            for start in range(len(words)):
                tail = " ".join(words[start:])
                rows.extend((tail, start > 0, name.entry, name.variant.name, name.variant.kind) for name in names)
        rows.sort(key=lambda row: row[0])
        self.keys = [row[0] for row in rows]
        self.rows = rows

    def find(self, key: str) -> list[tuple[Entry, str]]:
        """Best first: whole names before inner words, the very key before longer ones, canonical names
        before variants, shorter before longer."""
        if not key:
            return []
        hits = []
        start = bisect_left(self.keys, key)
        for i in range(start, min(len(self.keys), start + SUGGEST_SCAN)):
            if not self.keys[i].startswith(key):
                break
            tail, inner, entry, name, kind = self.rows[i]
            hits.append(((inner, tail != key, kind != "canonical", len(tail), entry.name or ""), entry, name))
        hits.sort(key=lambda hit: hit[0])
        return [(entry, name) for _, entry, name in hits]
