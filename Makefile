# The two commands a fresh machine needs (see README.md):
#   make reports   — build the hearing appendices for the default proposal into reports/
#   make test      — run the test suite
# For development: make test-fast (no end-to-end builds), make bench, make lock (after editing
# dependencies in pyproject.toml: regenerates requirements.lock, requirements-lab.lock and environment.yml).
.PHONY: reports test test-fast bench lab lock

reports:
	@scripts/setup.sh
	.venv/bin/regionanalyse build $(ARGS)

test:
	@scripts/setup.sh test
	.venv/bin/python -m pytest -q $(ARGS)

test-fast:  # the unit tests of every layer, for development (no builds, no subprocesses)
	@scripts/setup.sh test
	.venv/bin/python -m pytest -q -m "not slow and not cli" $(ARGS)

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
