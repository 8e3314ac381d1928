#!/usr/bin/env bash
# `make run`: set everything up (environments, database with the sample data, the Rasa model) and start
# the whole assistant under one process supervisor (honcho). Ctrl-C stops every part.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/system-deps.sh"
app="$("$ROOT/scripts/venv.sh" app)"
export APP_VENV="$app"
mkdir -p "$ROOT/var"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$ROOT/var/cityapi.sqlite3}"
echo "Preparing the city data (migrations, sample data)..." >&2
"$app/bin/python" -m cityapi migrate
"$app/bin/python" -m cityapi import sample
exec "$app/bin/honcho" -f "$ROOT/Procfile" start
