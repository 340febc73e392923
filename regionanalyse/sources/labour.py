"""Labour market: SSB's BA-regions (2020 classification) and AKU employment 2015–2016."""
from __future__ import annotations

import pandas as pd

from ..memo import memo
from . import integrity
from .cache import raw_path, read_csv_codes

BA_FILES = {2020: "ba_regioner_2020_kommuner.csv", 2024: "ba_regioner_2024_kommuner.csv"}
BA_SOURCE = "SSB, bo- og arbeidsmarkedsregioner 2020 (via csdata, FHI)"
AKU_FILE = "sysselsatte_aku_fylke_2015_2016.csv"
AKU_SOURCE = "SSB, arbeidskraftundersøkelsen (AKU), sysselsatte 15–74 år etter bostedsfylke"
AKU_YEARS = (2015, 2016)


def ba_year(year: int) -> int:
    """Which BA code list fits a year: 2024 codes from 2024, else 2020 codes."""
    return 2024 if year >= 2024 else 2020


@memo(None)
def _ba_regions(code_year: int) -> pd.DataFrame:
    path = raw_path(BA_FILES[code_year])

    def build() -> pd.DataFrame:
        frame = read_csv_codes(path, ["kommunenummer", "fylkesnummer"])
        return integrity.check_kommune_codes(frame, path, code_year, fylke_column="fylkesnummer",
                                             complete=True)

    return integrity.cached_checked(f"ba_regioner_{code_year}", [path], build)  # checked, recoded


def ba_regions(code_year: int) -> pd.DataFrame:
    """Kommune → BA-region in 2020 (or 2024) kommune codes, every kommune of that year.

    The files' three codes that do not exist in their year (1567 Rindal, 3444 Jevnaker,
    3445 Lunner) are recoded (see sources.integrity.RECODINGS and data/raw/SOURCES.md).
    """
    return _ba_regions(code_year)


def employment() -> pd.DataFrame:
    """Employed persons (1000) per 2016 fylke, AKU annual averages 2015 and 2016."""
    path = raw_path(AKU_FILE)
    frame = read_csv_codes(path, ["fylkesnummer"])
    integrity.check_fylke_codes(frame["fylkesnummer"], path, 2016)
    return frame
