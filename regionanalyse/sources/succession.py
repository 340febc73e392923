"""How kommune codes of one year map onto those of another, with the share of the people.

A merger maps each old kommune wholly onto the new one. A split (Tysfjord and Snillfjord 2020,
Ålesund 2024) divides an old kommune between its successors; each successor's share is the
number of residents it received, measured from the population file at the change:
the successor's population on 1 January of its first year minus that of its other
predecessors (kommuner that went into it whole) the day before, on 1 January of the year
before. That is the only public figure of where the people went (SSB publishes no recoding
key for these splits; csdata's weights, 0.5/0.5 and 0.35/0.35/0.30, are guesses). The
estimate carries one year of births, deaths and moves of the other predecessors (Narvik and
Ballangen together grew or shrank by some tens of people a year), small against the
hundreds that moved with the split. Ties are broken by the lower code (none occur).

A kommune re-established with its old borders (Haram 2024, `kommuner_gjenopprettet.csv`) is
the old kommune again: going forward, the old kommune's land goes wholly to it, and the land
of the other kommuner that had merged with it goes wholly to the other successors.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..memo import memo
from . import codes, population
from ..errors import DataError
from .cache import raw_path, read_csv_codes

REESTABLISHED_FILE = "kommuner_gjenopprettet.csv"


def reestablished() -> dict[str, str]:
    """Re-established kommune code → the earlier code whose borders it has again."""
    return dict(zip(*(_reestablished()[c] for c in ("kommunenummer", "tidligere_kommunenummer"))))


@memo(None)
def _reestablished() -> pd.DataFrame:
    """`kommuner_gjenopprettet.csv`, each row checked against the code list: the new code
    begins in `gjenopprettet_1jan`, the old one ended the year before `tidligere_siste_aar_1jan`
    + 1, and the old kommune's land reaches the new one through the successor chains."""
    path = raw_path(REESTABLISHED_FILE)
    table = read_csv_codes(path, ["kommunenummer", "tidligere_kommunenummer"])
    chains = codes.succession()
    for row in table.itertuples(index=False):
        new, old = chains.get(row.kommunenummer), chains.get(row.tidligere_kommunenummer)
        if new is None or old is None or new[0] != row.gjenopprettet_1jan \
                or old[1] != row.tidligere_siste_aar_1jan:
            raise DataError(f"{path}: {row.kommunenummer}/{row.tidligere_kommunenummer} stemmer "
                            "ikke med kodelisten (første og siste år)")
        reach = {row.tidligere_kommunenummer}
        while reach and row.kommunenummer not in reach:
            reach = {s for c in reach for s, _ in chains[c][2]}
        if not reach:
            raise DataError(f"{path}: {row.tidligere_kommunenummer} blir aldri til "
                            f"{row.kommunenummer} i kodelisten")
    return table


def _predecessors(code: str) -> list[str]:
    """Codes whose successors include `code`."""
    return [c for c, (_, _, succ) in codes.succession().items() if any(s == code for s, _ in succ)]


@memo(None)
def split_shares() -> dict[str, tuple[tuple[str, float], ...]]:
    """Every split kommune → its successors with the share of its residents each received
    (see the module docstring), successors in the code list's order."""
    out = {}
    for code, (_, last, successors) in codes.succession().items():
        if len(successors) < 2:
            continue
        before = population.kommune_population(last).set_index("kommunenummer")["folkemengde"]
        after = population.kommune_population(last + 1).set_index("kommunenummer")["folkemengde"]
        received = {}
        for succ, _ in successors:
            others = [p for p in _predecessors(succ) if p != code]
            received[succ] = max(0.0, float(after[succ] - before.reindex(others).fillna(0).sum()))
        total = sum(received.values())
        if total <= 0:  # no measurable flow: the code list's weights
            received, total = dict(successors), sum(w for _, w in successors)
        out[code] = tuple((succ, received[succ] / total) for succ, _ in successors)
    return out


def received(code: str) -> dict[str, float]:
    """For a split kommune: successor → share of its residents (empty for other codes)."""
    return dict(split_shares().get(code, ()))


def _next(code: str, path: tuple[str, ...]) -> list[tuple[str, float]]:
    """The successors `code` passes its land to, with shares, on a walk that came via `path`."""
    successors = codes.succession()[code][2]
    if len(successors) < 2:
        return list(successors)
    shares = split_shares()[code]
    back = reestablished()
    for succ, _ in shares:
        if back.get(succ) in path:  # the walk started in (or passed through) the old kommune
            return [(succ, 1.0)]
    if len(path) > 1:  # land that came in from another predecessor: not the re-established part
        rest = [(s, w) for s, w in shares if s not in back]
        if len(rest) < len(shares):
            total = sum(w for _, w in rest)
            return [(s, w / total) for s, w in rest]
    return list(shares)


def _forward(code: str, year: int, weight: float = 1.0,
             path: tuple[str, ...] = ()) -> list[tuple[str, float]]:
    """Codes valid in `year` that `code` became, with the share of its people."""
    _, last, _ = codes.succession()[code]
    if last >= year:
        return [(code, weight)]
    path = (*path, code)
    out: list[tuple[str, float]] = []
    for succ, w in _next(code, path):
        out.extend(_forward(succ, year, weight * w, path))
    return out


@memo(None)
def crosswalk(from_year: int, to_year: int) -> pd.DataFrame:
    """Map kommune codes valid in `from_year` to those valid in `to_year`.

    Columns: code_from, code_to, weight. Going forward (`from_year` ≤ `to_year`), `weight` is
    the share of code_from's residents that went to code_to (1 for whole kommuner). Going back,
    the rows are the forward ones turned round: `weight` is still the share of the later
    kommune (now code_from) that went to the earlier one. A code_to with several code_from rows
    was formed by a merger; a code_from with several code_to rows was split.
    """
    if from_year <= to_year:
        rows = {}
        for c, (first, last, _) in codes.succession().items():
            if first <= from_year <= last:
                for t, w in _forward(c, to_year):
                    rows[(c, t)] = rows.get((c, t), 0.0) + w
        return pd.DataFrame([(c, t, w) for (c, t), w in rows.items()],
                            columns=["code_from", "code_to", "weight"])
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


@memo(None)
def territory_group_numbers(from_year: int, to_year: int) -> np.ndarray:
    """For each row of `crosswalk(from_year, to_year)`: its territory group (see
    `territory_groups`), numbered 0.. in the order of the group's first row."""
    cross = crosswalk(from_year, to_year)
    number = _components(pd.factorize(cross["code_from"])[0], pd.factorize(cross["code_to"])[0])
    number.setflags(write=False)  # shared by every caller
    return number


@memo(None)
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
