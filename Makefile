# Two entry points (see README): `make demo` and `make test`.
# Both create .venv with pinned dependencies on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DATE ?=
OUT ?= results

.PHONY: install demo test benchmark clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	@touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/microgrid dispatch $(if $(DATE),--date $(DATE),) --out $(OUT)

test: install
	$(PY) -m pytest

benchmark: install
	$(PY) benchmarks/bench_dispatch.py

clean:
	rm -rf $(VENV) results .pytest_cache
