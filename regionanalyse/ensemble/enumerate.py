"""Exact enumeration: every plan of K connected regions within the tolerance, for small graphs.

At fylke level (11–19 units) the plan space is small enough (10⁴–10⁶ plans) to list completely,
so percentiles are exact instead of estimated from a Markov chain. Units are bits of an integer.

1. **Parts.** Every connected set of units whose population lies within
   [(1 − t)·P/K, (1 + t)·P/K] (GerryChain's bounds), each listed once under its lowest unit:
   sets grow from that unit through neighbours of higher number; a unit that would push the
   set past the upper bound is dropped for the whole branch (populations are ≥ 0).
2. **Counting.** ``count(R, j)`` = ways to split the unit set R into j parts. A disconnected R
   splits into its components independently (a convolution over them); a connected R takes the
   part holding its lowest unit, then counts the rest. Memoised on (R, j).
3. **Listing.** The part of the lowest unassigned unit is chosen first, only where the rest can
   still be split (count > 0), so no branch is a dead end and each plan appears once, its
   regions numbered in order of their lowest unit — `generate.canonical`'s labels.
"""
from __future__ import annotations

import networkx as nx
import numpy as np

from ..memo import memo
from ..territory.adjacency import adjacency, units
from .generate import EnsembleError, _pct

MAX_UNITS = 30   # units as bits; the fylke graphs have 11–19


class Splitter:
    """Partitions of one graph (populations `pop`, neighbour bitmasks `nb`) into K parts."""

    def __init__(self, pop: list[int], nb: list[int], k: int, tolerance: float):
        if len(pop) > MAX_UNITS:
            raise EnsembleError(f"eksakt opptelling tar høyst {MAX_UNITS} enheter, ikke {len(pop)}")
        self.pop, self.nb, self.k, self.n = list(pop), list(nb), int(k), len(pop)
        ideal = sum(self.pop) / self.k
        self.lo, self.hi = (1 - tolerance) * ideal, (1 + tolerance) * ideal
        self.parts = [self._parts_from(v) for v in range(self.n)]
        self.count = memo(None)(self._count)

    def _weight(self, mask: int) -> int:
        return sum(self.pop[i] for i in _bits(mask))

    def _parts_from(self, v: int) -> list[int]:
        """Connected sets within the bounds whose lowest unit is v, each once."""
        out: list[int] = []
        lower = (1 << v) - 1

        def grow(s: int, frontier: int, banned: int, p: int) -> None:
            if p >= self.lo:
                out.append(s)
            for w in _bits(frontier):
                bit = 1 << w
                banned |= bit
                if p + self.pop[w] <= self.hi:
                    grow(s | bit, (frontier | self.nb[w]) & ~(s | banned), banned, p + self.pop[w])

        if self.pop[v] <= self.hi:
            grow(1 << v, self.nb[v] & ~lower & ~(1 << v), lower | (1 << v), self.pop[v])
        return out

    def _components(self, mask: int) -> list[int]:
        comps = []
        while mask:
            comp = frontier = mask & -mask
            while frontier:
                reach = 0
                for w in _bits(frontier):
                    reach |= self.nb[w]
                frontier = reach & mask & ~comp
                comp |= frontier
            comps.append(comp)
            mask &= ~comp
        return comps

    def _count(self, mask: int, j: int) -> int:
        """Ways to split `mask` into j parts (connected, within the bounds)."""
        if j == 0:
            return int(mask == 0)
        if mask == 0 or mask.bit_count() < j:
            return 0
        w = self._weight(mask)
        if not j * self.lo <= w <= j * self.hi:
            return 0
        comps = self._components(mask)
        if len(comps) > 1:
            if len(comps) > j:
                return 0
            ways = {0: 1}  # parts used so far → ways
            for at, comp in enumerate(comps):
                left = len(comps) - 1 - at  # components still to come, one part each at least
                step: dict[int, int] = {}
                for used, n in ways.items():
                    for i in range(1, j - used - left + 1):
                        c = self.count(comp, i)
                        if c:
                            step[used + i] = step.get(used + i, 0) + n * c
                ways = step
            return ways.get(j, 0)
        if j == 1:
            return 1  # connected and within the bounds
        v = (mask & -mask).bit_length() - 1
        return sum(self.count(mask & ~s, j - 1) for s in self.parts[v] if s & mask == s and s != mask)

    def total(self) -> int:
        """The number of plans."""
        return self.count((1 << self.n) - 1, self.k)

    def labels(self) -> np.ndarray:
        """All plans (plans × units), regions numbered 0..K−1 in order of their lowest unit."""
        out = np.empty((self.total(), self.n), dtype=np.int16)
        row = np.empty(self.n, dtype=np.int16)
        at = 0

        def walk(mask: int, region: int) -> None:
            nonlocal at
            v = (mask & -mask).bit_length() - 1
            rest_k = self.k - region - 1
            for s in self.parts[v]:
                if s & mask != s:
                    continue
                rest = mask & ~s
                if rest_k == 0:
                    if rest:
                        continue
                elif not self.count(rest, rest_k):
                    continue
                for i in _bits(s):
                    row[i] = region
                if rest_k == 0:
                    out[at] = row
                    at += 1
                else:
                    walk(rest, region + 1)

        if len(out):
            walk((1 << self.n) - 1, 0)
        return out


def _bits(mask: int):
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def splitter(year: int, k: int, tolerance: float, graph: nx.Graph | None = None) -> Splitter:
    """The Splitter of the year's fylke graph (units in `units(year, "fylke").nodes` order)."""
    nodes = units(year, "fylke").nodes
    graph = adjacency(year, "fylke") if graph is None else graph
    codes = list(nodes["kode"])
    if set(graph.nodes) != set(codes):
        raise EnsembleError(f"nabografen har ikke de samme fylkene som {year}")
    index = {c: i for i, c in enumerate(codes)}
    nb = [0] * len(codes)
    for a, b in graph.edges:
        if a != b:
            nb[index[a]] |= 1 << index[b]
            nb[index[b]] |= 1 << index[a]
    return Splitter([int(p) for p in nodes["folkemengde"]], nb, k, tolerance)


def count_plans(year: int, k: int, tolerance: float, graph: nx.Graph | None = None) -> int:
    """How many plans `enumerate_plans` would list (fast: counting only)."""
    return splitter(year, k, tolerance, graph).total()


def enumerate_plans(year: int, k: int, tolerance: float, graph: nx.Graph | None = None) -> np.ndarray:
    """Every partition of the year's fylker into `k` connected regions, each within `tolerance`
    of the ideal P/K (plans × fylker, canonical labels 0..K−1); see the module docstring."""
    return splitter(year, k, tolerance, graph).labels()


def exact_plans(year: int, k: int, tolerance: float, limit: int) -> np.ndarray | None:
    """`enumerate_plans` when there are at most `limit` plans, else None (sample instead).

    Raises EnsembleError when no plan meets the tolerance (the count is exact, so this is a
    fact about the graph, not a sampler that gave up)."""
    split = splitter(year, k, tolerance)
    total = split.total()
    if total == 0:
        raise EnsembleError(
            f"ingen inndeling av de {split.n} fylkene ({year}) i {k} sammenhengende regioner "
            f"holder seg innenfor toleransen {_pct(tolerance)} (eksakt opptelling); "
            "prøv en større --tolerance eller --units kommune")
    return split.labels() if total <= limit else None
