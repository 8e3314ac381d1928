#!/usr/bin/env bash
# Conversation tests: runs nlu/tests/test_stories.yml against the trained model, end to end (the NLU parses
# each user text, the policies predict each action) and fails on the first wrong intent, entity or action.
# `rasa test core` only predicts actions and never executes them, so no action server is needed.
# Results go to a temp directory that is removed afterwards.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
rasa_venv="${RASA_VENV:-$("$ROOT/scripts/venv.sh" rasa)}"
model="${RASA_MODEL:-$("$ROOT/scripts/model.sh")}"
out="$(mktemp -d -t rasa-story-tests.XXXXXX)"
trap 'rm -rf "$out"' EXIT
if (cd "$out" && "$rasa_venv/bin/rasa" test core --model "$model" --stories "$ROOT/nlu/tests/test_stories.yml" \
    --e2e --fail-on-prediction-errors --out "$out/results" --no-plot >"$out/log" 2>&1); then
  grep -E "Correct: |Accuracy: " "$out/log" | head -n 4 | sed -E 's/.*rasa\.core\.test +- +/  /'
  echo "conversation tests passed"
else
  grep -v -E "Warning|warn\(|^\s*(import|from|declare_namespace|\.replace|\"\"\")" "$out/log" | tail -n 60
  echo "conversation tests FAILED" >&2
  exit 1
fi
