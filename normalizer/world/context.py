"""Where a document is, as the world layer weighs its candidates: countries, regions, points, neighbours.

``PlaceContext`` gathers what a document resolved, one entry at a time (geoparse.py builds one);
``DocumentPlaces`` is the same, fixed, for one name of a document with that name's own mentions
left out (``normalizer.pipeline.document_context`` builds them by subtraction from one tally of the
whole document). Both answer the world layer through ``PointSet`` (nearness) and ``Neighbours``
(support) of ``points.py``, which weigh all of a name's candidates (``Candidates``) in one matrix
operation each; a fixed context weighs the same candidates once.
The weights themselves are data (``weights.py``, ``normalizer/data/place_weights.toml``).

Exactness. ``nearness`` of one place is exact, its ``support`` within ``Neighbours.error`` of the exact
sum (``exact_support``). ``weigh`` of many candidates in a large context is approximate: the nearness from chord
lengths, the support from numpy's sums (numpy's exp may round differently from the math module's),
together within ``error`` of the exact evidence. ``WorldPlaces.resolve`` checks that its choice, its
order and its rounded scores cannot change within that error and otherwise weighs again with
``exact``, the straightforward distances and sums.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..gazetteer.schema import Entry
from .index import Place
from .points import NEARNESS_ERROR, Candidates, Neighbours, Point, PointSet, Unit, nearness_evidence
from .weights import place_weights

__all__ = ["Candidates", "DocumentPlaces", "Neighbours", "PlaceClues", "PlaceContext", "Point", "PointSet", "Unit",
           "place_clues"]  # Candidates, Neighbours, Point, PointSet, Unit: points.py

PLACE_CACHE = 4096  # nearness and support remembered per context (a name's mentions share one)


def place_clues(entry: Entry, place: Place | None) -> tuple[str | None, tuple[tuple[str, str], ...], Point | None]:
    """What a resolved place entry tells: its country, its first-level region(s), its point."""
    regions = []
    if place is not None and place.feature == "admin1" and place.admin1:
        regions.append((place.country, place.admin1))
    if place is not None and place.admin1 and place.feature in ("city", "admin2"):
        regions.append((place.country, place.admin1))
    point = (entry.lat, entry.lon) if entry.lat is not None and entry.lon is not None else None
    return entry.country or None, tuple(regions), point


Clues = tuple[float, float, float, float]  # a candidate's country, region, nearness and support evidence


class PlaceClues:
    """Nearness and support of a place, remembered per context (an lru_cache each, made on first use)."""

    _nearness = _support = None
    _weighed: dict[Candidates, list[Clues]] | None = None  # a fixed context's weighings (DocumentPlaces)
    _summed: dict[Candidates, list[float]] | None = None  # ... and their sums

    def weigh(self, candidates: Candidates, *, exact: bool = False) -> list[Clues]:
        """What the document says for each candidate, as (country, region, nearness, support) evidence,
        0.0 where it says nothing (``exact``: from the straightforward distances and sums; else within
        ``error`` of that). A fixed context weighs the same candidates once (a name's mentions share its context)."""
        weighed = self._weighed
        if weighed is None or exact:
            return self._weigh(candidates, exact)
        found = weighed.get(candidates)
        if found is None:
            found = weighed[candidates] = self._weigh(candidates, exact)
        return found

    def evidence(self, candidates: Candidates, *, exact: bool = False) -> list[float]:
        """``weigh``'s four evidences of each candidate added up, in that order (a fixed context's, once)."""
        summed = self._summed
        found = None if summed is None or exact else summed.get(candidates)
        if found is None:
            found = [country + region + nearness + support
                     for country, region, nearness, support in self.weigh(candidates, exact=exact)]
            if summed is not None and not exact:
                summed[candidates] = found
        return found

    def _weigh(self, candidates: Candidates, exact: bool) -> list[Clues]:
        w = place_weights().evidence
        countries, regions = self.countries, self.regions
        count = len(candidates.places)
        nearness = support = None
        has_points, has_neighbours = self.has_points, self.has_neighbours
        if has_points or has_neighbours:
            geometry = candidates.geometry
            if geometry.points and has_points:
                nearness = geometry.spread(self.point_set().nearness_many(geometry, exact=exact), count)
            if geometry.points and has_neighbours:
                neighbours = self.neighbour_set()
                found = neighbours.exact_support_many(geometry) if exact else neighbours.support_many(geometry)
                support = geometry.spread(found, count)
        cap, per_mention, region = w.country_cap, w.country_mention, w.region
        in_countries, in_regions = candidates.keys
        return list(zip(
            [min(cap, per_mention * countries.get(country, 0)) for country in in_countries],
            [region if key in regions else 0.0 for key in in_regions],
            nearness or [0.0] * count,
            support or [0.0] * count,
        ))

    def _nearness_at(self, point: Point) -> float:
        return nearness_evidence(self.point_set().nearest_km(point))

    def _support_at(self, point: Point) -> float:
        return self.neighbour_set().support(*point)

    def point_set(self) -> PointSet:
        raise NotImplementedError

    def neighbour_set(self) -> Neighbours:
        raise NotImplementedError

    def nearness(self, place: Place) -> float:
        """Up to the ``nearness`` weight for a place near one the document resolved."""
        if self._nearness is None:
            self._nearness = lru_cache(maxsize=PLACE_CACHE)(self._nearness_at)
        return self._nearness((place.lat, place.lon))

    def support(self, place: Place) -> float:
        """What the other place names say for ``place``: within ``Neighbours.error`` of ``exact_support``."""
        if self._support is None:
            self._support = lru_cache(maxsize=PLACE_CACHE)(self._support_at)
        return self._support((place.lat, place.lon))

    def exact_support(self, place: Place) -> float:
        return self.neighbour_set().exact_support(place.lat, place.lon)

    @property
    def error(self) -> float:
        """How far the evidence ``weigh`` gives may be from its ``exact`` evidence (0.0: it is exact)."""
        nearness = place_weights().evidence.nearness * NEARNESS_ERROR if self.has_points else 0.0
        return nearness + (self.neighbour_set().error if self.has_neighbours else 0.0)

    @property
    def has_points(self) -> bool:
        return self.point_set().size > 0

    @property
    def has_neighbours(self) -> bool:
        return self.neighbour_set().count > 0


@dataclass
class PlaceContext(PlaceClues):
    """Where the document is: countries, first-level regions and points it has resolved."""

    countries: dict[str, int] = field(default_factory=dict)
    regions: set[tuple[str, str]] = field(default_factory=set)
    points: list[Point] = field(default_factory=list)
    neighbours: list[tuple[Point, ...]] = field(default_factory=list)  # see add_neighbour

    def __post_init__(self) -> None:
        self._points: PointSet | None = None
        self._neighbours: Neighbours | None = None

    def add(self, entry: Entry, place: Place | None = None) -> None:
        country, regions, point = place_clues(entry, place)
        if country:
            self.countries[country] = self.countries.get(country, 0) + 1
        self.regions.update(regions)
        if point is not None and point not in self.points:
            self.points.append(point)  # once per place: nearness takes the nearest
            self._points = self._nearness = None

    def add_neighbour(self, points: tuple[Point, ...]) -> None:
        """Another place name of the document, as the points it may denote: a town and the county
        around it support each other ("Florence and Lauderdale County": Florence, Alabama)."""
        if points:
            self.neighbours.append(points)
            self._neighbours = self._support = None

    def add_region(self, country: str, regions: set[str]) -> None:
        """A mention that only says "somewhere in one of these regions" (a county name)."""
        self.countries[country] = self.countries.get(country, 0) + 1
        if len(regions) == 1:
            self.regions.add((country, next(iter(regions))))

    def point_set(self) -> PointSet:
        if self._points is None:
            self._points = PointSet(self.points)
        return self._points

    def neighbour_set(self) -> Neighbours:
        if self._neighbours is None:
            self._neighbours = Neighbours(self.neighbours)
        return self._neighbours

    @property
    def has_points(self) -> bool:
        return bool(self.points)

    @property
    def has_neighbours(self) -> bool:
        return bool(self.neighbours)


class DocumentPlaces(PlaceClues):
    """A PlaceContext fixed at one moment: counts of countries, regions and points (a point is there
    with a count above zero), and the neighbours."""

    def __init__(self, countries: dict[str, int], regions: dict[tuple[str, str], int], points: dict[Point, int],
                 neighbours: Neighbours, units: dict[Point, Unit] | None = None) -> None:
        """``units``: the unit vectors of the document's points computed so far (PointSet), filled as needed."""
        self.countries, self.regions, self._counted = countries, regions, points
        self._points: PointSet | None = None
        self._neighbours = neighbours
        self._units = units
        self._weighed, self._summed = {}, {}

    def point_set(self) -> PointSet:
        if self._points is None:
            self._points = PointSet(self._counted, self._units)
        return self._points

    def neighbour_set(self) -> Neighbours:
        return self._neighbours

    @property
    def has_points(self) -> bool:
        return bool(self._counted)
