"""Kommune codes 2005–2026 and how they map between years (successor chains)."""
from __future__ import annotations

from functools import lru_cache

import numpy as np
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
    hit = np.flatnonzero(frame["kommunenummer"].isin(list(NAMES_BEFORE)))
    if not len(hit):
        return frame
    code, names = frame["kommunenummer"].to_numpy(), frame[column].to_numpy(copy=True)
    names[hit] = [name_in_year(code[i], names[i], year) for i in hit]
    return frame.assign(**{column: pd.array(names, dtype=frame[column].dtype)})


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


def _parse_successors(succ, weights) -> tuple[tuple[str, float], ...]:
    """csdata's successor codes and share weights (1 each when none are given)."""
    if pd.isna(succ) or succ == "":
        return ()
    codes = str(succ).split(";")
    if pd.isna(weights) or weights == "":
        return tuple((c, 1.0) for c in codes)
    return tuple(zip(codes, (float(w) for w in str(weights).split(";"))))


@lru_cache(maxsize=None)
def _succession() -> dict[str, tuple[int, int, tuple[tuple[str, float], ...]]]:
    """Code → (first and last year valid on 1 January, successors with csdata's share
    weights), in the code list's order."""
    table = code_list()
    return {code: (int(first), int(last), _parse_successors(succ, weights))
            for code, first, last, succ, weights in zip(
                table["kommunenummer"], table["forste_aar_1jan"], table["siste_aar_1jan"],
                table["etterfolger_kommunenummer"], table["etterfolger_vekt_csdata"])}


def _forward(code: str, year: int, weight: float = 1.0) -> list[tuple[str, float]]:
    """Codes valid in `year` that `code` became, with csdata's share weights."""
    _, last, successors = _succession()[code]
    if last >= year:
        return [(code, weight)]
    out: list[tuple[str, float]] = []
    for succ, w in successors:
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
        rows = [(c, t, w) for c, (first, last, _) in _succession().items()
                if first <= from_year <= last for t, w in _forward(c, to_year)]
        return pd.DataFrame(rows, columns=["code_from", "code_to", "weight"])
    back = crosswalk(to_year, from_year)
    return back.rename(columns={"code_from": "code_to", "code_to": "code_from"})[
        ["code_from", "code_to", "weight"]]


def _components(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected components of a two-sided graph with edges (left[i], right[i]), nodes numbered
    0.. on each side: each edge's component, numbered in the order of its first edge."""
    label = np.arange(len(left))
    while True:  # every edge takes the least label of the edges sharing a node with it
        joined = label
        for side in (left, right):
            least = np.full(len(label), len(label))
            np.minimum.at(least, side, joined)
            joined = least[side]
        if (joined == label).all():
            return np.unique(label, return_inverse=True)[1]
        label = joined


@lru_cache(maxsize=None)
def territory_group_numbers(from_year: int, to_year: int) -> np.ndarray:
    """For each row of `crosswalk(from_year, to_year)`: its territory group (see
    `territory_groups`), numbered 0.. in the order of the group's first row."""
    cross = crosswalk(from_year, to_year)
    number = _components(pd.factorize(cross["code_from"])[0], pd.factorize(cross["code_to"])[0])
    number.setflags(write=False)  # shared by every caller
    return number


@lru_cache(maxsize=None)
def territory_groups(from_year: int, to_year: int) -> tuple[tuple[frozenset, frozenset], ...]:
    """The smallest groups of kommuner covering the same land in both years: (codes valid in
    `from_year`, codes valid in `to_year`). An unchanged kommune is a group of one; a merger
    or a split joins every kommune involved (connected components of the crosswalk)."""
    cross, number = crosswalk(from_year, to_year), territory_group_numbers(from_year, to_year)
    groups = [(set(), set()) for _ in range(len(np.unique(number)))]
    for group, old, new in zip(number.tolist(), cross["code_from"].tolist(),
                               cross["code_to"].tolist()):
        groups[group][0].add(old)
        groups[group][1].add(new)
    return tuple((frozenset(old), frozenset(new)) for old, new in groups)
