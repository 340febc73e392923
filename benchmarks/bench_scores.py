"""Benchmark: plan scores and generated alternatives (issue 12).

Run from the project root:  .venv/bin/python benchmarks/bench_scores.py [--jobs 2]

(a) Scoring: 10 000 plans of 11 regions over the 428 kommuner of 2016 (a label array made from
    generated plans repeated), scored in one call to `score_labels` (warm: context built first).
(b) Generation: 1 000 kommune-level plans (428 kommuner of 2016, 11 regions, tolerance 0.6,
    seed 1) from 4 short chains of 320 steps (not converged: the speed of ReCom itself; see
    bench_ensemble.py for a default, converged run) over --jobs processes, then scored.
Reports seconds and the peak resident memory of this process (children reported separately).
"""
from __future__ import annotations

import argparse
import resource
import time

import numpy as np

from regionanalyse.ensemble.generate import Request, generate
from regionanalyse.indicators.scores import context, score_labels


def _mb(who) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    t0 = time.perf_counter()
    req = Request(year=2016, level="kommune", regions=11, n=1000, seed=1, tolerance=0.6, jobs=args.jobs,
                  steps=320)
    labels = generate(req)
    t_gen = time.perf_counter() - t0
    t1 = time.perf_counter()
    scores = score_labels(context(2016), labels)
    t_score_1000 = time.perf_counter() - t1
    print(f"(b) 1 000 planer, 428 kommuner, 11 regioner, --jobs {args.jobs}: generert på "
          f"{t_gen:.1f} s, scoret på {t_score_1000:.2f} s, til sammen {t_gen + t_score_1000:.1f} s "
          f"({len(np.unique(labels, axis=0))} ulike planer; største avvik {scores['befolkningsavvik_maks'].max():.3f})")

    big = np.tile(labels, (10, 1))
    ctx = context(2016)
    score_labels(ctx, big[:10])  # warm-up
    times = []
    for _ in range(3):
        t = time.perf_counter()
        score_labels(ctx, big)
        times.append(time.perf_counter() - t)
    print(f"(a) 10 000 planer scoret (428 kommuner, 11 regioner): median {np.median(times):.2f} s av 3")
    print(f"minne: denne prosessen {_mb(resource.RUSAGE_SELF):.0f} MB, kjedeprosessene "
          f"{_mb(resource.RUSAGE_CHILDREN):.0f} MB (største)")


if __name__ == "__main__":
    main()
