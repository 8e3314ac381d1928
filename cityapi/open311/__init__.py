"""Open311 GeoReport v2: citizens' barrier reports and ideas, kept here and optionally forwarded."""
