"""Publishing into the output folder: the lock, the manifest, atomic writes, the build log."""
from __future__ import annotations

import datetime as dt
import errno
import fcntl
import json
import logging
import os
import stat
import sys
import tempfile
from pathlib import Path

from ..errors import RegionanalyseError, UsageError
from ..statefile import read_json

LOCK_NAME = ".regionanalyse.lock"
LOG_NAME = "build.log"
STALE_DIR = "_tidligere"
FILE_MODE = 0o644
log = logging.getLogger("regionanalyse.publish")


class LockedError(RegionanalyseError):
    """Another build holds the output folder."""


def _open_nofollow(path: Path, flags: int, what: str) -> int:
    """os.open that never follows a symlink (a clear error instead)."""
    if path.is_symlink():
        raise UsageError(f"{path}: {what} er en symbolsk lenke; den følges ikke – fjern den")
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, FILE_MODE)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError(f"{path}: {what} er en symbolsk lenke; den følges ikke – fjern den") from None
        raise UsageError(f"{path}: {what} kan ikke åpnes ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UsageError(f"{path}: {what} er ikke en vanlig fil")
    os.fchmod(fd, FILE_MODE)
    return fd


class OutputLock:
    """flock on <out>/.regionanalyse.lock, opened without following symlinks. Pool workers
    inherit the open lock, so it is held as long as any process of the build lives."""

    def __init__(self, path: Path, fd: int):
        self.path, self._fd = path, fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None


def acquire_lock(out: Path) -> OutputLock:
    """Hold the output folder's lock, or raise LockedError at once."""
    path = out / LOCK_NAME
    fd = _open_nofollow(path, os.O_RDWR | os.O_CREAT, "låsfilen")
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        raise LockedError(f"{out}: en annen bygging pågår (låsfil {path}); "
                          "prøv igjen når den er ferdig") from None
    return OutputLock(path, fd)


def prepare_out(out: Path, label: str = "--out") -> Path:
    """The output folder, created if needed and checked writable; a clear UsageError naming
    `label` (the option or setting it came from) otherwise."""
    out = Path(out)
    for parent in [out, *out.parents]:
        if parent.exists() and not parent.is_dir():
            what = "er en fil, ikke en mappe" if parent == out else f"ligger under filen {parent}"
            raise UsageError(f"{label} {out}: {what}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out, prefix=".skrivetest-"):
            pass
    except OSError as exc:
        raise UsageError(f"{label} {out}: kan ikke skrive i mappen ({exc.strerror})") from None
    return Path(os.path.abspath(out))  # notebooks run in another folder


def child_dir(out: Path, name: str) -> Path:
    """<out>/<name>, checked to be a real folder directly inside `out` (no symlink, no ..)."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    if path.is_symlink():
        raise UsageError(f"{path}: er en symbolsk lenke; utmappen for et forslag må være en vanlig mappe")
    if path.resolve().parent != out.resolve() or name in ("", ".", ".."):
        raise UsageError(f"{path}: ligger ikke inne i utmappen {out}")
    path.mkdir(exist_ok=True)
    return path


def make_public(path: Path) -> None:
    """Published files are 0644 whatever the umask or the writer (mkstemp makes 0600)."""
    os.chmod(path, FILE_MODE)


def move_stale(out_dir: Path, keep: set[str]) -> list[str]:
    """Move appendix files not in the current plan (a renamed or removed region) to
    _tidligere/<date>/; return their names."""
    stale = sorted(p.name for p in out_dir.glob("vedlegg-*") if p.is_file() and not p.is_symlink()
                   and p.name not in keep)
    if stale:
        target = out_dir / STALE_DIR / dt.date.today().isoformat()
        target.mkdir(parents=True, exist_ok=True)
        for name in stale:
            os.replace(out_dir / name, target / name)
    return stale


def read_manifest(path: Path, repair: bool = False) -> dict:
    """The manifest (appendix stem → inputs hash, files, title, time, checks). A file that is
    not such a map, or an entry of the wrong shape, is reported and left out (those appendices
    are built again); with `repair` (the build holds the lock) the file is rewritten at once
    without them."""
    data, problem = read_json(path)
    if problem is None and data is not None and not isinstance(data, dict):
        problem = "er ikke et JSON-kart"
    if problem:
        log.warning("%s %s; den erstattes, og vedleggene bygges på nytt", path, problem)
        if repair:
            write_manifest(path, {})
        return {}
    manifest = {stem: entry for stem, entry in (data or {}).items() if _entry_ok(stem, entry)}
    if len(manifest) < len(data or {}):
        log.warning("%s: %d ugyldig(e) oppføring(er) fjernet; de vedleggene bygges på nytt", path,
                    len(data) - len(manifest))
        if repair:
            write_manifest(path, manifest)
    return manifest


def _entry_ok(stem, entry) -> bool:
    """One manifest entry as the build writes it: a map with a text hash, a list of file names
    and (if any) checks per file."""
    if not isinstance(entry, dict) or not isinstance(entry.get("inputs"), str):
        return False
    files, checks = entry.get("files", []), entry.get("checks")
    return (isinstance(files, list) and all(isinstance(f, str) for f in files)
            and (checks is None or (isinstance(checks, dict)
                                    and all(isinstance(c, dict) for c in checks.values()))))


def write_atomic(path: Path, text: str) -> None:
    """Write text so that readers see the old file or the new one, never a partial one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        make_public(tmp)
        os.replace(tmp, path)
    except BaseException:  # disk full, interrupted: no half-written temp file left behind
        tmp.unlink(missing_ok=True)
        raise


def write_manifest(path: Path, manifest: dict) -> None:
    write_atomic(path, json.dumps(manifest, indent=1, ensure_ascii=False))


def setup_logging(out: Path) -> None:
    """Log to stderr and to <out>/build.log (never through a symlink)."""
    log_file = os.fdopen(_open_nofollow(out / LOG_NAME, os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                                        "loggfilen"), "a", encoding="utf-8")
    logging.raiseExceptions = False  # a full disk must not print a traceback per log line
    root = logging.getLogger("regionanalyse")
    root.setLevel(logging.INFO)
    root.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(fmt)
    file_handler = logging.StreamHandler(log_file)
    file_handler.setFormatter(fmt)
    root.addHandler(stream)
    root.addHandler(file_handler)


def progress(total: int):
    """A progress bar on a terminal, else None."""
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, unit="vedlegg", file=sys.stderr)
    return None
