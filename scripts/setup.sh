#!/usr/bin/env bash
# Set up a fresh machine: system packages (apt, when root and missing) and .venv with the package.
# Usage: scripts/setup.sh [test]   — "test" also installs pytest and headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
want_test=${1:-}

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
# Python packages: exactly the versions in requirements.lock (hash-checked; runtime and tests),
# then the package itself. Regenerate the lock with `make lock` after editing pyproject.toml.
stamp=".venv/.installed"
if [ ! -f "$stamp" ] || [ requirements.lock -nt "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  log=$(mktemp)
  if ! { .venv/bin/python -m pip install -q --upgrade pip \
         && .venv/bin/python -m pip install -q --require-hashes -r requirements.lock \
         && .venv/bin/python -m pip install -q --no-deps -e . ; } >"$log" 2>&1; then
    grep -v '^WARNING: Location' "$log" >&2; rm -f "$log"
    echo "setup: pip install from requirements.lock failed (see above)" >&2; exit 1
  fi
  rm -f "$log"
  .venv/bin/python -c "import regionanalyse, geopandas, weasyprint, papermill" && touch "$stamp"
fi
.venv/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null 2>&1 || true

# Browser checks (axe-core in headless Chromium): tests/browser/package.json, pinned by its lock file.
if [ "$want_test" = test ] && command -v npm >/dev/null; then
  if [ ! -d tests/browser/node_modules ] || [ tests/browser/package-lock.json -nt tests/browser/node_modules ]; then
    (cd tests/browser && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; } \
      && touch node_modules) || echo "setup: npm install in tests/browser failed; browser tests will be skipped" >&2
  fi
fi
