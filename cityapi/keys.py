"""The resources the application shares with its handlers (and the Open311 sub-application)."""

from __future__ import annotations

from aiohttp import web

from cityapi.db import Database
from cityapi.districts import DistrictRegistry
from cityapi.geocoder import Geocoder
from cityapi.open311.forward import Forwarder
from cityapi.settings import CityApiSettings

SETTINGS = web.AppKey("settings", CityApiSettings)
DISTRICTS = web.AppKey("districts", DistrictRegistry)
DATABASE = web.AppKey("database", Database)
FORWARDER = web.AppKey("forwarder", Forwarder)  # only when CITYAPI_OPEN311_FORWARD_URL is set
GEOCODER = web.AppKey("geocoder", Geocoder)  # only when CITYAPI_GEOCODER_URL is set
