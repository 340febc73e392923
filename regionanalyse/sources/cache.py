"""Raw-file access and a parquet cache in data/processed keyed by the raw file's hash."""
from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd

from ..config import PROCESSED_DIR, RAW_DIR
from ..errors import DataError


def raw_path(name: str) -> Path:
    """Path of a raw file, with a clear error when it is missing."""
    path = RAW_DIR / name
    if not path.is_file():
        raise DataError(f"{path}: datafil mangler (data file missing)")
    return path


def file_hash(path: Path) -> str:
    """SHA-256 of a file (cached per process while its size and modification time stay)."""
    stat = Path(path).stat()
    return _sha256(Path(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=None)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv_codes(path: Path, code_columns: list[str]) -> pd.DataFrame:
    """Read a CSV keeping code columns (leading zeros) as strings."""
    try:
        return pd.read_csv(path, dtype={c: "string" for c in code_columns}, keep_default_na=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: kan ikke leses som CSV ({exc})") from exc


def _loader_hash(build: Callable, depends: tuple = ()) -> str:
    """Hash of the module that defines `build`, of the modules it `depends` on, and of this
    one: a changed loader (or a loader it builds on) is a new key."""
    import sys

    files = {Path(__file__), Path(sys.modules[build.__module__].__file__),
             *(Path(module.__file__) for module in depends)}
    return "".join(file_hash(f.resolve()) for f in sorted(files))


def cached(name: str, sources: list[Path], build: Callable[[], pd.DataFrame],
           depends: tuple = ()) -> pd.DataFrame:
    """Return build() from a parquet cache, rebuilt when a source file or the loader changes.

    `depends`: further modules whose code shapes the result (e.g. the loader of the frames a
    derived table is computed from)."""
    key_text = "".join(file_hash(p) for p in sources) + _loader_hash(build, depends)
    key = hashlib.sha256(key_text.encode()).hexdigest()[:16]
    target = PROCESSED_DIR / f"{name}-{key}.parquet"
    is_geo = False
    if target.exists():
        try:
            import geopandas as gpd
            import pyarrow.parquet as pq

            is_geo = b"geo" in (pq.read_schema(target).metadata or {})
            return gpd.read_parquet(target) if is_geo else pd.read_parquet(target)
        except Exception:  # a broken cache is rebuilt, never trusted
            target.unlink(missing_ok=True)
    frame = build()
    try:
        PROCESSED_DIR.mkdir(parents=True, exist_ok=True)
        for stale in PROCESSED_DIR.glob(f"{name}-*.parquet"):
            stale.unlink(missing_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        frame.to_parquet(tmp)
        os.replace(tmp, target)
    except OSError:
        pass  # a read-only checkout still works, just without the cache
    return frame
