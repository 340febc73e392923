"""Independent brute-force count of plans: K connected parts within a population tolerance.

Deliberately does NOT import regionanalyse, and uses other methods than its enumeration
(which grows connected sets from their lowest unit and counts with a memo over components):

* ``set_partitions``: every set partition of the nodes (restricted growth strings, no pruning),
  each part checked with networkx (connected) and the bounds — for graphs of ≤ 10 nodes;
* ``exact_cover``: every subset of the nodes (all 2ⁿ bitmasks) checked with networkx and the
  bounds, then exact covers of K such subsets counted by plain depth-first search (the part
  holding the first uncovered node, no memo) — for the fylke graphs (≤ 20 nodes).

Bounds as GerryChain's: (1 − t)·P/K ≤ part ≤ (1 + t)·P/K. A graph is plain data:
``nodes`` (names), ``pop`` (same order), ``edges`` (pairs of names).
"""
from __future__ import annotations

import networkx as nx
import numpy as np


def _graph(nodes, edges) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(nodes)
    g.add_edges_from(edges)
    return g


def _ok(g: nx.Graph, part, weight: float, lo: float, hi: float) -> bool:
    return lo <= weight <= hi and nx.is_connected(g.subgraph(part))


def set_partitions(nodes, pop, edges, k: int, tolerance: float) -> list[tuple[int, ...]]:
    """Every valid plan as a tuple of part numbers per node (parts numbered by first node)."""
    g = _graph(nodes, edges)
    ideal = sum(pop) / k
    lo, hi = (1 - tolerance) * ideal, (1 + tolerance) * ideal
    n, found = len(nodes), []

    def rgs(prefix: list[int], top: int):
        if len(prefix) == n:
            if top == k:
                yield tuple(prefix)
            return
        for b in range(min(top + 1, k)):
            yield from rgs(prefix + [b], max(top, b + 1))

    for plan in rgs([], 0):
        parts = [[nodes[i] for i in range(n) if plan[i] == b] for b in range(k)]
        weights = [sum(pop[i] for i in range(n) if plan[i] == b) for b in range(k)]
        if all(_ok(g, p, w, lo, hi) for p, w in zip(parts, weights)):
            found.append(plan)
    return found


def exact_cover(nodes, pop, edges, k: int, tolerance: float) -> list[tuple[int, ...]]:
    """Every valid plan (as in `set_partitions`), by brute-force parts and exact covers."""
    g = _graph(nodes, edges)
    n = len(nodes)
    ideal = sum(pop) / k
    lo, hi = (1 - tolerance) * ideal, (1 + tolerance) * ideal
    masks = np.arange(1, 1 << n, dtype=np.int64)
    member = (masks[:, None] >> np.arange(n)) & 1
    weight = member @ np.asarray(pop, dtype=np.int64)
    candidates = masks[(weight >= lo) & (weight <= hi)]
    parts = [int(m) for m in candidates
             if nx.is_connected(g.subgraph([nodes[i] for i in range(n) if m >> i & 1]))]
    by_first: dict[int, list[int]] = {}
    for m in parts:
        by_first.setdefault((m & -m).bit_length() - 1, []).append(m)
    found = []

    def cover(covered: int, chosen: list[int]):
        if len(chosen) == k:
            if covered == (1 << n) - 1:
                plan = [0] * n
                for b, m in enumerate(chosen):
                    for i in range(n):
                        if m >> i & 1:
                            plan[i] = b
                found.append(tuple(plan))
            return
        first = next(i for i in range(n) if not covered >> i & 1) if covered != (1 << n) - 1 else None
        if first is None:
            return
        for m in by_first.get(first, []):
            if not m & covered:
                cover(covered | m, chosen + [m])

    cover(0, [])
    return sorted(found)
