"""Kommune codes 2005–2026 and how they map between years (successor chains)."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from .cache import raw_path, read_csv_codes

SOURCE = "SSB tabell 07459 (koder per år); etterfølgere fra csdata (FHI)"
CODE_FILE = "kommuner_2005_2026_kodeliste.csv"


@lru_cache(maxsize=None)
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
    hit = frame["kommunenummer"].isin(list(NAMES_BEFORE))
    if not hit.any():
        return frame
    frame = frame.copy()
    frame.loc[hit, column] = [name_in_year(c, n, year) for c, n in
                              zip(frame.loc[hit, "kommunenummer"], frame.loc[hit, column])]
    return frame


def kommuner(year: int) -> pd.DataFrame:
    """Kommuner valid on 1 January of `year`: code, name (as it was that year), fylke."""
    return _kommuner(int(year)).copy()


@lru_cache(maxsize=None)
def _kommuner(year: int) -> pd.DataFrame:
    table = code_list()
    valid = table[(table["forste_aar_1jan"] <= year) & (table["siste_aar_1jan"] >= year)]
    out = valid[["kommunenummer", "kommunenavn", "fylkesnummer", "fylkesnavn"]].reset_index(drop=True)
    return with_year_names(out, year)


def fylker(year: int) -> pd.DataFrame:
    """Fylker valid on 1 January of `year`: code and name."""
    return (kommuner(year)[["fylkesnummer", "fylkesnavn"]].drop_duplicates()
            .sort_values("fylkesnummer").reset_index(drop=True))


def _successors(code: str) -> list[tuple[str, float]]:
    row = code_list().loc[code]
    succ = row["etterfolger_kommunenummer"]
    if pd.isna(succ) or succ == "":
        return []
    codes = str(succ).split(";")
    weights = row["etterfolger_vekt_csdata"]
    if pd.isna(weights) or weights == "":
        return [(c, 1.0) for c in codes]
    return list(zip(codes, (float(w) for w in str(weights).split(";"))))


def _forward(code: str, year: int, weight: float = 1.0) -> list[tuple[str, float]]:
    """Codes valid in `year` that `code` became, with csdata's share weights."""
    table = code_list()
    if table.loc[code, "siste_aar_1jan"] >= year:
        return [(code, weight)]
    out: list[tuple[str, float]] = []
    for succ, w in _successors(code):
        out.extend(_forward(succ, year, weight * w))
    return out


@lru_cache(maxsize=None)
def crosswalk(from_year: int, to_year: int) -> pd.DataFrame:
    """Map kommune codes valid in `from_year` to those valid in `to_year`.

    Columns: code_from, code_to, weight. `weight` is the share of code_from that went to
    code_to (1 for whole kommuner; csdata's approximations for the few splits). A code_to
    with several code_from rows was formed by a merger; a code_from with several code_to
    rows was split.
    """
    if from_year <= to_year:
        rows = [(c, t, w) for c in kommuner(from_year)["kommunenummer"]
                for t, w in _forward(c, to_year)]
        return pd.DataFrame(rows, columns=["code_from", "code_to", "weight"])
    back = crosswalk(to_year, from_year)
    return back.rename(columns={"code_from": "code_to", "code_to": "code_from"})[
        ["code_from", "code_to", "weight"]]


@lru_cache(maxsize=None)
def territory_groups(from_year: int, to_year: int) -> tuple[tuple[frozenset, frozenset], ...]:
    """The smallest groups of kommuner covering the same land in both years: (codes valid in
    `from_year`, codes valid in `to_year`). An unchanged kommune is a group of one; a merger
    or a split joins every kommune involved (union-find over the crosswalk)."""
    parent: dict = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in crosswalk(from_year, to_year)[["code_from", "code_to"]].itertuples(index=False):
        root_a, root_b = find((0, a)), find((1, b))
        if root_a != root_b:
            parent[root_a] = root_b
    groups: dict = {}
    for node in list(parent):
        groups.setdefault(find(node), []).append(node)
    return tuple((frozenset(c for side, c in nodes if side == 0),
                  frozenset(c for side, c in nodes if side == 1)) for nodes in groups.values())
