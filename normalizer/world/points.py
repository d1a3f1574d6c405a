"""A document's points and neighbours as the world layer weighs a name's candidates against them.

``PointSet`` (nearness: the distance to the nearest resolved point, exactly) and ``Neighbours``
(support: what the other place names of the document say) keep their points (beyond a few) in numpy
arrays, and weigh all of a name's candidates (``Candidates``, their points prepared once in a
``Geometry``) in one matrix operation each, not a Python loop over candidates and neighbours.
``context.py`` says how exact each is.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import accumulate

import numpy as np

from .distance import EARTH_RADIUS_KM, PointArrays, closest, km, rough_km, unit_vector, unit_vectors
from .index import Place
from .weights import place_weights

Point = tuple[float, float]
Unit = tuple[float, float, float]  # a point on the unit sphere (distance.unit_vector)

NEAREST_SMALL = 8  # points up to which a plain loop finds the nearest faster than numpy
CLOSEST_SLACK = 1e-6  # distance.closest's slack: dot products this close to the largest may be the nearest
SMALL = 8  # neighbour points up to which the plain (exact) sum is about as fast as numpy's
# Bounds of the vectorized support's error: per term (a few units in the last place, far below this)
# and per term and unit of the sum (rounding while summing, and taking a left-out group's term off again).
TERM_ERROR = 1e-11
SUM_ERROR = 1e-15
# The bound of the vectorized nearness's error, in units of the ``nearness`` weight. The chord of two unit
# vectors is good to some 1e-15, so a distance to some 1e-11 km (1e-9 km within 100 km of the antipode,
# where exp(-distance / nearness_km) is below 1e-28), as is ``km``'s haversine; the term's slope is at
# most 1 / nearness_km per km.
NEARNESS_ERROR = 1e-12


def nearness_evidence(distance_km: float) -> float:
    """The ``nearness`` evidence of a place ``distance_km`` from the nearest point the document resolved:
    the ``nearness`` weight, falling off as exp(-distance / ``nearness_km``)."""
    w = place_weights().evidence
    return w.nearness * math.exp(-distance_km / w.nearness_km)


class PointSet:
    """Points a document resolved; the distance from a place to the nearest of them, exactly. ``units``:
    unit vectors of points already computed (the document's), filled with those of these points."""

    def __init__(self, points: Sequence[Point], units: dict[Point, Unit] | None = None) -> None:
        self.points = list(points)
        self.size = len(self.points)
        self._known = units
        self._units: np.ndarray | None = None

    def units(self) -> np.ndarray:
        """The points' unit vectors, as rows (made once)."""
        if self._units is None:
            known = self._known
            if known is None:
                self._units = unit_vectors(np.array([p[0] for p in self.points], dtype=float),
                                           np.array([p[1] for p in self.points], dtype=float))
            else:
                for point in self.points:
                    if point not in known:
                        known[point] = unit_vector(*point)
                self._units = np.array([known[point] for point in self.points], dtype=float)
        return self._units

    def nearest_km(self, point: Point) -> float:
        """``min(km(point, p) for p in points)``, the same float."""
        if self.size <= NEAREST_SMALL:
            return min(km(point, p) for p in self.points)
        return min(km(point, self.points[i]) for i in closest(point, self.units()))

    def nearest_km_many(self, geometry: Geometry) -> list[float]:
        """``nearest_km`` of each of the ``geometry``'s points, the same floats: one matrix of dot
        products picks, for every point, the few that may be nearest (as ``closest`` does for one),
        ``km`` decides."""
        points = geometry.points
        if len(points) * self.size <= NEAREST_SMALL:
            return [self.nearest_km(point) for point in points]
        dots = geometry.units @ self.units().T
        rows, columns = np.nonzero(dots >= dots.max(axis=1, keepdims=True) - CLOSEST_SLACK)
        nearest = [math.inf] * len(points)
        mine = self.points
        for row, column in zip(rows.tolist(), columns.tolist()):
            d = km(points[row], mine[column])
            if d < nearest[row]:
                nearest[row] = d
        return nearest

    def nearness_many(self, geometry: Geometry, *, exact: bool = False) -> list[float]:
        """``nearness_evidence`` of each of the ``geometry``'s points at its ``nearest_km``, within ``NEARNESS_ERROR``
        (``exact``: from ``nearest_km_many``, the same floats). Beyond a few points, from one array of chord lengths
        (the straight line through the sphere between two unit vectors: no ``km`` per pair)."""
        if exact or len(geometry.points) * self.size <= NEAREST_SMALL:
            return list(map(nearness_evidence, self.nearest_km_many(geometry)))
        w = place_weights().evidence
        between = geometry.units[:, None, :] - self.units()[None, :, :]
        chords = np.sqrt(np.einsum("ijk,ijk->ij", between, between).min(axis=1))
        distances = (2 * EARTH_RADIUS_KM) * np.arcsin(np.minimum(1.0, chords / 2))
        return (w.nearness * np.exp(-distances / w.nearness_km)).tolist()


class Neighbours:
    """Other place names of a document, each as the points it may denote (``neighbour_points``), in
    document order; ``keys`` (one per group, all different) let one be left out (``leaving_out``).
    What each group says for a name's candidates (a term per candidate and group) is computed once per
    candidates' ``Geometry`` and shared by the copies that leave a group out: a name is weighed in
    several passes and contexts of a document."""

    def __init__(self, groups: Sequence[tuple[Point, ...]], keys: Sequence[str] = ()) -> None:
        kept = [(g, key) for g, key in zip(groups, keys or [None] * len(groups)) if g]
        self.groups = [g for g, _ in kept]
        self._index = {key: i for i, (_, key) in enumerate(kept) if key is not None}
        self._skip: int | None = None
        self._terms: dict[Geometry, tuple[np.ndarray, np.ndarray]] = {}  # support_many's terms and their sums
        self._exact_terms: dict[Geometry, list[list[float]]] = {}  # exact_support_many's
        self.count = len(self.groups)
        sizes = [len(g) for g in self.groups]
        self._radians: _Radians | None = None  # the points, for the vectorized support (beyond SMALL of them)
        self._arrays: PointArrays | None = None  # the same for ``support`` (one place), made on its first use
        if sum(sizes) > SMALL:
            flat = [p for g in self.groups for p in g]
            self._starts = np.array([0, *accumulate(sizes[:-1])], dtype=np.intp)  # where each group begins
            self._lats, self._lons = np.array([p[0] for p in flat], dtype=float), np.array([p[1] for p in flat])
            self._radians = _Radians(self._lats, self._lons)

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
        if self._radians is None:
            return 0.0
        return place_weights().evidence.support * self.count * (TERM_ERROR + SUM_ERROR * self.count)

    def support(self, lat: float, lon: float) -> float:
        """What the neighbours say for a place at (lat, lon), within ``error`` of ``exact_support``."""
        if self._radians is None:
            return self.exact_support(lat, lon)
        w = place_weights().evidence
        if self._arrays is None:
            self._arrays = PointArrays(self._lats, self._lons)
        terms = np.exp(-np.minimum.reduceat(self._arrays.rough_km_to(lat, lon), self._starts) / w.support_km)
        if self._skip is not None:
            terms[self._skip] = 0.0
        return min(w.support_cap, w.support * float(terms.sum()))

    def support_many(self, geometry: Geometry) -> list[float]:
        """``support`` at each of the ``geometry``'s points, each within ``error`` of ``exact_support``:
        one matrix of distances (a row per point, ``_rough_km_matrix``) instead of one pass per point."""
        if self._radians is None:
            return self.exact_support_many(geometry)
        w = place_weights().evidence
        found = self._terms.get(geometry)
        if found is None:
            distances = _rough_km_matrix(self._radians, geometry.radians)
            terms = np.exp(-np.minimum.reduceat(distances, self._starts, axis=1) / w.support_km)
            found = self._terms[geometry] = (terms, terms.sum(axis=1))
        terms, totals = found
        if self._skip is not None:  # the left-out group's terms taken off again: one more rounding per sum
            totals = totals - terms[:, self._skip]
        return np.minimum(w.support_cap, w.support * totals).tolist()

    def exact_support_many(self, geometry: Geometry) -> list[float]:
        """``exact_support`` at each of the ``geometry``'s points, the same floats (the same terms, summed
        in the same order)."""
        w = place_weights().evidence
        terms = self._exact_terms.get(geometry)
        if terms is None:
            terms = self._exact_terms[geometry] = [
                [math.exp(-min(rough_km(lat, lon, p) for p in points) / w.support_km) for points in self.groups]
                for lat, lon in geometry.points]
        skip = self._skip
        if skip is None:
            return [min(w.support_cap, w.support * sum(row)) for row in terms]
        return [min(w.support_cap, w.support * sum(row[:skip] + row[skip + 1 :])) for row in terms]

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

    __slots__ = ("places", "_geometry", "_keys")

    def __init__(self, places: Sequence[Place]) -> None:
        self.places = places
        self._geometry: Geometry | None = None
        self._keys: tuple[list, list] | None = None

    @property
    def geometry(self) -> Geometry:
        if self._geometry is None:
            self._geometry = Geometry(self.places)
        return self._geometry

    @property
    def keys(self) -> tuple[list[str], list[tuple[str, str] | None]]:
        """Each candidate's country, and its (country, first-level region) or None where it has no region:
        what a context's countries and regions are looked up by."""
        if self._keys is None:
            places = self.places
            self._keys = ([place.country for place in places],
                          [(place.country, place.admin1) if place.admin1 else None for place in places])
        return self._keys


class Geometry:
    """The located candidates (``located``: their indexes; ``points``: (lat, lon)) as unit vectors
    (``nearest_km_many``, ``nearness_many``) and as radians with half-angle sines and cosines
    (``_rough_km_matrix``)."""

    __slots__ = ("located", "points", "units", "radians")

    def __init__(self, places: Sequence[Place]) -> None:
        self.located = [i for i, place in enumerate(places) if place.lat is not None]
        self.points = [(places[i].lat, places[i].lon) for i in self.located]
        lats = np.array([p[0] for p in self.points], dtype=float)
        lons = np.array([p[1] for p in self.points], dtype=float)
        self.units = unit_vectors(lats, lons)
        self.radians = _Radians(lats, lons)

    def spread(self, values: list[float], count: int) -> list[float]:
        """The ``values`` of the located candidates as one per candidate (of ``count``), 0.0 for the others."""
        if len(values) == count:
            return values
        out = [0.0] * count
        for i, value in zip(self.located, values):
            out[i] = value
        return out




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
