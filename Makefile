# Smile City Rostock assistant. `make run` starts it, `make test` checks it; both set themselves up.
.PHONY: run test bench lock nlu-report models model venv clean-cache help

help:
	@echo "make run         start the whole assistant (web chat on http://127.0.0.1:8080/)"
	@echo "make test        lint, type-check and run all tests against real services"
	@echo "make bench       run the speed and memory benchmarks and print their figures"
	@echo "make nlu-report  intent accuracy and entity F1 on the held-out test split"
	@echo "make models      download the Vosk speech models (German, English)"
	@echo "make lock        re-resolve the dependency lock files"

run:
	@scripts/run.sh

test:
	@scripts/test.sh

bench:
	@scripts/bench.sh

nlu-report:
	@scripts/nlu-report.sh

models:
	@scripts/models.sh

model:
	@scripts/model.sh

venv:
	@scripts/venv.sh app && scripts/venv.sh rasa

lock:
	@scripts/lock.sh
