#!/usr/bin/env bash
# `make models`: downloads the official small German and English Vosk speech models into the cache
# (~/.cache/smilecity-rostock/vosk/, or VOSK_MODEL_DIR / VOSK_MODEL_DE / VOSK_MODEL_EN), checks their
# pinned SHA-256 checksums and says where they went. Pass --if-missing to skip models already there.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
app="$("$ROOT/scripts/venv.sh" app)"
PYTHONPATH="$ROOT" exec "$app/bin/python" -m bot.voice.models download "$@"
