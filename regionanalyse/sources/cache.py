"""Raw-file access and a parquet cache (data/processed, or ~/.cache for a wheel) keyed on
everything a cached table can be computed from."""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import time
from pathlib import Path
from typing import Callable

import pandas as pd

from .. import config
from .. import memo as memos
from ..config import PACKAGE_DIR
from ..errors import DataError
from ..memo import memo


_ENV = ("REGIONANALYSE_RAW", "REGIONANALYSE_DATA", "XDG_DATA_HOME", "LOCALAPPDATA")
try:  # os.environ.get costs ~1 µs a missing name; its own table is read at every memo call
    _ENV_TABLE, _ENV_KEYS = os.environ._data, tuple(map(os.environ.encodekey, _ENV))  # type: ignore[attr-defined]
except AttributeError:  # pragma: no cover - not CPython's os.environ
    _ENV_TABLE = None


def _environment() -> tuple:
    if _ENV_TABLE is None:  # pragma: no cover
        return tuple(os.environ.get(name) for name in _ENV)
    return tuple(_ENV_TABLE.get(key) for key in _ENV_KEYS)
_active: list = [None, 0.0, None]  # the environment, when the active set was read, that set
ACTIVE_SET_CHECK_S = 1.0


def data_in_use() -> tuple:
    """What decides the raw data folder (config.raw_dir): the environment at once, the data
    folder's active set at most ACTIVE_SET_CHECK_S old. Every memo of the package is cleared
    when it changes (memo.watch), so no process mixes tables of two data sets."""
    env = _environment()
    if env[0]:
        return env
    now = time.monotonic()
    if env != _active[0] or now - _active[1] > ACTIVE_SET_CHECK_S:
        _active[:] = [env, now, config.active_set(config.data_home())]
    return env + (_active[2],)


memos.watch(data_in_use)


def raw_path(name: str) -> Path:
    """Path of a raw file, with a clear error when it is missing."""
    path = config.raw_dir() / name
    if not path.is_file():
        raise DataError(f"{path}: datafil mangler (data file missing)")
    return path


def file_hash(path: Path) -> str:
    """SHA-256 of a file (cached per process while its size and modification time stay)."""
    stat = Path(path).stat()
    return _sha256(Path(path), stat.st_mtime_ns, stat.st_size)


@memo(None)
def _sha256(path: Path, mtime_ns: int, size: int) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_csv_codes(path: Path, code_columns: list[str]) -> pd.DataFrame:
    """Read a CSV keeping code columns (leading zeros) as strings."""
    try:
        return pd.read_csv(path, dtype={c: "string" for c in code_columns}, keep_default_na=True)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: kan ikke leses som CSV ({exc})") from exc


#: The layers a cached table can be computed in, in import order (pyproject.toml's contract):
#: a table computed in one layer depends on the code of that layer and those below it.
LAYERS = ("sources", "model", "territory", "indicators")
#: Files kept per cached table: the newest (by use) of its keys, so that two versions of the
#: package sharing one cache folder each keep theirs.
KEEP_PER_NAME = 3
log = logging.getLogger("regionanalyse.cache")


def _code_files(module_name: str) -> set[Path]:
    """The code a table computed in `module_name` can depend on: for a module of this package,
    every module of its layer and the layers below (no hand-kept list can miss one); for any
    other module (a test's), its own file."""
    import sys

    parts = module_name.split(".")
    if parts[0] != PACKAGE_DIR.name or len(parts) < 2 or parts[1] not in LAYERS:
        return {Path(sys.modules[module_name].__file__)}
    layers = LAYERS[:LAYERS.index(parts[1]) + 1]
    files = {f for layer in layers for f in (PACKAGE_DIR / layer).rglob("*.py")}
    return files | {PACKAGE_DIR / name for name in ("config.py", "errors.py", "version.py")}


def _data_files() -> list[Path]:
    """Every raw data file (not the documentation beside them)."""
    return sorted(p for p in config.raw_dir().glob("*") if p.is_file() and p.suffix != ".md")


def cache_key(build: Callable, sources: list[Path] = (), depends: tuple = ()) -> str:
    """The key of a cached table: every raw data file, the `sources` named (which may lie
    elsewhere), and the code that can shape it (`_code_files` of the module defining `build`,
    of any module it `depends` on, and of this one). A superset of what the loader reads, so
    that a change anywhere it could read is a new key."""
    files = {Path(__file__), *_code_files(build.__module__),
             *(f for module in depends for f in _code_files(module.__name__))}
    parts = [file_hash(p) for p in dict.fromkeys([*_data_files(), *map(Path, sources)])]
    parts += [file_hash(f.resolve()) for f in sorted(files)]
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:16]


def _keys_of(name: str) -> list[Path]:
    """The cached files of table `name`, newest use first."""
    pattern = re.compile(rf"{re.escape(name)}-[0-9a-f]{{16}}\.parquet")
    found = {}
    for path in config.processed_dir().glob(f"{name}-*.parquet"):
        with contextlib.suppress(OSError):  # removed meanwhile by another process
            if pattern.fullmatch(path.name):
                found[path] = path.stat().st_mtime_ns
    return sorted(found, key=found.get, reverse=True)


@memo(1)
def _warn_uncached(folder: Path, reason: str) -> None:
    """Said once per process: where the cache is and that the tables are computed every time."""
    log.warning("kan ikke skrive mellomlageret %s (%s); tallene beregnes på nytt uten "
                "mellomlager (sett REGIONANALYSE_PROCESSED til en skrivbar mappe)", folder, reason)


def cached(name: str, sources: list[Path], build: Callable[[], pd.DataFrame],
           depends: tuple = ()) -> pd.DataFrame:
    """Return build() from a parquet cache, rebuilt when anything it can read changes
    (`cache_key`).

    `depends`: modules outside the package whose code shapes the result. A key's file is
    never removed by another key's write; each table keeps its KEEP_PER_NAME newest keys."""
    folder = config.processed_dir()
    target = folder / f"{name}-{cache_key(build, sources, depends)}.parquet"
    if target.exists():
        try:
            import geopandas as gpd
            import pyarrow.parquet as pq

            is_geo = b"geo" in (pq.read_schema(target).metadata or {})
            frame = gpd.read_parquet(target) if is_geo else pd.read_parquet(target)
        except Exception:  # a broken cache is rebuilt, never trusted
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)
        else:
            with contextlib.suppress(OSError):
                os.utime(target)  # used now: the newest of its name
            return frame
    frame = build()
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        frame.to_parquet(tmp)
        os.replace(tmp, target)
    except OSError as exc:  # a read-only tree still works, without the cache
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        _warn_uncached(folder, exc.strerror or type(exc).__name__)
        return frame
    for old in _keys_of(name)[KEEP_PER_NAME:]:
        with contextlib.suppress(OSError):
            old.unlink(missing_ok=True)
    return frame
