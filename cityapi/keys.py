"""The resources the application shares with its handlers (and the Open311 sub-application)."""

from __future__ import annotations

from aiohttp import web

from cityapi.db import Database
from cityapi.districts import DistrictRegistry
from cityapi.settings import CityApiSettings

SETTINGS = web.AppKey("settings", CityApiSettings)
DISTRICTS = web.AppKey("districts", DistrictRegistry)
DATABASE = web.AppKey("database", Database)
