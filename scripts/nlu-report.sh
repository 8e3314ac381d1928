#!/usr/bin/env bash
# `make nlu-report`: NLU quality figures.
#  1. the cached model (scripts/model.sh) on the held-out split nlu/tests/nlu_test.yml, which training never
#     sees: intent accuracy and weighted entity F1;
#  2. the same model on nlu/tests/reports_test.yml (reports, ideas, status; also held out);
#  3. the same model on nlu/tests/councils_test.yml (Ortsbeiräte, meetings, agendas; also held out);
#     and on nlu/tests/subscriptions_test.yml (subscribing in plain words; also held out);
#     and on nlu/tests/citizens_test.yml (331 citizens' questions as people write and speak them,
#     every intent and typed entity; written before issue 17's training round, also held out);
#  4. 3-fold cross-validation on nlu/data (trains three extra models: several minutes on two cores).
# Full reports go to NLU_REPORT_DIR (default: a new temp directory), never into the clone.
# NLU_REPORT_SKIP_CV=1 skips step 4.
source "$(dirname "$0")/env.sh"
cd "$ROOT"
rasa_venv="${RASA_VENV:-$("$ROOT/scripts/venv.sh" rasa)}"
model="${RASA_MODEL:-$("$ROOT/scripts/model.sh")}"
out="${NLU_REPORT_DIR:-$(mktemp -d -t nlu-report.XXXXXX)}"
mkdir -p "$out"

figures() {
  # Prints intent accuracy and weighted entity F1 from the JSON reports in $1.
  "$rasa_venv/bin/python" - "$1" "$ROOT/config.yml" <<'PY'
import json, pathlib, sys
import yaml
d = pathlib.Path(sys.argv[1])
intents = json.loads((d / "intent_report.json").read_text())
print(f"  intent accuracy:      {intents['accuracy'] * 100:.1f} % "
      f"({intents['weighted avg']['support']} examples)")
entities = d / "DIETClassifier_report.json"
if entities.exists():
    report = json.loads(entities.read_text())
    avg = report.get("weighted avg") or report.get("micro avg")
    print(f"  entity F1 (weighted): {avg['f1-score'] * 100:.1f} % ({avg['support']} entities), "
          f"precision {avg['precision'] * 100:.1f} %, recall {avg['recall'] * 100:.1f} %")
# rasa test scores each extractor alone on the entities it produced; the closed vocabulary's are the
# ones it added where DIET found none, or put in place of one of DIET's (nlu/components/)
added = d / "ClosedVocabulary_report.json"
if added.exists():
    avg = json.loads(added.read_text())["micro avg"]
    print(f"  closed vocabulary's own entities: precision {avg['precision'] * 100:.1f} %, "
          f"{avg['recall'] * 100:.1f} % of the {avg['support']} annotated entities")
# rasa test undoes the FallbackClassifier's verdict; count separately what the bot would ask back
threshold = next(c["threshold"] for c in yaml.safe_load(pathlib.Path(sys.argv[2]).read_text())["pipeline"]
                 if c["name"] == "FallbackClassifier")
def predictions(name):
    # rasa writes no file for an empty list (a model that knows none of the intents has no successes)
    path = d / name
    return [p["intent_prediction"]["confidence"] for p in json.loads(path.read_text())] if path.exists() else []
right = predictions("intent_successes.json")
wrong = predictions("intent_errors.json")
total = len(right) + len(wrong)
share = lambda n: f"{n / total * 100:.1f} %"
print(f"  with the fallback at confidence {threshold}: right and sure {share(sum(c >= threshold for c in right))}, "
      f"asked back {share(sum(c < threshold for c in right + wrong))}, "
      f"wrong and sure {share(sum(c >= threshold for c in wrong))}")
errors = d / "intent_errors.json"
if errors.exists():
    for e in json.loads(errors.read_text()):
        print(f"    wrong intent: {e['text']!r} -> {e['intent_prediction']['name']} "
              f"(expected {e['intent']})")
PY
}

echo "==> held-out split (nlu/tests/nlu_test.yml), model $(basename "$model")"
(cd "$out" && "$rasa_venv/bin/rasa" test nlu --model "$model" --nlu "$ROOT/nlu/tests/nlu_test.yml" \
    --out "$out/heldout" --successes --no-plot >"$out/heldout.log" 2>&1) || { tail -n 40 "$out/heldout.log"; exit 1; }
figures "$out/heldout"

echo "==> reports, ideas and report status (nlu/tests/reports_test.yml, never trained on)"
(cd "$out" && "$rasa_venv/bin/rasa" test nlu --model "$model" --nlu "$ROOT/nlu/tests/reports_test.yml" \
    --out "$out/reports" --successes --no-plot >"$out/reports.log" 2>&1) || { tail -n 40 "$out/reports.log"; exit 1; }
figures "$out/reports"

echo "==> Ortsbeiräte, meetings and agendas (nlu/tests/councils_test.yml, never trained on)"
(cd "$out" && "$rasa_venv/bin/rasa" test nlu --model "$model" --nlu "$ROOT/nlu/tests/councils_test.yml" \
    --out "$out/councils" --successes --no-plot >"$out/councils.log" 2>&1) || { tail -n 40 "$out/councils.log"; exit 1; }
figures "$out/councils"

echo "==> subscribing, unsubscribing, listing (nlu/tests/subscriptions_test.yml, never trained on)"
(cd "$out" && "$rasa_venv/bin/rasa" test nlu --model "$model" --nlu "$ROOT/nlu/tests/subscriptions_test.yml" \
    --out "$out/subscriptions" --successes --no-plot >"$out/subscriptions.log" 2>&1) \
    || { tail -n 40 "$out/subscriptions.log"; exit 1; }
figures "$out/subscriptions"

echo "==> citizens' questions as they are typed and spoken (nlu/tests/citizens_test.yml, never trained on)"
(cd "$out" && "$rasa_venv/bin/rasa" test nlu --model "$model" --nlu "$ROOT/nlu/tests/citizens_test.yml" \
    --out "$out/citizens" --successes --no-plot >"$out/citizens.log" 2>&1) \
    || { tail -n 40 "$out/citizens.log"; exit 1; }
figures "$out/citizens"
# rasa test scores each extractor alone; the actions get all entities together, with canonical values
"$rasa_venv/bin/python" "$ROOT/scripts/nlu_parse_eval.py" "$model" "$ROOT/nlu/tests/citizens_test.yml" \
    2>"$out/citizens-parse.log" | head -n 2

if [ "${NLU_REPORT_SKIP_CV:-0}" != 1 ]; then
  echo "==> 3-fold cross-validation on nlu/data (trains 3 models)"
  (cd "$out" && "$rasa_venv/bin/rasa" test nlu --nlu "$ROOT/nlu/data" --config "$ROOT/config.yml" \
      --cross-validation --folds 3 --out "$out/cv" --no-plot >"$out/cv.log" 2>&1) \
      || { tail -n 40 "$out/cv.log"; exit 1; }
  # rasa logs the mean (standard deviation) over the folds: intents first, then each entity extractor
  # ("Entity extractor: NAME" before its figures); only the held-out folds' ("test") figures count
  sed -n '/CV evaluation/,$p' "$out/cv.log" | awk '
    /Entity extractor: / { sub(/.*Entity extractor: /, ""); who = "entities (" $0 ")"; next }
    / test Accuracy: / { sub(/.* test /, ""); acc = $0; next }
    / test F1-score: / { sub(/.* test /, ""); printf "  %s: %s   %s\n", (who ? who : "intents"), acc, $0 }'
fi
echo "Reports: $out"
