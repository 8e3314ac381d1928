"""Start the gateway: `python -m bot` (settings from the environment, see .env.example)."""

from __future__ import annotations

import logging
import os
import sys

from aiohttp import web

from bot import logs
from bot.app import create_app
from bot.settings import GatewaySettings, SettingsError


def main() -> int:
    """Read the settings once, build the app and serve it until interrupted."""
    env = dict(os.environ)
    try:
        settings = GatewaySettings.from_env(env)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    logs.configure(settings.log_level, settings.log_format)
    app = create_app(settings, env)
    web.run_app(
        app,
        host=settings.host,
        port=settings.port,
        print=lambda _text: logging.getLogger("bot").info(
            "web chat on http://%s:%s/", settings.host, settings.port
        ),
        access_log=None,
        shutdown_timeout=5.0,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
