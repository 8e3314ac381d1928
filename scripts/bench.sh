#!/usr/bin/env bash
# `make bench`: runs every benchmark under bench/ (bench_*.py) with the app runtime; each one starts
# what it measures on 127.0.0.1 and prints its figures.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/system-deps.sh" --test
app="$("$ROOT/scripts/venv.sh" app)"
rasa_venv="$("$ROOT/scripts/venv.sh" rasa)"
export APP_VENV="$app" RASA_VENV="$rasa_venv" PYTHONPATH="$ROOT"
if [ -f config.yml ] && [ -d nlu/domain ]; then RASA_MODEL="$("$ROOT/scripts/model.sh")"; export RASA_MODEL; fi
status=0
for b in bench/bench_*.py; do
  [ -e "$b" ] || continue
  if [ -n "${BENCH:-}" ] && [[ "$b" != *"$BENCH"* ]]; then continue; fi
  printf '\n==> %s\n' "$b"
  "$app/bin/python" "$b" || status=1
done
exit $status
