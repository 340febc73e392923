"""Independent convergence check of an ensemble (issue 19). Does NOT import regionanalyse.

Reads ``ensemble.csv`` (columns ``plan,kjede`` and the scores) and recomputes per score, with
methods other than the package's (which ranks the draws and uses Geyer's autocorrelation sums):

* R-hat: the classic Gelman–Rubin potential scale reduction on split chains of the raw values
  (Gelman et al., Bayesian Data Analysis, 3rd ed., eq. 11.4), no rank normalisation, no folding;
* ESS: batch means. Each chain is cut into batches of b = ⌊√n⌋ draws; with σ²_BM = b · the
  variance of all batch means around the overall mean, ESS = S · Var(x) / σ²_BM (Flegal & Jones
  2010, consistent batch means), capped at S;
* the share of plans below / equal / above a value, by counting;
* a 95 % interval for the percentile (below + half the ties) from the batch-means variance of the
  0/½/1 indicator: p ± 1,96 · √(σ²_BM / S) (the package uses a Wilson interval with the
  indicator's autocorrelation ESS); widths expected within a factor of 2 away from 0 and 100.

Agreement expected with the package (tests/test_alternatives.py): |ΔR-hat| ≤ 0,03 and ESS within
a factor of 2 (batch means with ~16 batches per chain are noisy) where the package finds ESS ≥ 150;
below that, batches shorter than the autocorrelation make batch means overstate the ESS.

    python tests/independent/diagnostics.py ENSEMBLE.csv   → CSV maal,rhat,ess on stdout
"""
from __future__ import annotations

import csv
import math
import sys
from collections import defaultdict


def read(path: str) -> tuple[list[str], dict[str, list[float]], list[int]]:
    """Score names, values per score and the chain of each plan, in file order."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = [c for c in rows[0] if c not in ("plan", "kjede", "regioner")]
    return names, {c: [float(r[c]) for r in rows] for c in names}, [int(r["kjede"]) for r in rows]


def chains_of(values: list[float], chain: list[int]) -> list[list[float]]:
    groups: dict[int, list[float]] = defaultdict(list)
    for v, c in zip(values, chain):
        groups[c].append(v)
    n = min(len(g) for g in groups.values())
    return [groups[c][:n] for c in sorted(groups)]


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def _var(xs: list[float]) -> float:
    m = _mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


def gelman_rubin_split(chains: list[list[float]]) -> float:
    n = len(chains[0]) // 2
    halves = [c[:n] for c in chains] + [c[len(c) - n:] for c in chains]
    w = _mean([_var(h) for h in halves])
    b = n * _var([_mean(h) for h in halves])
    if w == 0:
        return math.nan if b == 0 else math.inf
    return math.sqrt(((n - 1) / n * w + b / n) / w)


def ess_batch_means(chains: list[list[float]]) -> float:
    n = len(chains[0])
    b = max(1, int(math.isqrt(n)))
    means = [_mean(c[i * b:(i + 1) * b]) for c in chains for i in range(n // b)]
    everything = [x for c in chains for x in c]
    total = _mean(everything)
    sigma2 = b * sum((m - total) ** 2 for m in means) / (len(means) - 1)
    var = _var(everything)
    if var == 0:
        return math.nan
    if sigma2 == 0:
        return float(len(everything))
    return min(len(everything) * var / sigma2, float(len(everything)))


def shares(values: list[float], own: float) -> tuple[float, float, float]:
    lower = sum(v < own for v in values)
    equal = sum(v == own for v in values)
    return tuple(100 * x / len(values) for x in (lower, equal, len(values) - lower - equal))


def percentile_interval(values: list[float], chain: list[int], own: float) -> tuple[float, float, float]:
    """(percentile, low, high) in percent, batch means over the chains."""
    indicator = [1.0 if v < own else 0.5 if v == own else 0.0 for v in values]
    chains = chains_of(indicator, chain)
    n = len(chains[0])
    b = max(1, int(math.isqrt(n)))
    flat = [x for c in chains for x in c]
    p = _mean(flat)
    means = [_mean(c[i * b:(i + 1) * b]) for c in chains for i in range(n // b)]
    sigma2 = b * sum((m - p) ** 2 for m in means) / (len(means) - 1)
    half = 1.959964 * math.sqrt(sigma2 / len(flat))
    return 100 * p, 100 * max(0.0, p - half), 100 * min(1.0, p + half)


def diagnose(path: str) -> list[tuple[str, float, float]]:
    names, values, chain = read(path)
    out = []
    for name in names:
        chains = chains_of(values[name], chain)
        out.append((name, gelman_rubin_split(chains), ess_batch_means(chains)))
    return out


if __name__ == "__main__":
    print("maal,rhat,ess")
    for name, r, e in diagnose(sys.argv[1]):
        print(f"{name},{r:.6f},{e:.3f}")
