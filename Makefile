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

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/motioner tag corpus/ --format table

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check nlp_motioner tests benchmarks
	$(BIN)/ruff format --check nlp_motioner tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format nlp_motioner tests benchmarks
	$(BIN)/ruff check --fix nlp_motioner tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
