#!/usr/bin/env bash
# `make test`: lint, type-check, validate the Rasa project, train if needed, and run every test suite
# against real services (they are started by the test fixtures on free ports).
source "$(dirname "$0")/env.sh"
cd "$ROOT"
"$ROOT/scripts/system-deps.sh" --test
app="$("$ROOT/scripts/venv.sh" app)"
rasa_venv="$("$ROOT/scripts/venv.sh" rasa)"
export APP_VENV="$app" RASA_VENV="$rasa_venv"

step() { printf '\n==> %s\n' "$*"; }

step "ruff"
"$app/bin/ruff" check .
step "mypy"
"$app/bin/mypy" bot cityapi dburl.py requestlog.py
"$app/bin/mypy" --config-file actions/mypy.ini --python-executable "$rasa_venv/bin/python" actions

if [ -f config.yml ] && [ -d nlu/domain ]; then
  step "rasa data validate"
  (cd "$ROOT" && "$rasa_venv/bin/rasa" data validate --config config.yml --domain nlu/domain \
      --data nlu/data --fail-on-warnings)
  step "train the Rasa model if its inputs changed"
  RASA_MODEL="$("$ROOT/scripts/model.sh")"
  export RASA_MODEL
fi

if [ -d tests/actions ]; then
  step "action server unit tests (Rasa runtime, Python 3.10)"
  "$rasa_venv/bin/python" -m pytest -q -p no:cacheprovider --confcutdir=tests/actions \
      -c tests/actions/pytest.ini tests/actions
fi

step "app tests (Python 3.11+, real services)"
"$app/bin/python" -m pytest -q -p no:cacheprovider --ignore=tests/actions "$@"

if [ -n "${RASA_MODEL:-}" ] && [ -f nlu/tests/test_stories.yml ]; then
  step "conversation tests (rasa test core)"
  "$ROOT/scripts/rasa-story-tests.sh"
fi
