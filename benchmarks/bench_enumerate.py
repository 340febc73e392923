"""Benchmark: exact enumeration of whole-fylke plans (issue 19, item 3).

Run from the project root:  .venv/bin/python benchmarks/bench_enumerate.py [--rounds 3]

(a) Enumeration only (graph loaded first): every plan of the 2016 fylker (19) in K = 10, 11, 12
    regions at the default tolerance of `alternatives` for nav-2016-11 and at 87 % and 50 %,
    and the 2020 (11) and 2024 (15) fylker at K = 5 and 7; median of --rounds, with the count.
(b) `ensemble.run.run` for nav-2016-11 (enumerate, score every plan at kommune level, Pareto
    front) and where the proposal sits: the share of plans below, equal and above on each score.
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from regionanalyse.ensemble.run import request_for, run
from regionanalyse.ensemble.enumerate import enumerate_plans
from regionanalyse.model import load
from regionanalyse.territory.adjacency import adjacency


def _timed(rounds: int, year: int, k: int, tolerance: float) -> tuple[float, int]:
    times, n = [], 0
    for _ in range(rounds):
        t = time.perf_counter()
        n = len(enumerate_plans(year, k, tolerance))
        times.append(time.perf_counter() - t)
    return statistics.median(times), n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    proposal = load("nav-2016-11")
    default = request_for(proposal, 2016).tolerance
    for year in (2016, 2020, 2024):
        adjacency(year, "fylke")
    cases = [(2016, k, t) for t in sorted({default, 0.87, 0.5}) for k in (10, 11, 12)]
    cases += [(2020, 5, 0.5), (2020, 5, 0.87), (2024, 7, 0.5), (2024, 7, 0.87)]
    print(f"(a) opptelling, median av {args.rounds} (standardtoleranse for nav-2016-11: {default:g})")
    for year, k, t in cases:
        seconds, n = _timed(args.rounds, year, k, t)
        print(f"    {year} K={k:2d} toleranse {t:.2f}: {n:8d} planer på {seconds:6.2f} s")
    t0 = time.perf_counter()
    ens = run(proposal, request_for(proposal, 2016, tolerance=0.87))
    print(f"(b) ensemble.run.run nav-2016-11, 2016, 87 %: metode {ens.method}, {len(ens.labels)} planer, "
          f"{time.perf_counter() - t0:.1f} s (opptelling, score, Pareto)")
    own = ens.own.iloc[0]
    print("    mål: forslaget | andel lavere / lik / høyere (%) | persentil")
    for row in ens.percentiles.itertuples(index=False):
        values = ens.scores[row.maal].to_numpy(dtype=float)
        v = float(own[row.maal])
        shares = [100 * np.mean(values < v), 100 * np.mean(values == v), 100 * np.mean(values > v)]
        print(f"    {row.maal:22s} {v:14.4f} | {shares[0]:5.1f} / {shares[1]:5.1f} / {shares[2]:5.1f}"
              f" | {row.persentil:5.1f}")


if __name__ == "__main__":
    main()
