#!/usr/bin/env bash
# Starts Rasa the one way `make run`, the tests and the Rasa image all use: write the endpoints file
# from the environment (scripts/rasa-endpoints.sh: action server, tracker store, lock store), then
# run the server with RASA_MODEL. RASA_AUTH_TOKEN, when set, protects Rasa's HTTP API (the gateway
# gets the same value as RASA_TOKEN); RASA_BIN is the rasa program (default: rasa on PATH), whose
# Python runs Rasa's command line through scripts/rasa_server.py (its JSON schemas checked once,
# not per action call).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
endpoints="${RASA_ENDPOINTS:-$here/var/endpoints.yml}"
mkdir -p "$(dirname "$endpoints")"
"$here/scripts/rasa-endpoints.sh" "$endpoints"
# the model's pipeline imports the project's own component (nlu/components/), wherever Rasa runs from
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
args=(run --enable-api --interface "${RASA_INTERFACE:-0.0.0.0}" --port "${RASA_PORT:-5005}"
      --model "${RASA_MODEL:?the trained model}" --endpoints "$endpoints"
      --credentials "$here/credentials.yml")
if [ -n "${RASA_AUTH_TOKEN:-}" ]; then
  args+=(--auth-token "$RASA_AUTH_TOKEN")
fi
rasa_bin="$(command -v "${RASA_BIN:-rasa}")"
python="$(sed -n '1s/^#! *//p' "$rasa_bin")"  # the interpreter of the rasa program's venv
[ -x "$python" ] || python="$(dirname "$rasa_bin")/python"
exec "$python" "$here/scripts/rasa_server.py" "${args[@]}"
