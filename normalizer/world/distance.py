"""Great-circle distance, the one measure of nearness the package uses (scoring, context, data)."""
from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0
# Two towns this close are neighbours: a town the document does not place itself counts as one of its
# places when it lies this near another (pipeline/nearby.py; nested names, pipeline/geoparse.py).
NEAR_KM = 50.0


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance in kilometres between two (lat, lon) points in degrees."""
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def rough_km(lat: float, lon: float, point: tuple[float, float]) -> float:
    """Equirectangular distance: cheap, and within 1 % of the great circle at the scale it is used
    (the tens of kilometres that tell a town's namesakes apart)."""
    dlon = (point[1] - lon + 180.0) % 360.0 - 180.0  # across the antimeridian too
    x = math.radians(dlon) * math.cos(math.radians((lat + point[0]) / 2))
    return EARTH_RADIUS_KM * math.hypot(x, math.radians(point[0] - lat))


def unit_vector(lat: float, lon: float) -> tuple[float, float, float]:
    """The point on the unit sphere: the larger the dot product of two, the shorter the great circle."""
    la, lo = math.radians(lat), math.radians(lon)
    return math.cos(la) * math.cos(lo), math.cos(la) * math.sin(lo), math.sin(la)


def unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """``unit_vector`` of many points, as rows."""
    la, lo = np.radians(lats), np.radians(lons)
    return np.stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)], axis=1)


def closest(point: tuple[float, float], units: np.ndarray, among: np.ndarray | None = None,
            slack: float = 1e-6) -> list[int]:
    """The rows of ``units`` (those ``among`` marks, if given) that may be nearest to ``point`` by
    ``km``: the largest dot product and those within ``slack`` of it (some 40 m at 1,000 km, 9 km
    at 0: far more than the rounding of ``km`` or of the dot products)."""
    dot = units @ np.array(unit_vector(*point))
    if among is not None:
        dot = np.where(among, dot, -2.0)
    return np.flatnonzero(dot >= dot.max() - slack).tolist()


class PointArrays:
    """Many (lat, lon) points, prepared once for vectorized ``rough_km`` from one point at a time.

    The vectorized distances are not ``rough_km``'s floats (numpy's cos may round differently, the
    formula is rearranged) but within 1e-10 km plus 1e-14 of the distance of them: callers bound
    what that changes.
    """

    def __init__(self, lats: np.ndarray, lons: np.ndarray) -> None:
        self.size = len(lats)
        lat, lon = np.radians(lats), np.radians(lons)
        self._lat, self._lon = lat, lon
        self._cos_half, self._sin_half = np.cos(lat / 2), np.sin(lat / 2)

    def rough_km_to(self, lat: float, lon: float) -> np.ndarray:
        """``rough_km(lat, lon, p)`` for every point p: the cosine of the mean latitude from the
        half-angle identity, the longitude difference folded into [0, pi]."""
        lat_r, lon_r = math.radians(lat), math.radians(lon)
        dlon = np.abs(self._lon - lon_r)
        dlon = np.minimum(dlon, 2 * math.pi - dlon)
        x = dlon * (self._cos_half * math.cos(lat_r / 2) - self._sin_half * math.sin(lat_r / 2))
        y = self._lat - lat_r
        return EARTH_RADIUS_KM * np.sqrt(x * x + y * y)
