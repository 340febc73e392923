"""Independent recomputation of the default tolerance rule of `alternatives` (issue 19).

Deliberately does NOT import regionanalyse. Populations come straight from SSB's files in
data/raw (not the package's population module); the rule is recomputed by other means:

* ``kommune_start``: the largest kommune's population over P/K from the kommune file, + 5
  points, rounded up to a whole 5 points, at least 25 % (integer arithmetic in tenths of a
  point, no floating steps);
* ``fylke_rule``: the smallest 5-point step from 25 % at which the brute-force exact cover of
  ``partitions.exact_cover`` (every subset of fylker, plain depth-first covers) finds a plan;
* ``population_floor``: ignoring the graph, the smallest 5-point step at which the fylke
  populations can be put into K groups within the bounds at all (brute force over assignments
  with the largest populations first) — a floor the rule can never be below.
"""
from __future__ import annotations

import csv
import math
from pathlib import Path

from partitions import exact_cover

RAW = Path(__file__).resolve().parents[2] / "data" / "raw"


def populations(year: int, level: str) -> dict[str, int]:
    """Code → population on 1 January of `year`, from SSB's table 07459 in data/raw."""
    name = "befolkning_fylke_1jan_2005_2026_ssb07459.csv" if level == "fylke" else \
        "befolkning_kommune_1jan_2005_2026_ssb07459.csv"
    key = "fylkesnummer" if level == "fylke" else "kommunenummer"
    with open(RAW / name, encoding="utf-8") as f:
        return {r[key]: int(r["folkemengde"]) for r in csv.DictReader(f) if int(r["aar"]) == year}


def kommune_start(year: int, k: int) -> float:
    """max(25 %, largest kommune's excess over P/K + 5 points), rounded up to 5 points."""
    pop = populations(year, "kommune")
    total, top = sum(pop.values()), max(pop.values())
    # excess in percent = 100·(top·k − total)/total; steps of 5 points
    excess_pct = 100 * (top * k - total) / total
    steps = math.ceil((excess_pct + 5) / 5 - 1e-9)
    return max(25, 5 * steps) / 100


def _steps():
    for pct in range(25, 505, 5):
        yield pct / 100


def fylke_rule(nodes: list[str], edges, year: int, k: int) -> float:
    """The smallest 5-point step from 25 % with a plan, by brute-force exact cover; the fylke
    populations are SSB's (in `nodes` order)."""
    pop = populations(year, "fylke")
    weights = [pop[n] for n in nodes]
    for t in _steps():
        if exact_cover(nodes, weights, edges, k, t):
            return t
    raise ValueError("no plan up to 500 %")


def population_floor(year: int, k: int) -> float:
    """The smallest 5-point step from 25 % at which the fylke populations alone (no graph) can
    be put into k groups each within [(1 − t)·P/k, (1 + t)·P/k]."""
    pop = sorted(populations(year, "fylke").values(), reverse=True)
    total = sum(pop)
    for t in _steps():
        lo, hi = (1 - t) * total / k, (1 + t) * total / k

        def place(i: int, groups: list[int]) -> bool:
            if i == len(pop):
                return len(groups) == k and all(lo <= g <= hi for g in groups)
            if len(pop) - i < k - len(groups):
                return False
            for j in range(len(groups)):
                if groups[j] + pop[i] <= hi:
                    groups[j] += pop[i]
                    if place(i + 1, groups):
                        return True
                    groups[j] -= pop[i]
            if len(groups) < k and pop[i] <= hi:
                return place(i + 1, groups + [pop[i]])
            return False

        if place(0, []):
            return t
    raise ValueError("no grouping up to 500 %")
