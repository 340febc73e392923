# The two commands a fresh machine needs (see README.md):
#   make reports   — build the hearing appendices for the default proposal into reports/
#   make test      — run the test suite
# For development: make test-fast (no end-to-end builds), make bench, make lock (after editing
# dependencies in pyproject.toml: regenerates requirements.lock, requirements-lab.lock and environment.yml).
.PHONY: reports test test-fast bench lab lock

reports:
	@scripts/setup.sh
	.venv/bin/regionanalyse build $(ARGS)

# Tests run in up to 4 processes (pytest-xdist), a test module to a process so its module-scoped
# builds are made once, and the modules of a group in tests/conftest.py (XDIST_GROUPS) together;
# the longest first, in the order tests/conftest.py collects them. PYTEST_WORKERS=0 runs them all
# in one process.
PYTEST_WORKERS ?= auto
XDIST = -n $(PYTEST_WORKERS) --maxprocesses 4 --dist loadgroup --no-loadscope-reorder

test:
	@scripts/setup.sh test
	.venv/bin/python -m pytest -q $(XDIST) $(ARGS)

test-fast:  # the unit tests of every layer, for development (no builds, no subprocesses)
	@scripts/setup.sh test
	.venv/bin/python -m pytest -q $(XDIST) -m "not slow and not cli" $(ARGS)

bench:
	@scripts/setup.sh
	.venv/bin/python benchmarks/bench_build.py

lock:
	@scripts/setup.sh
	.venv/bin/python -m pip install -q pip-tools
	.venv/bin/python scripts/lock.py

lab:  # JupyterLab, jupytext and anywidget (the editor) at the versions of requirements-lab.lock
	@scripts/setup.sh lab
	.venv/bin/jupyter lab notebooks/
