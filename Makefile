# Two entry points: `make demo` and `make test`. Both build .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
EXTRAS := dev,dask,web,plot

.PHONY: demo test lint format fuzz models bench clean

$(STAMP): setup.cfg pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[$(EXTRAS)]"
	touch $(STAMP)

# `make install` only builds .venv. To type `motioner` instead of .venv/bin/motioner:
#     . .venv/bin/activate          (this shell)   or
#     export PATH="$$PWD/.venv/bin:$$PATH"
install: $(STAMP)
	@echo "motioner is installed in $(BIN). Put it on the PATH with:"
	@echo "    . $(BIN)/activate"
	@echo "or call it as $(BIN)/motioner."

.PHONY: install

DEMO_DB := $(VENV)/demo.db

# corpus/ holds a scan and an HTML error page on purpose, so `tag` and `index` report two
# failed files and exit 1; the demo shows that and goes on.
demo: $(STAMP)
	@echo "== motioner tag corpus/ --format table"
	@$(BIN)/motioner tag corpus/ --format table || echo "(exit status $$?: some files could not be read, as expected)"
	@echo; echo "== motioner index corpus/ --db $(DEMO_DB)"
	@$(BIN)/motioner index corpus/ --db $(DEMO_DB) || echo "(exit status $$?: some files could not be read, as expected)"
	@echo; echo '== motioner search nattvandring'
	@$(BIN)/motioner search nattvandring --db $(DEMO_DB) --limit 3
	@echo; echo '== motioner case "2025.319 KS"'
	@$(BIN)/motioner case "2025.319 KS" --db $(DEMO_DB)
	@echo; echo "motioner is in $(BIN): '. $(BIN)/activate' puts it on the PATH for this shell."

test: $(STAMP)
	$(BIN)/python -m pytest -q

# Longer fuzzing than `make test` does (hypothesis profile motioner-fuzz, 5,000 examples
# per property; `make fuzz FUZZ_EXAMPLES=N` for another number).
fuzz: $(STAMP)
	MOTIONER_FUZZ_PROFILE=motioner-fuzz MOTIONER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q tests/fuzz

# The CAP model (models/cap, committed: a fresh clone tags CAP topics without ../shared) is
# trained on the dev CAP labels; the reference theme model (models/themes, not committed) is
# fitted on the silver case file, or on the bundled corpus when the dev corpus is absent.
# See models/MODEL_CARD.md.
CASES := ../shared/corpus/alingsas/arenden-dev.json
CAP_LABELS := ../shared/corpus/labels/dev-cap.jsonl
ITEM_LABELS := ../shared/corpus/labels/kungsbacka-items.jsonl
models: $(STAMP)
	@if [ -f $(CASES) ] && [ -f $(CAP_LABELS) ]; then \
		$(BIN)/python -m nlp_motioner.taggers.decision_train --cases $(CASES) \
			--items $(ITEM_LABELS) --corpus ../shared/corpus --minutes 'alingsas/*/*/protokoll.pdf' && \
		$(BIN)/python -m nlp_motioner.topics.train $(CASES) $(CAP_LABELS) --out models/cap && \
		$(BIN)/motioner themes fit --cases $(CASES) --model models/themes --fresh && \
		$(BIN)/motioner eval themes $(CASES) --labels $(CAP_LABELS); \
	else \
		echo "models/cap is kept as shipped: retraining it needs ../shared/corpus"; \
		$(BIN)/motioner themes fit corpus/ --model models/themes --fresh || [ $$? -eq 1 ]; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check nlp_motioner tests benchmarks
	$(BIN)/ruff format --check nlp_motioner tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format nlp_motioner tests benchmarks
	$(BIN)/ruff check --fix nlp_motioner tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
