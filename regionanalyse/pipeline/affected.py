"""Which built-in proposals a data update changes: each proposal's population history (every
region, every year, on the proposal's borders) computed on the old and on the new data set.
Each side runs in its own process (with its own processed-data cache), so that neither
reads the other's tables."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import DataError


def fingerprints() -> dict[str, str]:
    """Built-in proposal id → SHA-256 of its population history on the data in use."""
    from ..indicators.history import population_history
    from ..model import builtin_ids, load

    return {pid: hashlib.sha256(population_history(load(pid)).to_csv(index=False).encode())
            .hexdigest() for pid in builtin_ids()}


def _fingerprints_of(raw_dir: Path) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "REGIONANALYSE_RAW": str(raw_dir), "REGIONANALYSE_PROCESSED": cache}
        done = subprocess.run([sys.executable, "-m", "regionanalyse.pipeline.affected"],
                              capture_output=True, text=True, env=env, timeout=900)
    if done.returncode != 0:
        message = (done.stderr.strip().splitlines() or ["ukjent feil"])[-1]
        raise DataError(f"{raw_dir}: kan ikke regne ut forslagenes befolkningsutvikling ({message})")
    return json.loads(done.stdout)


def affected(old_dir: Path, new_dir: Path) -> list[str]:
    """Built-in proposals whose population history differs between the two data sets."""
    old, new = _fingerprints_of(old_dir), _fingerprints_of(new_dir)
    return [pid for pid in new if old.get(pid) != new[pid]]


if __name__ == "__main__":
    print(json.dumps(fingerprints()))
