#!/usr/bin/env bash
# Usage: scripts/venv.sh app|rasa|synapse  — makes sure the virtual environment for that runtime
# exists (built from its lock file, cached outside the clone) and prints its directory.
source "$(dirname "$0")/env.sh"
kind="${1:?app, rasa or synapse}"
case "$kind" in
  app) lock="requirements/app.lock"; py="$(find_python_app)" ;;
  rasa) lock="requirements/rasa.lock"; py="$(find_python310)" ;;
  synapse) lock="requirements/synapse.lock"; py="$(find_python_app)" ;;
  *) echo "unknown runtime: $kind" >&2; exit 2 ;;
esac
dir="$CACHE_DIR/venv-$kind-$(hash_files "$lock")"
if [ ! -f "$dir/.complete" ]; then
  exec 9>"$dir.lock"
  flock 9
  if [ ! -f "$dir/.complete" ]; then
    uv="$(uv_bin)"
    echo "Setting up the $kind environment in $dir (once per lock file)..." >&2
    rm -rf "$dir"
    "$uv" venv -q -p "$py" "$dir" >&2
    VIRTUAL_ENV="$dir" "$uv" pip sync -q -p "$dir/bin/python" "$ROOT/$lock" >&2
    touch "$dir/.complete"
  fi
fi
echo "$dir"
