# The whole check is `make check`: lint, formatting, types, then the tests, as .ci/run does
# after installing. Uses .venv when there is one (README, Tests), else the python on PATH.
PYTHON ?= $(if $(wildcard .venv/bin/python),.venv/bin/python,python3)
export TEXTUAL_ANIMATION = none

.PHONY: check lint format-check types test fix

check: lint format-check types test

lint:
	$(PYTHON) -m ruff check .

format-check:
	$(PYTHON) -m ruff format --check .

types:
	$(PYTHON) -m mypy

test:
	$(PYTHON) -m pytest

# Rewrites files: the safe lint fixes, then the formatter.
fix:
	$(PYTHON) -m ruff check --fix .
	$(PYTHON) -m ruff format .
