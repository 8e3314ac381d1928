"""Command line: `python -m cityapi migrate | import … | serve`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from datetime import datetime
from pathlib import Path

from aiohttp import web

from cityapi import logs
from cityapi.hours import BERLIN
from cityapi.importers.records import ImportFileError, ImportReport
from cityapi.settings import CityApiSettings

log = logging.getLogger("cityapi")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m cityapi", description="Rostock's city data API"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="create or upgrade the database schema (Alembic)")
    imp = sub.add_parser(
        "import", help="import data: sample | toiletten | geojson | ical | jsonld | oparl"
    )
    imp.add_argument("kind", choices=["sample", "toiletten", "geojson", "ical", "jsonld", "oparl"])
    imp.add_argument(
        "file", nargs="?", help="the file to import, or for oparl the System URL (not for sample)"
    )
    imp.add_argument("--type", dest="place_type", help="place type of a GeoJSON file")
    imp.add_argument(
        "--source", help="source name stored with each record (default from kind and file)"
    )
    imp.add_argument("--today", help="sample only: the day events are placed around (YYYY-MM-DD)")
    imp.add_argument(
        "--full",
        action="store_true",
        help="oparl only: read everything, not only changes, and remove what is no longer listed",
    )
    serve = sub.add_parser("serve", help="serve the HTTP API")
    serve.add_argument("--host", help="default CITYAPI_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default CITYAPI_PORT or 8000")
    return parser


def _print_report(report: ImportReport) -> None:
    print(report.summary())
    for problem in report.problems[:50]:
        print(f"  {problem}")
    if len(report.problems) > 50:
        print(f"  … and {len(report.problems) - 50} more")


def _import(settings: CityApiSettings, args: argparse.Namespace) -> int:
    from cityapi.districts import DistrictRegistry
    from cityapi.importers.oparl_runner import import_oparl_http, load_areas
    from cityapi.importers.runner import import_sample, run_import

    districts = DistrictRegistry.load(settings.data_dir / "districts")
    try:
        if args.kind == "sample":
            today = (
                datetime.fromisoformat(args.today).date()
                if args.today
                else datetime.now(BERLIN).date()
            )
            reports = import_sample(settings.database_url, settings.data_dir, districts, today)
        elif args.kind == "oparl":
            if not args.file or not args.file.startswith(("http://", "https://")):
                print("import oparl needs the OParl System URL (http or https)", file=sys.stderr)
                return 2
            reports = asyncio.run(
                import_oparl_http(
                    settings.database_url,
                    args.file,
                    load_areas(settings.data_dir, districts),
                    full=args.full,
                )
            )
        else:
            if args.file is None:
                print(f"import {args.kind} needs a file", file=sys.stderr)
                return 2
            reports = [
                run_import(
                    settings.database_url,
                    args.kind,
                    Path(args.file),
                    districts,
                    source=args.source,
                    place_type=args.place_type,
                )
            ]
    except ImportFileError as exc:
        print(f"import failed, nothing was changed: {exc}", file=sys.stderr)
        return 1
    for report in reports:
        _print_report(report)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code says whether it worked."""
    args = _parser().parse_args(argv)
    settings = CityApiSettings()
    logs.configure(settings.log_format)
    if args.command == "migrate":
        from cityapi.migrate import upgrade

        upgrade(settings.database_url)
        print("database schema is up to date")
        return 0
    if args.command == "import":
        return _import(settings, args)
    import uvloop  # a faster event loop for the server only; tests run on asyncio's own

    from cityapi.app import create_app

    host = args.host or settings.host
    port = args.port or settings.port
    web.run_app(
        create_app(settings),
        host=host,
        port=port,
        access_log=None,  # the middleware logs requests without their query (cityapi/metrics.py)
        print=lambda _msg: log.info("city data API on http://%s:%s", host, port),
        handler_cancellation=True,
        max_line_size=256 * 1024,  # longer URLs still get our JSON 413, not a parser error
        max_field_size=64 * 1024,
        loop=uvloop.new_event_loop(),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
