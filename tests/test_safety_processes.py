"""`alternatives` shares the build's process guard (issue 22, black box): a SIGTERM, SIGINT or
SIGKILL of the main process leaves no worker behind, a SIGTERM/Ctrl-C ends with «avbrutt» and
143/130, and no temporary file is left in --out."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from proctable import alive as _alive, descendants as _descendants


def _catches_sigterm(pid: int) -> bool:
    """The process has installed its SIGTERM handler (bit 15 of SigCgt in /proc/PID/status)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signal.SIGTERM - 1) & 1)
    return False


@pytest.mark.parametrize("how,jobs", [("SIGKILL", 2), ("SIGTERM", 2), ("SIGINT", 2), ("SIGTERM", 1)])
def test_alternatives_killed_leaves_no_process(tmp_path, how, jobs):
    """With --jobs 1 the chains run in the main process: SIGTERM still stops it at once."""
    out = tmp_path / "alt"
    cmd = [sys.executable, "-m", "regionanalyse.cli", "alternatives", "nav-2016-11", "--units",
           "kommune", "--n", "20000", "--jobs", str(jobs), "--to", "none", "--out", str(out)]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    try:
        seen: dict[int, str] = {}
        end = time.monotonic() + 180
        workers_since = None
        while time.monotonic() < end:  # the chain workers (or the main process) running for 2 s
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            seen |= _descendants(proc.pid)
            ready = len(_alive(seen)) >= 2 if jobs > 1 else _catches_sigterm(proc.pid)
            if workers_since is None and ready:
                workers_since = time.monotonic()
            if workers_since and time.monotonic() - workers_since > (2 if jobs > 1 else 5):
                break
            time.sleep(0.2)
        assert workers_since, "no workers started"
        killed_at = time.monotonic()
        if how == "SIGINT":  # Ctrl-C on a terminal signals the whole foreground group
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, getattr(signal, how))
        _, err = proc.communicate(timeout=30)
        stopped = time.monotonic() - killed_at
        time.sleep(max(0.0, 3 - stopped))
        assert _alive(seen) == [], f"left running 3 s after {how}: {_alive(seen)}"
        if how != "SIGKILL":
            assert stopped < 3, f"{how}: stopped after {stopped:.1f} s"
            assert proc.returncode == {"SIGTERM": 143, "SIGINT": 130}[how], (proc.returncode, err[-1500:])
            assert "avbrutt" in err and "Traceback" not in err, err[-1500:]
            assert not [p for p in out.rglob("*") if p.name.startswith(".") and p.name.endswith(".tmp")]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
