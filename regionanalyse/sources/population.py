"""Population 1 January per kommune and fylke, 2005 to the latest year (SSB table 07459)."""
from __future__ import annotations

import pandas as pd

from ..errors import DataError
from ..memo import memo
from . import codes, integrity
from .cache import raw_path, read_csv_codes

SOURCE = "Statistisk sentralbyrå (SSB), tabell 07459, folkemengde 1. januar"
KOMMUNE_FILE = "befolkning_kommune_1jan_2005_2026_ssb07459.csv"
FYLKE_FILE = "befolkning_fylke_1jan_2005_2026_ssb07459.csv"
AGE_COLUMNS = ["alder_0_15", "alder_16_66", "alder_67_pluss"]


def _years() -> range:
    """The years the kommune file covers (`regionanalyse data update` may add one)."""
    try:
        aar = pd.read_csv(raw_path(KOMMUNE_FILE), usecols=["aar"])["aar"]
        return range(int(aar.min()), int(aar.max()) + 1)
    except (DataError, OSError, ValueError, KeyError):
        return range(2005, 2027)  # missing or unreadable: loading the table says why


YEARS = _years()


@memo(None)
def _kommune_table() -> pd.DataFrame:
    path = raw_path(KOMMUNE_FILE)

    def build() -> pd.DataFrame:
        table = read_csv_codes(path, ["kommunenummer", "fylkesnummer"])
        # every row's code valid in its year, every kommune of every year present
        return integrity.check_kommune_codes(table, path, table["aar"], fylke_column="fylkesnummer",
                                             complete=True)

    return integrity.cached_checked("befolkning_kommune", [path], build)


def check_year(year: int) -> int:
    """Return year if population data exist for it, else raise DataError."""
    if int(year) not in YEARS:
        raise DataError(f"år {year}: folkemengde finnes bare for {YEARS[0]}–{YEARS[-1]}")
    return int(year)


def kommune_population(year: int) -> pd.DataFrame:
    """Population per kommune on 1 January of `year`, in that year's kommune codes."""
    table = _kommune_table()
    out = table[table["aar"] == check_year(year)].reset_index(drop=True)
    return codes.with_year_names(out, year)


def fylke_population(year: int) -> pd.DataFrame:
    """Population per fylke on 1 January of `year` (SSB's fylke file, that year's codes)."""
    path = raw_path(FYLKE_FILE)
    table = read_csv_codes(path, ["fylkesnummer"])
    table = table[table["aar"] == check_year(year)]
    integrity.check_fylke_codes(table["fylkesnummer"], path, year)
    return table.reset_index(drop=True)


def national_population(year: int) -> int:
    """Population of Norway on 1 January of `year` (sum over kommuner)."""
    return int(kommune_population(year)["folkemengde"].sum())


def national_series() -> pd.DataFrame:
    """Population of Norway per year, with age groups."""
    cols = ["folkemengde", *AGE_COLUMNS]
    return _kommune_table().groupby("aar", as_index=False)[cols].sum()
