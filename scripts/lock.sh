#!/usr/bin/env bash
# Re-resolves the lock files from pyproject.toml and requirements/*.in.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
uv="$(uv_bin)"
"$uv" pip compile -q pyproject.toml --extra dev --python-version 3.11 -o requirements/app.lock
# what the gateway and city data API images install: the same pins, without the test tools
"$uv" pip compile -q pyproject.toml --python-version 3.11 -o requirements/app-runtime.lock \
    --constraint requirements/app.lock
"$uv" pip compile -q requirements/rasa.in --python-version 3.10 -o requirements/rasa.lock
"$uv" pip compile -q requirements/synapse.in --python-version 3.11 -o requirements/synapse.lock
echo "Lock files updated in requirements/." >&2
