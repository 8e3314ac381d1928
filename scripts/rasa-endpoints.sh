#!/usr/bin/env bash
# Usage: scripts/rasa-endpoints.sh OUTFILE — writes Rasa's endpoints file from the environment, so that
# `make run`, the tests and the containers configure Rasa the same way:
#   ACTION_ENDPOINT_URL     the action server's webhook (default http://127.0.0.1:$ACTIONS_PORT/webhook)
#   RASA_TRACKER_STORE_URL  where conversations are kept: sqlite:///ABSOLUTE/PATH (default
#                           var/rasa-tracker.sqlite3 in the checkout) or postgresql://USER:PW@HOST:PORT/DB
#                           (the database must exist; it gets Rasa's own `events` table, so give Rasa a
#                           database of its own, not the city data API's)
#   RASA_LOCK_STORE_URL     redis://[:PASSWORD@]HOST:PORT/DB for Rasa's lock store when several Rasa
#                           instances share one tracker store (default: Rasa's in-memory lock store)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?the file to write}"
action_url="${ACTION_ENDPOINT_URL:-http://127.0.0.1:${ACTIONS_PORT:-5055}/webhook}"
tracker_url="${RASA_TRACKER_STORE_URL:-sqlite:///$ROOT/var/rasa-tracker.sqlite3}"
lock_url="${RASA_LOCK_STORE_URL:-}"

fail() { echo "rasa-endpoints: $*" >&2; exit 2; }

{
  printf 'action_endpoint:\n  url: "%s"\n' "$action_url"
  case "$tracker_url" in
    sqlite:///*)
      db="${tracker_url#sqlite:///}"
      [[ "$db" == /* ]] || db="/$db"  # sqlite:////abs and sqlite:///abs both mean an absolute path
      mkdir -p "$(dirname "$db")"
      printf 'tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: "%s"\n' "$db"
      ;;
    postgresql://* | postgresql+*://* | postgres://*)
      # Rasa's tracker store uses synchronous SQLAlchemy with psycopg2: drop an async driver name.
      url="postgresql://${tracker_url#*://}"
      printf 'tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: "%s"\n' "$url"
      ;;
    *) fail "RASA_TRACKER_STORE_URL must start with sqlite:/// or postgresql:// (got another scheme)" ;;
  esac
  if [ -n "$lock_url" ]; then
    [[ "$lock_url" == redis://* ]] || fail "RASA_LOCK_STORE_URL must start with redis://"
    rest="${lock_url#redis://}"
    password=""
    if [[ "$rest" == *@* ]]; then
      password="${rest%%@*}"; password="${password#*:}"; rest="${rest#*@}"
    fi
    hostport="${rest%%/*}"
    db="0"; [[ "$rest" == */* ]] && db="${rest#*/}"
    host="${hostport%%:*}"; port="6379"; [[ "$hostport" == *:* ]] && port="${hostport##*:}"
    printf 'lock_store:\n  type: redis\n  url: "%s"\n  port: %s\n  db: %s\n' "$host" "$port" "${db:-0}"
    if [ -n "$password" ]; then printf '  password: "%s"\n' "$password"; fi
  fi
} >"$out.tmp"
mv "$out.tmp" "$out"
