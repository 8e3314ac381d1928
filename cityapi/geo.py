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
    # Same formula as haversine_m, with the per-call constants hoisted out of the loop.
    sin, cos, asin, sqrt = math.sin, math.cos, math.asin, math.sqrt
    half_rad = math.pi / 360  # degrees to radians, halved
    p1 = lat * half_rad * 2
    cos1 = cos(p1)
    diameter = 2 * EARTH_RADIUS_M
    # Beyond this haversine value a point is outside the radius: skip asin and sqrt for it.
    limit = sin(min(radius_m / diameter, math.pi / 2)) ** 2
    out: list[float | None] = []
    append = out.append
    for plat, plon in points:
        a = (
            sin((plat - lat) * half_rad) ** 2
            + cos1 * cos(plat * half_rad * 2) * sin((plon - lon) * half_rad) ** 2
        )
        if a > limit:
            append(None)
        else:
            append(diameter * asin(sqrt(a)))
    return out


def bbox(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing the circle, a little generous."""
    dlat = radius_m / _M_PER_DEG_LAT * 1.01
    cos_lat = max(math.cos(math.radians(lat)), 0.01)
    dlon = radius_m / (_M_PER_DEG_LAT * cos_lat) * 1.01
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
