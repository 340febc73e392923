"""NAV figures: office counts (2016 report, per set of fylker), årsverk, NAV's 2019 units."""
from __future__ import annotations

import io
import math
import os
import stat
from pathlib import Path

import pandas as pd

from ..errors import DataError
from . import integrity
from .cache import raw_path, read_csv_codes
from .population import YEARS

OFFICES_FILE = "nav_kontor_2016_tabell1.csv"
ARSVERK_FILE = "nav_arsverk.csv"
UNITS_2019_FILE = "nav_fylkesledd_fra_2019.csv"
ARSVERK_ENV = "REGIONANALYSE_ARSVERK"
OFFICES_SOURCE = "NAV, delrapport 2 om regional struktur (2016), tabell 1"
OFFICES_YEAR = 2016  # the counts are "dagens antall" in autumn 2016
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
        try:
            mode = os.stat(path).st_mode
        except FileNotFoundError:
            raise DataError(f"{path}: årsverk-filen finnes ikke") from None
        except OSError as exc:
            raise DataError(f"{path}: årsverk-filen kan ikke leses ({exc.strerror})") from None
        if stat.S_ISDIR(mode):
            raise DataError(f"{path}: er en mappe, ikke en årsverk-fil (CSV)")
        if not stat.S_ISREG(mode):
            raise DataError(f"{path}: er ikke en vanlig fil (FIFO, enhet e.l.); oppgi en CSV-fil")
        return path
    return raw_path(ARSVERK_FILE)


MAX_ARSVERK_BYTES = 10_000_000
MAX_ARSVERK = 1_000_000  # far above any fylke's NAV staff; catches 1e308 and typos


def _short(value) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _read_arsverk_text(path: Path) -> str:
    """The file as UTF-8 text, with hints for the usual export mistakes."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_ARSVERK_BYTES + 1)
    except OSError as exc:
        raise DataError(f"{path}: kan ikke leses ({exc.strerror})") from None
    if len(raw) > MAX_ARSVERK_BYTES:
        raise DataError(f"{path}: er over {MAX_ARSVERK_BYTES // 1_000_000} MB; er det riktig fil?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DataError(f"{path}, linje {line}: er ikke UTF-8-tekst (ser ut som Windows-1252/Latin-1, "
                        "f.eks. fra Excel); lagre som «CSV UTF-8»") from None
    header = text.split("\n", 1)[0]
    if ";" in header and "," not in header:
        raise DataError(f"{path}: ser ut til å være semikolonseparert; formatet er kommaseparert "
                        f"({','.join(ARSVERK_COLUMNS)}), med ; bare mellom fylkesnumre")
    return text


def arsverk(path: Path | None = None) -> pd.DataFrame:
    """Validated årsverk per set of fylker and year (may be empty: no public figures)."""
    path = path or arsverk_path()
    text = _read_arsverk_text(path)
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str)  # quoted back exactly as written
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DataError(f"{path}: kan ikke leses som CSV ({_short(exc)})") from None
    missing = [c for c in ARSVERK_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(f"{path}: mangler kolonne(r) {', '.join(missing)}; "
                        f"formatet er {','.join(ARSVERK_COLUMNS)}")
    for i, row in frame.iterrows():
        line = i + 2
        value = pd.to_numeric(row["arsverk"], errors="coerce")
        if pd.isna(value) or not math.isfinite(value) or value < 0:
            raise DataError(f"{path}, linje {line}: årsverk «{_short(row['arsverk'])}» er ikke et "
                            "endelig tall ≥ 0")
        if value > MAX_ARSVERK:
            raise DataError(f"{path}, linje {line}: årsverk «{_short(row['arsverk'])}» er urimelig "
                            "stort (over 1 000 000)")
        if pd.isna(row["kilde"]) or not str(row["kilde"]).strip():
            raise DataError(f"{path}, linje {line}: kilde mangler")
        for col in ("vintage", "aar"):
            year = pd.to_numeric(row[col], errors="coerce")
            if pd.isna(year) or year != int(year):
                raise DataError(f"{path}, linje {line}: {col} «{_short(row[col])}» er ikke et årstall")
            if int(year) not in YEARS:
                raise DataError(f"{path}, linje {line}: {col} «{_short(row[col])}» er utenfor "
                                f"{YEARS[0]}–{YEARS[-1]}")
    frame["arsverk"] = pd.to_numeric(frame["arsverk"]).astype(float)
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
