#!/usr/bin/env bash
# Set up a fresh machine: system packages (apt, when root and missing) and .venv with the package.
# Usage: scripts/setup.sh [test|lab]
#   (none)  the runtime, from requirements.lock (make reports);
#   lab     also JupyterLab, jupytext and anywidget, from requirements-lab.lock (make lab: the editor);
#   test    as lab (the editor's JupyterLab test runs), plus pytest, headless Chromium and the
#           browser checks' node packages (make test).
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=${1:-}
case "$want_test" in ""|test|lab) ;; *) echo "usage: scripts/setup.sh [test|lab]" >&2; exit 2 ;; esac

need_apt=()
command -v pdftotext >/dev/null || need_apt+=(poppler-utils)
ldconfig -p 2>/dev/null | grep -q libpango-1.0 || need_apt+=(libpango-1.0-0 libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi dejavu || need_apt+=(fonts-dejavu-core)
if [ "$want_test" = test ] && ! command -v chromium >/dev/null; then need_apt+=(chromium); fi
if [ "$want_test" = test ] && ! command -v npm >/dev/null; then need_apt+=(nodejs npm); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: apt-get install ${need_apt[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "setup: please install with apt: ${need_apt[*]}" >&2
  fi
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
# Python packages: exactly the versions of a lock file (hash-checked), then the package itself.
# requirements-lab.lock holds requirements.lock's pins plus the test and lab extras, so `test` and
# `lab` install it (a stamp per lock file). Regenerate both with `make lock` after editing pyproject.toml.
lock=requirements.lock stamp=.venv/.installed
if [ -n "$want_test" ]; then lock=requirements-lab.lock stamp=.venv/.installed-lab; fi
if [ ! -f "$stamp" ] || [ "$lock" -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  log=$(mktemp)
  if ! { .venv/bin/python -m pip install -q --upgrade pip \
         && .venv/bin/python -m pip install -q --require-hashes -r "$lock" \
         && .venv/bin/python -m pip install -q --no-deps -e . ; } >"$log" 2>&1; then
    grep -v '^WARNING: Location' "$log" >&2; rm -f "$log"
    echo "setup: pip install from $lock failed (see above)" >&2; exit 1
  fi
  rm -f "$log"
  .venv/bin/python -c "import regionanalyse, geopandas, weasyprint, papermill" && touch "$stamp"
  if [ -n "$want_test" ]; then
    .venv/bin/python -c "import anywidget, jupytext, jupyterlab" && touch .venv/.installed
  fi
fi
.venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null 2>&1 || true

# Browser checks (axe-core in headless Chromium): tests/browser/package.json, pinned by its lock file.
if [ "$want_test" = test ] && command -v npm >/dev/null; then
  if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
    (cd tests/browser && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; } \
      && touch node_modules) || echo "setup: npm install in tests/browser failed; browser tests will be skipped" >&2
  fi
fi
