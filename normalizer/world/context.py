"""Where a document is, as the world layer weighs its candidates: countries, regions, points, neighbours.

``PlaceContext`` gathers what a document resolved, one entry at a time (geoparse.py builds one);
``DocumentPlaces`` is the same, fixed, for one name of a document with that name's own mentions
left out (``normalizer.pipeline.document_context`` builds them by subtraction from one tally of the
whole document). Both answer the world layer through ``PointSet`` (nearness) and ``Neighbours``
(support), which keep their points (beyond a few) in numpy arrays: ``PlaceClues.weigh`` weighs all
of a name's candidates (``Candidates``, their points prepared once) in one matrix operation each, not
a Python loop over candidates and neighbours, and a fixed context weighs the same candidates once.
The weights themselves are data (``weights.py``, ``normalizer/data/place_weights.toml``).

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
from .distance import EARTH_RADIUS_KM, PointArrays, closest, km, rough_km, unit_vectors
from .index import Place
from .weights import place_weights

Point = tuple[float, float]

NEAREST_SMALL = 8  # points up to which a plain loop finds the nearest faster than numpy
CLOSEST_SLACK = 1e-6  # distance.closest's slack: dot products this close to the largest may be the nearest
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

    def nearest_km_many(self, geometry: Geometry) -> list[float]:
        """``nearest_km`` of each of the ``geometry``'s points, the same floats: one matrix of dot
        products picks, for every point, the few that may be nearest (as ``closest`` does for one),
        ``km`` decides."""
        points = geometry.points
        if len(points) * self.size <= NEAREST_SMALL:
            return [self.nearest_km(point) for point in points]
        if self._units is None:
            self._units = unit_vectors(np.array([p[0] for p in self.points], dtype=float),
                                       np.array([p[1] for p in self.points], dtype=float))
        dots = geometry.units @ self._units.T
        rows, columns = np.nonzero(dots >= dots.max(axis=1, keepdims=True) - CLOSEST_SLACK)
        nearest = [math.inf] * len(points)
        mine = self.points
        for row, column in zip(rows.tolist(), columns.tolist()):
            d = km(points[row], mine[column])
            if d < nearest[row]:
                nearest[row] = d
        return nearest


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
            lats, lons = np.array([p[0] for p in flat], dtype=float), np.array([p[1] for p in flat], dtype=float)
            self._arrays = (PointArrays(lats, lons), starts)
            self._radians = _Radians(lats, lons)

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
        return place_weights().evidence.support * self.count * (TERM_ERROR + SUM_ERROR * self.count)

    def support(self, lat: float, lon: float) -> float:
        """What the neighbours say for a place at (lat, lon), within ``error`` of ``exact_support``."""
        if self._arrays is None:
            return self.exact_support(lat, lon)
        w = place_weights().evidence
        points, starts = self._arrays
        terms = np.exp(-np.minimum.reduceat(points.rough_km_to(lat, lon), starts) / w.support_km)
        if self._skip is not None:
            terms[self._skip] = 0.0
        return min(w.support_cap, w.support * float(terms.sum()))

    def support_many(self, geometry: Geometry) -> list[float]:
        """``support`` at each of the ``geometry``'s points, each within ``error`` of ``exact_support``:
        one matrix of distances (a row per point, ``_rough_km_matrix``) instead of one pass per point."""
        if self._arrays is None:
            return [self.exact_support(*point) for point in geometry.points]
        w = place_weights().evidence
        _, starts = self._arrays
        distances = _rough_km_matrix(self._radians, geometry.radians)
        terms = np.exp(-np.minimum.reduceat(distances, starts, axis=1) / w.support_km)
        if self._skip is not None:
            terms[:, self._skip] = 0.0
        return [min(w.support_cap, w.support * total) for total in terms.sum(axis=1).tolist()]

    def exact_support(self, lat: float, lon: float) -> float:
        """The sum over the groups in document order of exp(-distance to the group's nearest point / support_km),
        times the ``support`` weight, at most ``support_cap``."""
        w = place_weights().evidence
        support = sum(math.exp(-min(rough_km(lat, lon, p) for p in points) / w.support_km) for points in self.kept())
        return min(w.support_cap, w.support * support)


class Candidates:
    """A name's candidate places, as a context weighs them (``PlaceClues.weigh``); compared by identity,
    so a fixed context remembers how it weighed the same candidates. Their points, prepared for the
    vectorized distances, are computed once (``geometry``): a name's candidates are looked up once and
    weighed in many contexts."""

    __slots__ = ("places", "_geometry")

    def __init__(self, places: Sequence[Place]) -> None:
        self.places = places
        self._geometry: Geometry | None = None

    @property
    def geometry(self) -> Geometry:
        if self._geometry is None:
            self._geometry = Geometry(self.places)
        return self._geometry


class Geometry:
    """The located candidates (``located``: their indexes; ``points``: (lat, lon)) as unit vectors
    (``nearest_km_many``) and as radians with half-angle sines and cosines (``_rough_km_matrix``)."""

    __slots__ = ("located", "points", "units", "radians")

    def __init__(self, places: Sequence[Place]) -> None:
        self.located = [i for i, place in enumerate(places) if place.lat is not None]
        self.points = [(places[i].lat, places[i].lon) for i in self.located]
        lats = np.array([p[0] for p in self.points], dtype=float)
        lons = np.array([p[1] for p in self.points], dtype=float)
        self.units = unit_vectors(lats, lons)
        self.radians = _Radians(lats, lons)


Clues = tuple[float, float, float, float]  # a candidate's country, region, nearness and support evidence


class _Radians:
    """Points prepared for ``_rough_km_matrix``: latitudes and longitudes in radians, the half-angle
    sine and cosine of the latitudes (as ``PointArrays`` keeps them)."""

    __slots__ = ("lat", "lon", "cos_half", "sin_half")

    def __init__(self, lats: np.ndarray, lons: np.ndarray) -> None:
        self.lat, self.lon = np.radians(lats), np.radians(lons)
        self.cos_half, self.sin_half = np.cos(self.lat / 2), np.sin(self.lat / 2)


def _rough_km_matrix(to: _Radians, source: _Radians) -> np.ndarray:
    """``PointArrays.rough_km_to`` from each of the ``source`` points at once, a row of distances to the
    ``to`` points per source point: the same formula, broadcast, so within the same bound of ``rough_km``."""
    lat, lon = source.lat[:, None], source.lon[:, None]
    dlon = np.abs(to.lon - lon)
    dlon = np.minimum(dlon, 2 * math.pi - dlon)
    x = dlon * (to.cos_half * source.cos_half[:, None] - to.sin_half * source.sin_half[:, None])
    y = to.lat - lat
    return EARTH_RADIUS_KM * np.sqrt(x * x + y * y)


class PlaceClues:
    """Nearness and support of a place, remembered per context (an lru_cache each, made on first use)."""

    _nearness = _support = None
    _weighed: dict[Candidates, list[Clues]] | None = None  # a fixed context's weighings (DocumentPlaces)

    def weigh(self, candidates: Candidates, *, exact: bool = False) -> list[Clues]:
        """What the document says for each candidate, as (country, region, nearness, support) evidence,
        0.0 where it says nothing (``exact``: the support summed straightforwardly). A fixed context
        weighs the same candidates once (a name's mentions share its context)."""
        weighed = self._weighed
        if weighed is None or exact:
            return self._weigh(candidates, exact)
        found = weighed.get(candidates)
        if found is None:
            found = weighed[candidates] = self._weigh(candidates, exact)
        return found

    def evidence(self, candidates: Candidates, *, exact: bool = False) -> list[float]:
        """``weigh``'s four evidences of each candidate added up, in that order."""
        return [country + region + nearness + support
                for country, region, nearness, support in self.weigh(candidates, exact=exact)]

    def _weigh(self, candidates: Candidates, exact: bool) -> list[Clues]:
        w = place_weights().evidence
        countries, regions = self.countries, self.regions
        places = candidates.places
        nearness = support = {}
        has_points, has_neighbours = self.has_points, self.has_neighbours
        if has_points or has_neighbours:
            geometry = candidates.geometry
            if geometry.points and has_points:
                nearness = dict(zip(geometry.located, (w.nearness * math.exp(-d / w.nearness_km)
                                                       for d in self.point_set().nearest_km_many(geometry))))
            if geometry.points and has_neighbours:
                neighbours = self.neighbour_set()
                found = ([neighbours.exact_support(*p) for p in geometry.points] if exact
                         else neighbours.support_many(geometry))
                support = dict(zip(geometry.located, found))
        return [(
            min(w.country_cap, w.country_mention * countries.get(place.country, 0)),
            w.region if place.admin1 and (place.country, place.admin1) in regions else 0.0,
            nearness.get(i, 0.0),
            support.get(i, 0.0),
        ) for i, place in enumerate(places)]

    def _nearness_at(self, point: Point) -> float:
        w = place_weights().evidence
        return w.nearness * math.exp(-self.point_set().nearest_km(point) / w.nearness_km)

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
                 neighbours: Neighbours) -> None:
        self.countries, self.regions, self._counted = countries, regions, points
        self._points: PointSet | None = None
        self._neighbours = neighbours
        self._weighed = {}

    def point_set(self) -> PointSet:
        if self._points is None:
            self._points = PointSet(self._counted)
        return self._points

    def neighbour_set(self) -> Neighbours:
        return self._neighbours

    @property
    def has_points(self) -> bool:
        return bool(self._counted)
