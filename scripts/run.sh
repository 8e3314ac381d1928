#!/usr/bin/env bash
# `make run`: set everything up (environments, database with the sample data, the Rasa model) and start
# the whole assistant under one process supervisor (honcho): city data API, action server, Rasa and
# the gateway. Prints the web chat's address once everything answers; Ctrl-C stops every part.
SMILE_START_TIME="$(date +%s.%N)"
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/system-deps.sh"
app="$("$ROOT/scripts/venv.sh" app)"
rasa_venv="$("$ROOT/scripts/venv.sh" rasa)"
RASA_MODEL="$("$ROOT/scripts/model.sh")"
mkdir -p "$ROOT/var"

export SMILE_START_TIME APP_VENV="$app" RASA_VENV="$rasa_venv" RASA_MODEL PYTHONUNBUFFERED=1
export CITYAPI_PORT="${CITYAPI_PORT:-8000}" ACTIONS_PORT="${ACTIONS_PORT:-5055}"
export RASA_PORT="${RASA_PORT:-5005}" GATEWAY_HOST="${GATEWAY_HOST:-127.0.0.1}"
export GATEWAY_PORT="${GATEWAY_PORT:-8080}"
export DATABASE_URL="${DATABASE_URL:-sqlite:///$ROOT/var/cityapi.sqlite3}"
export GATEWAY_DATABASE_URL="${GATEWAY_DATABASE_URL:-sqlite:///$ROOT/var/gateway.sqlite3}"
export CITYAPI_URL="${CITYAPI_URL:-http://127.0.0.1:$CITYAPI_PORT}"
# Ortsbeirat meetings of the next weeks are announced to the districts' participation subscribers
export COUNCIL_NOTICES="${COUNCIL_NOTICES:-on}"
export RASA_URL="${RASA_URL:-http://127.0.0.1:$RASA_PORT}"
export ACTION_SERVER_HEALTH="http://127.0.0.1:$ACTIONS_PORT/health"
# Rasa (scripts/serve-rasa.sh) keeps conversations in its SQL tracker store, var/rasa-tracker.sqlite3
# unless RASA_TRACKER_STORE_URL says otherwise, so a restart of Rasa continues every conversation.
export RASA_ENDPOINTS="$ROOT/var/endpoints.yml" ACTION_ENDPOINT_URL="http://127.0.0.1:$ACTIONS_PORT/webhook"
# the gateway reaches the same store to delete a person's conversation on request
export RASA_TRACKER_STORE_URL="${RASA_TRACKER_STORE_URL:-sqlite:///$ROOT/var/rasa-tracker.sqlite3}"
# Rasa's HTTP API can read and rewrite conversations and replace the model: it always runs behind
# a token, made for this run unless RASA_AUTH_TOKEN is given, and handed to the gateway.
RASA_AUTH_TOKEN="${RASA_AUTH_TOKEN:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')}"
export RASA_AUTH_TOKEN RASA_TOKEN="${RASA_TOKEN:-$RASA_AUTH_TOKEN}"
# The action server files reports through the city data API's Open311 with a key the two share;
# made for this run unless given.
CITYAPI_OPEN311_API_KEY="${CITYAPI_OPEN311_API_KEY:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')}"
export CITYAPI_OPEN311_API_KEY CITYAPI_OPEN311_API_KEYS="${CITYAPI_OPEN311_API_KEYS:-$CITYAPI_OPEN311_API_KEY}"
# The city data API's staff endpoints; the gateway reads their feed of report status changes
# with the same token to tell reporters who asked.
CITYAPI_STAFF_TOKEN="${CITYAPI_STAFF_TOKEN:-$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')}"
export CITYAPI_STAFF_TOKEN

# Speech models: fetched once when absent (make models); offline, the assistant starts without
# voice input and says so, while written and spoken answers still work.
"$app/bin/python" -m bot.voice.models download --if-missing ||
  echo "Speech models could not be downloaded: voice input stays off until 'make models' succeeds." >&2

# The city data API migrates and imports the sample data itself (Procfile), while Rasa loads.
echo "Starting the city data API, actions, Rasa and the gateway (Rasa takes about a minute)..." >&2
exec "$app/bin/honcho" -f "$ROOT/Procfile" -d "$ROOT" start
