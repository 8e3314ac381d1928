"""Distances on the earth's surface and bounding boxes for a fast index prefilter."""

from __future__ import annotations

import math

EARTH_RADIUS_M = 6_371_008.8
_M_PER_DEG_LAT = 111_320.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bbox(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle, a little generous."""
    dlat = radius_m / _M_PER_DEG_LAT * 1.01
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = radius_m / (_M_PER_DEG_LAT * cos_lat) * 1.01
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
