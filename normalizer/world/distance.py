"""Great-circle distance, the one measure of nearness the package uses (scoring, context, data)."""
from __future__ import annotations

import math

EARTH_RADIUS_KM = 6371.0


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
