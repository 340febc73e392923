"""State files a command reads back from its output folder (manifest.json, innstillinger.json):
read defensively, since anyone who can write the folder can break them.

`read_json` never follows a symlink, never blocks on a FIFO, reads at most `limit` bytes and
returns (data, None) or (None, the problem in words); the caller checks the shape, reports a bad
file and replaces it, never carrying a bad entry on.
"""
from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

MAX_BYTES = 20_000_000


def read_json(path: Path, limit: int = MAX_BYTES) -> tuple[object, str | None]:
    """(parsed JSON, None), or (None, why it cannot be used); a missing file is (None, None)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return None, "er en symbolsk lenke"
        return None, f"kan ikke leses ({exc.strerror})"
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None, "er ikke en vanlig fil"
        raw = fh.read(limit + 1)
    if len(raw) > limit:
        return None, f"er over {limit // 1_000_000} MB"
    try:
        return json.loads(raw.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError) as exc:
        return None, f"er ikke gyldig JSON ({type(exc).__name__})"
