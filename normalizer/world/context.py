"""Where a document is, as the world layer weighs its candidates: countries, regions, points, neighbours.

``PlaceContext`` gathers what a document resolved, one entry at a time (geoparse.py builds one);
``DocumentPlaces`` is the same, fixed, for one name of a document with that name's own mentions
left out (``normalizer.pipeline.document_context`` builds them by subtraction from one tally of the
whole document). Both answer the world layer through ``PointSet`` (nearness) and ``Neighbours``
(support), which keep their points (beyond a few) in numpy arrays: a candidate costs one vectorized
pass over the points, not a Python loop over every neighbour.

Exactness. ``nearness`` is exact: the vectorized distances only pick the few points that may be the
nearest, and ``km`` decides among them. ``support`` of a large context is approximate, within
``support_error`` of the exact sum (numpy's exp may round differently from the math module's);
``WorldPlaces.resolve`` checks that its choice, its order and its rounded scores cannot change within
that error and otherwise weighs again with ``exact_support``, the straightforward sum.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from ..gazetteer.schema import Entry
from .distance import PointArrays, closest, km, rough_km, unit_vectors
from .index import Place

Point = tuple[float, float]

NEAR_KM = 300.0
# Support: each other place name of the document adds up to SUPPORT_WEIGHT to a candidate that one
# of its own likeliest places lies near (exp(-distance / SUPPORT_KM)), SUPPORT_CAP in all.
SUPPORT_KM = 40.0
SUPPORT_WEIGHT = 2.0
SUPPORT_CAP = 6.0
NEAREST_SMALL = 8  # points up to which a plain loop finds the nearest faster than numpy
SMALL = 24  # neighbour points up to which the plain (exact) sum is about as fast as numpy's
PLACE_CACHE = 4096  # nearness and support remembered per context (a name's mentions share one)
# Bounds of the vectorized support's error: per term (a few units in the last place, far below this)
# and per term and unit of the sum (rounding while summing).
TERM_ERROR = 1e-11
SUM_ERROR = 1e-15


def place_clues(entry: Entry, place: Place | None) -> tuple[str | None, tuple[tuple[str, str], ...], Point | None]:
    """What a resolved place entry tells: its country, its first-level region(s), its point."""
    regions = []
    if place is not None and place.feature == "admin1" and place.admin1:
        regions.append((place.country, place.admin1))
    if place is not None and place.admin1 and place.feature in ("city", "admin2"):
        regions.append((place.country, place.admin1))
    point = (entry.lat, entry.lon) if entry.lat is not None and entry.lon is not None else None
    return entry.country or None, tuple(regions), point


class PointSet:
    """Points a document resolved; the distance from a place to the nearest of them, exactly."""

    def __init__(self, points: Sequence[Point]) -> None:
        self.points = list(points)
        self.size = len(self.points)
        self._units: np.ndarray | None = None

    def nearest_km(self, point: Point) -> float:
        """``min(km(point, p) for p in points)``, the same float."""
        if self.size <= NEAREST_SMALL:
            return min(km(point, p) for p in self.points)
        if self._units is None:
            self._units = unit_vectors(np.array([p[0] for p in self.points], dtype=float),
                                       np.array([p[1] for p in self.points], dtype=float))
        return min(km(point, self.points[i]) for i in closest(point, self._units))


class Neighbours:
    """Other place names of a document, each as the points it may denote (``neighbour_points``), in
    document order; ``keys`` (one per group, all different) let one be left out (``leaving_out``)."""

    def __init__(self, groups: Sequence[tuple[Point, ...]], keys: Sequence[str] = ()) -> None:
        kept = [(g, key) for g, key in zip(groups, keys or [None] * len(groups)) if g]
        self.groups = [g for g, _ in kept]
        self._index = {key: i for i, (_, key) in enumerate(kept) if key is not None}
        self._skip: int | None = None
        self.count = len(self.groups)
        sizes = [len(g) for g in self.groups]
        self._arrays = None
        if sum(sizes) > SMALL:
            flat = [p for g in self.groups for p in g]
            starts = np.zeros(len(sizes), dtype=np.intp)
            np.cumsum(sizes[:-1], out=starts[1:])
            points = PointArrays(np.array([p[0] for p in flat], dtype=float),
                                 np.array([p[1] for p in flat], dtype=float))
            self._arrays = (points, starts)

    def leaving_out(self, key: str) -> Neighbours:
        """The same neighbours without the group of ``key`` (shares the arrays)."""
        other = object.__new__(Neighbours)
        other.__dict__.update(self.__dict__)
        other._skip = self._index.get(key)
        other.count = self.count - (other._skip is not None)
        return other

    def kept(self) -> list[tuple[Point, ...]]:
        """The groups, in order, without the one left out."""
        return self.groups if self._skip is None else self.groups[: self._skip] + self.groups[self._skip + 1 :]

    @property
    def error(self) -> float:
        """How far ``support`` may be from ``exact_support`` (0.0: it is exact)."""
        if self._arrays is None:
            return 0.0
        return SUPPORT_WEIGHT * self.count * (TERM_ERROR + SUM_ERROR * self.count)

    def support(self, lat: float, lon: float) -> float:
        """What the neighbours say for a place at (lat, lon), within ``error`` of ``exact_support``."""
        if self._arrays is None:
            return self.exact_support(lat, lon)
        points, starts = self._arrays
        terms = np.exp(-np.minimum.reduceat(points.rough_km_to(lat, lon), starts) / SUPPORT_KM)
        if self._skip is not None:
            terms[self._skip] = 0.0
        return min(SUPPORT_CAP, SUPPORT_WEIGHT * float(terms.sum()))

    def exact_support(self, lat: float, lon: float) -> float:
        """The sum over the groups in document order of exp(-distance to the group's nearest point / SUPPORT_KM)."""
        support = sum(math.exp(-min(rough_km(lat, lon, p) for p in points) / SUPPORT_KM) for points in self.kept())
        return min(SUPPORT_CAP, SUPPORT_WEIGHT * support)


class PlaceClues:
    """Nearness and support of a place, remembered per context (an lru_cache each, made on first use)."""

    _nearness = _support = None

    def _nearness_at(self, point: Point) -> float:
        return 2.0 * math.exp(-self.point_set().nearest_km(point) / NEAR_KM)

    def _support_at(self, point: Point) -> float:
        return self.neighbour_set().support(*point)

    def point_set(self) -> PointSet:
        raise NotImplementedError

    def neighbour_set(self) -> Neighbours:
        raise NotImplementedError

    def nearness(self, place: Place) -> float:
        """Up to 2.0 for a place near one the document resolved."""
        if self._nearness is None:
            self._nearness = lru_cache(maxsize=PLACE_CACHE)(self._nearness_at)
        return self._nearness((place.lat, place.lon))

    def support(self, place: Place) -> float:
        """What the other place names say for ``place``: within ``support_error`` of ``exact_support``."""
        if self._support is None:
            self._support = lru_cache(maxsize=PLACE_CACHE)(self._support_at)
        return self._support((place.lat, place.lon))

    def exact_support(self, place: Place) -> float:
        return self.neighbour_set().exact_support(place.lat, place.lon)

    @property
    def support_error(self) -> float:
        return self.neighbour_set().error if self.has_neighbours else 0.0

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
        around it support each other ("Paris and Henry County": Paris, Tennessee)."""
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
                 neighbours: Neighbours) -> None:
        self.countries, self.regions, self._counted = countries, regions, points
        self._points: PointSet | None = None
        self._neighbours = neighbours

    def point_set(self) -> PointSet:
        if self._points is None:
            self._points = PointSet(self._counted)
        return self._points

    def neighbour_set(self) -> Neighbours:
        return self._neighbours

    @property
    def has_points(self) -> bool:
        return bool(self._counted)
