# The two commands a fresh machine needs (see README.md):
#   make reports   — build the hearing appendices for the default proposal into reports/
#   make test      — run the test suite
.PHONY: reports test bench lab

reports:
	@scripts/setup.sh
	.venv/bin/regionanalyse build $(ARGS)

test:
	@scripts/setup.sh test
	.venv/bin/python -m pytest -q $(ARGS)

bench:
	@scripts/setup.sh
	.venv/bin/python benchmarks/bench_build.py

lab:
	@scripts/setup.sh
	.venv/bin/python -m pip install -q -e ".[lab]"
	.venv/bin/jupyter lab notebooks/
