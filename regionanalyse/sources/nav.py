"""NAV figures: office counts (2016 report, per set of fylker), årsverk, NAV's 2019 units."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from ..errors import DataError
from . import integrity
from .cache import raw_path, read_csv_codes

OFFICES_FILE = "nav_kontor_2016_tabell1.csv"
ARSVERK_FILE = "nav_arsverk.csv"
UNITS_2019_FILE = "nav_fylkesledd_fra_2019.csv"
ARSVERK_ENV = "REGIONANALYSE_ARSVERK"
OFFICES_SOURCE = "NAV, delrapport 2 om regional struktur (2016), tabell 1"
OFFICES_YEAR = 2016  # the counts are "dagens antall" in autumn 2016
UNITS_SOURCE = "nav.no, «Nye fylker og regioner i NAV» (2019)"
ARSVERK_MISSING = ("ingen offentlige tall for NAV-årsverk per fylke rundt 2016 er funnet; "
                   "tallene kan leveres som egen fil, se dokumentasjonen")
ARSVERK_COLUMNS = ["fylker", "vintage", "aar", "arsverk", "kilde"]


def _split_sets(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    frame = frame.copy()
    frame["fylker"] = frame["fylker"].map(
        lambda s: frozenset(c.strip().zfill(2) for c in str(s).split(";") if c.strip()))
    overlap = [(a, b) for i, a in enumerate(frame["fylker"]) for b in frame["fylker"][i + 1:]
               if a & b]
    if overlap:
        a, b = overlap[0]
        raise DataError(f"{path}: fylkesettene {'+'.join(sorted(a))} og "
                        f"{'+'.join(sorted(b))} overlapper")
    return frame


def office_counts() -> pd.DataFrame:
    """NAV-office counts per set of 2016 fylker: navkontor (2016), navkontor_malbilde (2020)."""
    path = raw_path(OFFICES_FILE)
    frame = read_csv_codes(path, ["fylker", "merknad"])
    for i, row in frame.iterrows():
        integrity.check_fylke_codes([row["fylker"]], path, int(row["vintage"]), f"linje {i + 2}")
    return _split_sets(frame, path)


def arsverk_path(override: str | os.PathLike | None = None) -> Path:
    """The årsverk file in use: the argument, else $REGIONANALYSE_ARSVERK, else the shipped one."""
    chosen = override or os.environ.get(ARSVERK_ENV)
    if chosen:
        path = Path(chosen)
        if not path.is_file():
            raise DataError(f"{path}: årsverk-filen finnes ikke")
        return path
    return raw_path(ARSVERK_FILE)


def arsverk(path: Path | None = None) -> pd.DataFrame:
    """Validated årsverk per set of fylker and year (may be empty: no public figures)."""
    path = path or arsverk_path()
    frame = read_csv_codes(path, ["fylker", "kilde"])
    missing = [c for c in ARSVERK_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: mangler kolonne(r) {', '.join(missing)}; "
                        f"formatet er {','.join(ARSVERK_COLUMNS)}")
    for i, row in frame.iterrows():
        line = i + 2
        value = pd.to_numeric(row["arsverk"], errors="coerce")
        if pd.isna(value) or value < 0:
            raise DataError(f"{path}, linje {line}: årsverk «{row['arsverk']}» er ikke et tall ≥ 0")
        if pd.isna(row["kilde"]) or not str(row["kilde"]).strip():
            raise DataError(f"{path}, linje {line}: kilde mangler")
        for col in ("vintage", "aar"):
            if pd.isna(pd.to_numeric(row[col], errors="coerce")):
                raise DataError(f"{path}, linje {line}: {col} «{row[col]}» er ikke et årstall")
    frame["arsverk"] = pd.to_numeric(frame["arsverk"])
    frame = frame.astype({"vintage": int, "aar": int})
    for i, row in frame.iterrows():
        integrity.check_fylke_codes([row["fylker"]], path, int(row["vintage"]), f"linje {i + 2}")
    parts = [_split_sets(group, path) for _, group in frame.groupby("aar")]
    return pd.concat(parts, ignore_index=True) if parts else frame


def units_2019() -> pd.DataFrame:
    """NAV's 12 regional units from 2019 with seat and the 2016 fylker each covers."""
    path = raw_path(UNITS_2019_FILE)
    frame = read_csv_codes(path, ["fylkesnummer_2016"])
    integrity.check_fylke_codes(frame["fylkesnummer_2016"], path, 2016)
    return frame
