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


def within(
    lat: float, lon: float, radius_m: float, points: list[tuple[float, float]]
) -> list[float | None]:
    """Haversine distance of each point, or None when it lies beyond the radius (a hot loop)."""
    rad = math.radians
    sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
    p1 = rad(lat)
    cos1 = cos(p1)
    diameter = 2 * EARTH_RADIUS_M
    out: list[float | None] = []
    for plat, plon in points:
        p2 = rad(plat)
        a = sin((p2 - p1) / 2) ** 2 + cos1 * cos(p2) * sin(rad(plon - lon) / 2) ** 2
        d = diameter * asin(min(1.0, sqrt(a)))
        out.append(d if d <= radius_m else None)
    return out


def bbox(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle, a little generous."""
    dlat = radius_m / _M_PER_DEG_LAT * 1.01
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = radius_m / (_M_PER_DEG_LAT * cos_lat) * 1.01
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
