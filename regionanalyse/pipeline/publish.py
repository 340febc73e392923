"""Publishing into the output folder: the lock, the manifest, atomic writes, the build log."""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

from filelock import FileLock, Timeout

from ..errors import RegionanalyseError

LOCK_NAME = ".regionanalyse.lock"


class LockedError(RegionanalyseError):
    """Another build holds the output folder."""


def acquire_lock(out: Path) -> FileLock:
    """Hold the output folder's lock, or raise LockedError at once."""
    lock = FileLock(str(out / LOCK_NAME))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise LockedError(f"{out}: en annen bygging pågår (låsfil {out / LOCK_NAME}); "
                          "prøv igjen når den er ferdig") from None
    return lock


def read_manifest(path: Path) -> dict:
    """The manifest (appendix stem → inputs hash, files, title, time), or {} if unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_atomic(path: Path, text: str) -> None:
    """Write text so that readers see the old file or the new one, never a partial one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_manifest(path: Path, manifest: dict) -> None:
    write_atomic(path, json.dumps(manifest, indent=1, ensure_ascii=False))


def setup_logging(out: Path) -> None:
    """Log to stderr and to <out>/build.log."""
    out.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("regionanalyse")
    root.setLevel(logging.INFO)
    root.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(fmt)
    file_handler = logging.FileHandler(out / "build.log", encoding="utf-8")
    file_handler.setFormatter(fmt)
    root.addHandler(stream)
    root.addHandler(file_handler)


def progress(total: int):
    """A progress bar on a terminal, else None."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, unit="vedlegg", file=sys.stderr)
    return None
