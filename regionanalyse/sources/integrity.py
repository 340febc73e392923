"""Code integrity of the raw files: every code is checked against the code list of its year.

A code that does not exist in the file's year is recoded only where the mapping is certain
(each correction is listed in RECODINGS and documented in data/raw/SOURCES.md); any other
unknown code stops loading with a DataError naming file, line and code. Nothing is dropped.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import DataError
from . import codes
from .cache import cached, raw_path

# file → {code in the file: (code valid in the file's year, why)}. Certain by name and by the
# code list: the kommune exists in the file's year under the new code, and the old code belongs
# to a fylke the kommune was not part of in that year.
_RINDAL = "Rindal: 1567 gjaldt til 31.12.2018 (Møre og Romsdal); fra 2019 5061 (Trøndelag)"
_JEVNAKER = ("Jevnaker: 3444 er et planlagt Innlandet-nummer som aldri ble tatt i bruk; kommunen "
             "gikk til Viken i 2020 (3053) og til Akershus i 2024 (3236)")
_LUNNER = ("Lunner: 3445 er et planlagt Innlandet-nummer som aldri ble tatt i bruk; kommunen "
           "gikk til Viken i 2020 (3054) og til Akershus i 2024 (3234)")
RECODINGS: dict[str, dict[str, tuple[str, str]]] = {
    "ba_regioner_2020_kommuner.csv": {"1567": ("5061", _RINDAL), "3444": ("3053", _JEVNAKER),
                                      "3445": ("3054", _LUNNER)},
    "ba_regioner_2024_kommuner.csv": {"1567": ("5061", _RINDAL), "3444": ("3236", _JEVNAKER),
                                      "3445": ("3234", _LUNNER)},
}


def cached_checked(name: str, sources: list[Path], build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """`cache.cached` for a table whose `build` runs the code checks: the key also holds the code
    list and the code of these checks, so a table served from the cache is one that passed
    them against the current code list."""
    return cached(name, [*sources, raw_path(codes.CODE_FILE)], build,
                  depends=(sys.modules[__name__], codes))


def check_kommune_codes(frame: pd.DataFrame, path: Path, year: int | pd.Series,
                        column: str = "kommunenummer", fylke_column: str | None = None,
                        complete: bool = False, feature: bool = False) -> pd.DataFrame:
    """Recode certain corrections, then require every code to be valid in `year`.

    `year` is one year or a Series (per row). `fylke_column`, if given, must equal the code
    list's fylke of the (recoded) kommune in that year; it is set from the code list after a
    recoding. `complete` also requires every kommune of the year to be present.
    Returns the (possibly recoded) frame; raises DataError naming file, line and code.
    """
    path = Path(path)
    frame = frame.copy()
    fixes = RECODINGS.get(path.name, {})
    if fixes:
        hit = frame[column].isin(list(fixes))
        frame.loc[hit, column] = frame.loc[hit, column].map(lambda c: fixes[c][0])
        if fylke_column:
            frame.loc[hit, fylke_column] = frame.loc[hit, column].str[:2]
    table = codes.code_list()
    years = year if isinstance(year, pd.Series) else pd.Series(int(year), index=frame.index)
    col = frame[column]
    known = col.isin(table.index)
    first = col.map(table["forste_aar_1jan"])
    last = col.map(table["siste_aar_1jan"])
    ok = known & (first <= years) & (last >= years)
    if fylke_column:
        ok &= frame[fylke_column] == col.map(table["fylkesnummer"])
    for label in frame.index[~ok.fillna(False).astype(bool)][:1]:
        code, y = col[label], int(years[label])
        where = f"objekt {int(label) + 1}" if feature else f"linje {int(label) + 2}"
        if pd.isna(code) or code not in table.index:
            raise DataError(f"{path.name}, {where}: kommunenummer «{code}» finnes ikke i "
                            f"kodelisten (år {y})")
        if not table.at[code, "forste_aar_1jan"] <= y <= table.at[code, "siste_aar_1jan"]:
            raise DataError(f"{path.name}, {where}: kommunenummer {code} "
                            f"({table.at[code, 'kommunenavn']}) gjelder "
                            f"{table.at[code, 'forste_aar_1jan']}–{table.at[code, 'siste_aar_1jan']}"
                            f", ikke {y}")
        raise DataError(f"{path.name}, {where}: fylkesnummer «{frame.at[label, fylke_column]}» "
                        f"passer ikke til kommune {code} (fylke "
                        f"{table.at[code, 'fylkesnummer']} i kodelisten)")
    dup = pd.DataFrame({"y": years, "c": frame[column]}).duplicated()
    if dup.any():
        label = dup[dup].index[0]
        raise DataError(f"{path.name}: kommunenummer {frame.at[label, column]} står flere "
                        f"ganger (år {int(years[label])})")
    if complete:
        for y, group in frame.groupby(years):
            missing = sorted(set(codes.kommune_codes(int(y))["kommunenummer"]) - set(group[column]))
            if missing:
                raise DataError(f"{path.name}: {len(missing)} kommuner i {int(y)} mangler, "
                                f"bl.a. {', '.join(missing[:5])}")
    return frame


def check_fylke_codes(values, path: Path, year: int, where: str | None = None) -> None:
    """Every fylke code (iterable, or ';'-separated strings) must exist in `year`."""
    valid = set(codes.fylke_codes(int(year))["fylkesnummer"])
    for i, value in enumerate(values):
        for code in str(value).split(";"):
            code = code.strip()
            if code not in valid:
                at = where or f"linje {i + 2}"
                raise DataError(f"{Path(path).name}, {at}: fylkesnummer «{code}» finnes ikke i "
                                f"{year}")
