#!/usr/bin/env bash
# Prints the path of the trained Rasa model, training it first when its inputs changed.
# The model is cached outside the clone under the hash of config.yml, nlu/domain, nlu/data, the
# pipeline's own components (nlu/*.py, nlu/components/*.py) and the Rasa lock file, so an unchanged
# project never trains twice and a changed component retrains.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
inputs=(config.yml requirements/rasa.lock $(find nlu/domain nlu/data -type f -name '*.yml' | LC_ALL=C sort)
        $(find nlu -maxdepth 1 -type f -name '*.py' | LC_ALL=C sort)
        $(find nlu/components -type f -name '*.py' | LC_ALL=C sort))
hash="$(hash_files "${inputs[@]}")"
models="$CACHE_DIR/models"
model="$models/$hash.tar.gz"
mkdir -p "$models"
if [ ! -f "$model" ]; then
  exec 9>"$models/$hash.lock"
  flock 9
  if [ ! -f "$model" ]; then
    rasa_venv="$("$ROOT/scripts/venv.sh" rasa)"
    echo "Training the Rasa model (inputs changed; hash $hash)..." >&2
    tmp="$(mktemp -d)"
    (cd "$tmp" && "$rasa_venv/bin/rasa" train --config "$ROOT/config.yml" --domain "$ROOT/nlu/domain" \
        --data "$ROOT/nlu/data" --out "$tmp/out" --fixed-model-name "$hash" >&2)
    mv "$tmp/out/$hash.tar.gz" "$model"
    rm -rf "$tmp"
  fi
fi
echo "$model"
