"""Kommune codes 2005–2026, their names and successors (the chains `succession` follows)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..memo import memo
from .cache import raw_path, read_csv_codes

SOURCE = "SSB tabell 07459 (koder per år); etterfølgere fra csdata (FHI)"
CODE_FILE = "kommuner_2005_2026_kodeliste.csv"


@memo(None)
def code_list() -> pd.DataFrame:
    """Every kommune code 2005–2026 with name, fylke, first/last year and successors."""
    table = read_csv_codes(raw_path(CODE_FILE), ["kommunenummer", "fylkesnummer",
                                                 "etterfolger_kommunenummer",
                                                 "etterfolger_vekt_csdata"])
    return table.set_index("kommunenummer", drop=False)


# Names the raw files give for every year although they were adopted later: code →
# (first year the name applies, the name before). Oslo's South Sami parallel name «Oslove»
# was adopted by the city council in December 2023 (NRK: https://www.nrk.no/stor-oslo/_oslove_-endelig-vedtatt-1.16687103); csdata's list, from
# which the code list and the population file take their names, uses «Oslo-Oslove» for all
# years. Documented in data/raw/SOURCES.md.
NAMES_BEFORE = {"0301": (2024, "Oslo")}


def name_in_year(code: str, name: str, year: int) -> str:
    """The kommune's name as it was on 1 January of `year`."""
    since, before = NAMES_BEFORE.get(code, (0, name))
    return before if year < since else name


def with_year_names(frame: pd.DataFrame, year: int, column: str = "kommunenavn") -> pd.DataFrame:
    """`frame` with kommune names as they were in `year` (see NAMES_BEFORE)."""
    hit = np.flatnonzero(frame["kommunenummer"].isin(list(NAMES_BEFORE)))
    if not len(hit):
        return frame
    code, names = frame["kommunenummer"].to_numpy(), frame[column].to_numpy(copy=True)
    names[hit] = [name_in_year(code[i], names[i], year) for i in hit]
    return frame.assign(**{column: pd.array(names, dtype=frame[column].dtype)})


def kommune_codes(year: int) -> pd.DataFrame:
    """Kommuner valid on 1 January of `year`: code, name (as it was that year), fylke."""
    return _kommune_codes(int(year))


@memo(None)
def _kommune_codes(year: int) -> pd.DataFrame:
    table = code_list()
    valid = table[(table["forste_aar_1jan"] <= year) & (table["siste_aar_1jan"] >= year)]
    out = valid[["kommunenummer", "kommunenavn", "fylkesnummer", "fylkesnavn"]].reset_index(drop=True)
    return with_year_names(out, year)


def fylke_codes(year: int) -> pd.DataFrame:
    """Fylker valid on 1 January of `year`: code and name."""
    return (kommune_codes(year)[["fylkesnummer", "fylkesnavn"]].drop_duplicates()
            .sort_values("fylkesnummer").reset_index(drop=True))


def _parse_successors(succ, weights) -> tuple[tuple[str, float], ...]:
    """csdata's successor codes and share weights (1 each when none are given)."""
    if pd.isna(succ) or succ == "":
        return ()
    codes = str(succ).split(";")
    if pd.isna(weights) or weights == "":
        return tuple((c, 1.0) for c in codes)
    return tuple(zip(codes, (float(w) for w in str(weights).split(";"))))


@memo(None)
def succession() -> dict[str, tuple[int, int, tuple[tuple[str, float], ...]]]:
    """Code → (first and last year valid on 1 January, successors with csdata's share
    weights), in the code list's order."""
    table = code_list()
    return {code: (int(first), int(last), _parse_successors(succ, weights))
            for code, first, last, succ, weights in zip(
                table["kommunenummer"], table["forste_aar_1jan"], table["siste_aar_1jan"],
                table["etterfolger_kommunenummer"], table["etterfolger_vekt_csdata"])}
