"""Benchmark: the cost of one full `regionanalyse data update` (issue 17), offline.

Run from the project root:  .venv/bin/python benchmarks/bench_dataupdate.py

Serves the shipped data plus a constructed year 2027 (tests/fakeapi.py: the stand-in shaped
after SSB's PxWebApi v2 and KLASS, with SSB's cell limit of 800 000) on 127.0.0.1 and runs
`regionanalyse data update` (codes and population, the checks, the comparison of the built-in
proposals, the switch) as a user would, in a fresh data folder with a cold processed-data cache,
with no pause between SSB calls (REGIONANALYSE_SSB_PAUSE=0; the live API's rate limit of 30
calls a minute adds 2 s a call). Reports wall time, calls and the bytes of the answers. The
live APIs are not measured here (offline): their answers carry more digits and headers.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakeapi import FakeAPI, Truth, constructed_truth  # noqa: E402
from regionanalyse.config import SHIPPED_RAW_DIR  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-dataupdate-") as tmp:
        tmp = Path(tmp)
        (tmp / "truth").mkdir()
        server = FakeAPI(Truth(constructed_truth(SHIPPED_RAW_DIR, tmp / "truth"))).start()
        server.max_cells = 800_000  # SSB's /config value
        env = {**os.environ, "REGIONANALYSE_DATA": str(tmp / "home"),
               "REGIONANALYSE_PROCESSED": str(tmp / "processed"),
               "REGIONANALYSE_SSB_URL": server.base + "/ssb",
               "REGIONANALYSE_KLASS_URL": server.base + "/klass", "REGIONANALYSE_SSB_PAUSE": "0"}
        env.pop("REGIONANALYSE_RAW", None)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "regionanalyse.cli", "data", "update"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        seconds = time.perf_counter() - start
        server.shutdown()
        if done.returncode != 0:
            sys.exit(f"data update failed ({done.returncode}): {done.stderr[-2000:]}")
        gets = server.calls - server.posts
        print(f"data update (full, cold cache): {seconds:.1f} s wall; {gets} GET + "
              f"{server.posts} POST calls; {server.bytes_sent / 1e6:.2f} MB of answers")
        print(f"at the live rate limit (2 s between {server.posts + 2} SSB calls) add about "
              f"{2 * (server.posts + 2):.0f} s")


if __name__ == "__main__":
    main()
