#!/bin/sh
# Starts the city data API the one way `make run` and the image use (PYTHON: the interpreter, default
# python on PATH): migrate the schema, import the shipped sample when CITYAPI_SAMPLE_DATA=true (it upserts, so a
# restart re-imports without doubling anything and moves the sample events to the current weeks),
# then serve on CITYAPI_HOST:CITYAPI_PORT.
set -eu
cd "$(dirname "$0")/.."
py="${PYTHON:-python}"
"$py" -m cityapi migrate
if [ "${CITYAPI_SAMPLE_DATA:-false}" = "true" ]; then
  "$py" -m cityapi import sample
fi
exec "$py" -m cityapi serve
