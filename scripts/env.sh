# Sourced by the Makefile's helper scripts: where the cached, expensive things live.
# Everything heavy (virtual environments, trained models, speech models) sits outside the clone,
# keyed by the hash of what it was built from, so a rerun is fast and a changed input rebuilds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE_DIR="${SMILE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/smilecity-rostock}"
UV_VERSION="0.13.9"
export UV_PYTHON_DOWNLOADS=never
export RASA_TELEMETRY_ENABLED=false TF_CPP_MIN_LOG_LEVEL=2 SQLALCHEMY_SILENCE_UBER_WARNING=1
export UV_CACHE_DIR="${UV_CACHE_DIR:-$CACHE_DIR/uv-cache}"
# config.yml names the pipeline's own component by module path (nlu.components.closed_vocabulary):
# every Rasa these scripts start (training, rasa test, the parse evaluation) imports it from here
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"
mkdir -p "$CACHE_DIR"

hash_files() {
  # Content hash of the given files (sorted, names included), first 16 hex digits.
  (cd "$ROOT" && for f in "$@"; do printf '%s\n' "$f"; cat "$f"; done) | sha256sum | cut -c1-16
}

uv_bin() {
  local dir="$CACHE_DIR/uv-$UV_VERSION"
  if [ ! -x "$dir/bin/uv" ]; then
    python3 -m venv "$dir.tmp" >&2
    "$dir.tmp/bin/pip" install -q "uv==$UV_VERSION" >&2
    rm -rf "$dir" && mv "$dir.tmp" "$dir"
    # the venv's scripts carry the tmp path in their shebang; uv itself is a binary and moves fine
  fi
  echo "$dir/bin/uv"
}

find_python310() {
  # Rasa 3.6 runs on Python 3.10 only.
  local cand
  for cand in "${PYTHON310:-}" python3.10 /usr/bin/python3.10 /usr/local/bin/python3.10 \
      "$HOME"/.pyenv/versions/3.10*/bin/python3.10 /root/.pyenv/versions/3.10*/bin/python3.10; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import sys; assert sys.version_info[:2] == (3, 10)' >/dev/null 2>&1; then
      command -v "$cand" 2>/dev/null || echo "$cand"
      return 0
    fi
  done
  cat >&2 <<'MSG'
Python 3.10 was not found, and Rasa 3.6 needs exactly Python 3.10.
Get it with one of:
  pyenv install 3.10        (then it is found automatically)
  uv python install 3.10    (then set PYTHON310=$(uv python find 3.10))
  your distribution's python3.10 package
or point PYTHON310 at a python3.10 binary.
MSG
  return 1
}

find_python_app() {
  local cand
  for cand in "${PYTHON_APP:-}" python3 python3.13 python3.12 python3.11; do
    [ -n "$cand" ] || continue
    if "$cand" -c 'import sys; assert sys.version_info >= (3, 11)' >/dev/null 2>&1; then
      command -v "$cand"
      return 0
    fi
  done
  echo "Python 3.11 or newer is needed for the gateway and the city data API (set PYTHON_APP)." >&2
  return 1
}

app_venv_dir() { echo "$CACHE_DIR/venv-app-$(hash_files requirements/app.lock)"; }
rasa_venv_dir() { echo "$CACHE_DIR/venv-rasa-$(hash_files requirements/rasa.lock)"; }
