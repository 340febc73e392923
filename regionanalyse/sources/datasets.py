"""Data sets: the shipped snapshot and refreshed sets in the user data folder.

Layout of the data folder (`config.data_home()`: $REGIONANALYSE_DATA, else the platform's user
data folder): `sets/<name>/` holds a whole raw set (every file the package reads, with
SHA256SUMS and PROVENANCE.json for the files fetched into it); `current` names the active set.
A set is never changed after it is written; switching writes `current` beside and renames it
over the old one (atomic), so a reader sees the old set or the new one, never a mix.
`data update --rollback` points `current` back at the set the active one replaced.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from ..errors import DataError

SHIPPED = "levert"       # the snapshot in data/raw
PROVENANCE = "PROVENANCE.json"
MANIFEST = "SET.json"    # name, created, previous set, sources refreshed

# file → source group, in the order `data status` lists them
SOURCES = {
    "befolkning_kommune_1jan_2005_2026_ssb07459.csv": "befolkning",
    "befolkning_fylke_1jan_2005_2026_ssb07459.csv": "befolkning",
    "kommuner_2005_2026_kodeliste.csv": "koder",
    "kommune2016_til_fylke_2018_2019_2020_2024.csv": "koder",
    "kommuner_gjenopprettet.csv": "koder",
    "ba_regioner_2020_kommuner.csv": "ba",
    "ba_regioner_2024_kommuner.csv": "ba",
    "fylker_2017_geonorge_full.geojson": "geometri",
    "fylker_2019_csmaps.geojson": "geometri",
    "fylker_2020_robhop_small.geojson": "geometri",
    "fylker_2024_robhop_S.geojson": "geometri",
    "kommuner_2019_csmaps.geojson": "geometri",
    "kommuner_2020_csmaps.geojson": "geometri",
    "kommuner_2024_robhop_S.geojson": "geometri",
    "nav_kontor_2016_tabell1.csv": "nav",
    "nav_fylkesledd_fra_2019.csv": "nav",
    "nav_arsverk.csv": "nav",
    "areal_fylke_19.csv": "annet",
    "sysselsatte_aku_fylke_2015_2016.csv": "annet",
}
# Origin of the shipped files (details: data/raw/SOURCES.md and SOURCES_shared.md): group →
# (origin, date of the upstream copy, licence).
SHIPPED_ORIGIN = {
    "befolkning": ("SSB 07459 via csdata (FHI), commit c5199818", "2026-03-31", "NLOD 2.0"),
    "koder": ("SSB 07459 og csdata (FHI)", "2026-03-31", "NLOD 2.0"),
    "ba": ("TØI/NIBR via KDD (regneark)", "", "NLOD 2.0"),
    "geometri": ("Kartverket/Geonorge via csmaps og robhop", "2025-08-20", "CC BY 4.0"),
    "nav": ("NAV (delrapport 2, 2016; nav.no)", "2016", ""),
    "annet": ("SSB, arbeidskraftundersøkelsen (AKU)", "2017-01-26", "NLOD 2.0"),
}
# files whose origin differs from their group's
SHIPPED_FILE_ORIGIN = {
    "kommuner_gjenopprettet.csv": ("regjeringen.no (3.5.2022) og Stortinget (juni 2022)", "2022",
                                   ""),
    "nav_fylkesledd_fra_2019.csv": ("nav.no, «Nye fylker og regioner i NAV»", "", ""),
    "nav_arsverk.csv": ("ingen offentlig kilde funnet (bare overskrift)", "", ""),
    "areal_fylke_19.csv": ("SSB, areal 2013", "", "NLOD 2.0"),
}
STATUS_COLUMNS = ["kilde", "fil", "aar", "opphav", "hentet", "lisens", "sha256", "datasett"]


def sha256(path: Path) -> str:
    """SHA-256 of a file."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def checksums(folder: Path) -> dict[str, str]:
    """File name → SHA-256 for every data file in `folder` (not the set's own bookkeeping)."""
    return {p.name: sha256(p) for p in sorted(Path(folder).iterdir())
            if p.is_file() and p.name not in (MANIFEST, PROVENANCE, "SHA256SUMS", "update.lock")}


def years_covered(path: Path) -> str:
    """The years a file covers: from its `aar` (or first/last year) columns, else its name."""
    path = Path(path)
    if path.suffix == ".csv":
        head = pd.read_csv(path, nrows=0).columns
        if "aar" in head:
            aar = pd.read_csv(path, usecols=["aar"])["aar"]
            return _span(aar.min(), aar.max()) if len(aar) else ""
        if {"forste_aar_1jan", "siste_aar_1jan"} <= set(head):
            t = pd.read_csv(path, usecols=["forste_aar_1jan", "siste_aar_1jan"])
            return _span(t["forste_aar_1jan"].min(), t["siste_aar_1jan"].max())
    found = re.findall(r"(?<!\d)(20\d\d)(?!\d)", path.stem)
    return _span(min(found), max(found)) if found else ""


def _span(first, last) -> str:
    return f"{int(first)}" if int(first) == int(last) else f"{int(first)}–{int(last)}"


def provenance(folder: Path) -> dict:
    """PROVENANCE.json of a set (file → URL, query, retrieval time, licence), {} if none."""
    path = Path(folder) / PROVENANCE
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def set_name(raw_dir: Path, home: Path) -> str:
    """Name of the data set in `raw_dir`: a refreshed set's folder name, or «levert»."""
    raw_dir = Path(raw_dir).resolve()
    return raw_dir.name if raw_dir.parent == (Path(home) / "sets").resolve() else SHIPPED


def status(raw_dir: Path, home: Path) -> pd.DataFrame:
    """One row per data file: source, years, origin, retrieval date, licence, SHA-256 and the
    data set it comes from (a refreshed set's name for files fetched into it, else «levert»)."""
    raw_dir = Path(raw_dir)
    fetched = provenance(raw_dir)
    name = set_name(raw_dir, home)
    rows = []
    for file, group in SOURCES.items():
        path = raw_dir / file
        if not path.is_file():
            raise DataError(f"{path}: datafil mangler (data file missing)")
        if file in fetched:
            p = fetched[file]
            origin, when, licence = p["url"], p["retrieved"][:10], p["licence"]
            where = p.get("set", name)  # the set the file was fetched into
        else:
            (origin, when, licence) = SHIPPED_FILE_ORIGIN.get(file, SHIPPED_ORIGIN[group])
            where = SHIPPED
        rows.append([group, file, years_covered(path), origin, when, licence, sha256(path), where])
    return pd.DataFrame(rows, columns=STATUS_COLUMNS)


@contextmanager
def locked(home: Path):
    """Hold `home/update.lock` while an update or rollback runs; a second one is refused (a
    lock left by a process that no longer runs is taken over)."""
    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    lock = home / "update.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            break
        except FileExistsError:
            pid = lock.read_text().strip()
            if not _running(pid):  # left by a process that is gone: a stale lock
                lock.unlink(missing_ok=True)
                continue
            raise DataError(f"en annen oppdatering av {home} pågår (prosess {pid}); prøv igjen "
                            f"når den er ferdig, eller slett {lock} om ingen kjører") from None
    else:
        raise DataError(f"{lock}: kan ikke låse datamappen")
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _running(pid: str) -> bool:
    """Whether process `pid` runs (on Windows assumed so: os.kill there would end it)."""
    if sys.platform == "win32":
        return True
    try:
        os.kill(int(pid), 0)
    except PermissionError:  # runs, as another user
        return True
    except (OSError, ValueError):
        return False
    return True


def current_name(home: Path) -> str:
    """The active set's name (`current`), or «levert»."""
    try:
        return (Path(home) / "current").read_text(encoding="utf-8").strip() or SHIPPED
    except OSError:
        return SHIPPED


def stage(home: Path, base: Path) -> Path:
    """A new folder beside the sets holding a copy of the set in `base`; the caller replaces
    the files it refreshes and then calls `activate` (or removes the folder)."""
    sets = Path(home) / "sets"
    sets.mkdir(parents=True, exist_ok=True)
    name = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    staging = sets / f".{name}.tmp"
    staging.mkdir()
    for path in Path(base).iterdir():
        if path.is_file() and path.name not in (MANIFEST,):
            shutil.copy2(path, staging / path.name)
    return staging


def staged_name(staging: Path) -> str:
    """The name a staged folder gets when it is activated."""
    return Path(staging).name.strip(".").removesuffix(".tmp")


def activate(home: Path, staging: Path, sources: list[str], previous: str) -> str:
    """Seal a staged set (SHA256SUMS, SET.json) and make it the active one; return its name."""
    home, staging = Path(home), Path(staging)
    name = staged_name(staging)
    sums = checksums(staging)
    (staging / "SHA256SUMS").write_text("".join(f"{h}  {f}\n" for f, h in sums.items()),
                                        encoding="utf-8")
    manifest = {"name": name, "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "previous": previous, "sources": sorted(sources)}
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    final = home / "sets" / name
    os.rename(staging, final)
    _point(home, name)
    return name


def rollback(home: Path) -> tuple[str, str]:
    """Point `current` back at the set the active one replaced; return (from, to)."""
    home = Path(home)
    now = current_name(home)
    if now == SHIPPED:
        raise DataError("ingen oppdatering å rulle tilbake: den leverte datapakken er i bruk")
    manifest = home / "sets" / now / MANIFEST
    try:
        previous = json.loads(manifest.read_text(encoding="utf-8"))["previous"]
    except (OSError, ValueError, KeyError) as exc:
        raise DataError(f"{manifest}: kan ikke lese forrige datasett ({exc})") from exc
    if previous != SHIPPED and not (home / "sets" / previous).is_dir():
        raise DataError(f"forrige datasett {previous} finnes ikke lenger i {home / 'sets'}")
    _point(home, previous)
    return now, previous


def _point(home: Path, name: str) -> None:
    """Write `current` beside and rename it into place (atomic on one file system)."""
    tmp = Path(home) / f"current.{os.getpid()}.tmp"
    tmp.write_text(name + "\n", encoding="utf-8")
    os.replace(tmp, Path(home) / "current")
