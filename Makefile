# Two entry points (see README): `make demo` and `make test`.
# Both create .venv with pinned dependencies on first use.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DATE ?=
OUT ?= results

.PHONY: install browser demo test benchmark clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv failed; installing Debian's python3-venv"; \
	  apt-get update -qq && apt-get install -y -qq python3-venv && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test]"
	@touch $@

install: $(VENV)/.installed

# The UI browser tests drive Debian's chromium (no browser download at run time);
# fonts-nanum renders the Korean labels. Without root or apt they are skipped.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null; \
	  else echo "chromium not installed: browser tests will be skipped"; fi; }

demo: install
	$(VENV)/bin/microgrid dispatch $(if $(DATE),--date $(DATE),) --out $(OUT)

test: install browser
	$(PY) -m pytest

benchmark: install
	$(PY) benchmarks/bench_dispatch.py
	$(PY) benchmarks/bench_forecast.py
	$(PY) benchmarks/bench_batch.py
	$(PY) benchmarks/bench_batch_memory.py

clean:
	rm -rf $(VENV) results .pytest_cache
