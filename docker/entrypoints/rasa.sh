#!/usr/bin/env bash
# Rasa's container entry (tests/docker runs it directly, with RASA_BIN set to a venv's): write the
# endpoints file from the environment (scripts/rasa-endpoints.sh: action server, tracker store, lock
# store), then run the server with the model. RASA_AUTH_TOKEN, when set, protects Rasa's HTTP API;
# give the gateway the same value as RASA_TOKEN.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
endpoints="${RASA_ENDPOINTS:-$here/var/endpoints.yml}"
mkdir -p "$(dirname "$endpoints")"
"$here/scripts/rasa-endpoints.sh" "$endpoints"
args=(run --enable-api --interface "${RASA_INTERFACE:-0.0.0.0}" --port "${RASA_PORT:-5005}"
      --model "${RASA_MODEL:?the trained model}" --endpoints "$endpoints"
      --credentials "$here/credentials.yml")
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then
  args+=(--auth-token "$RASA_AUTH_TOKEN")
fi
exec "${RASA_BIN:-rasa}" "${args[@]}"
