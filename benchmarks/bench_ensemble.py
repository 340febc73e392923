"""Benchmark: a default, converged ensemble at kommune level (issue 19).

Run from the project root:  .venv/bin/python benchmarks/bench_ensemble.py [--jobs 2] [--proposal nav-2016-11 --year 2016]

Times `regionanalyse alternatives PROPOSAL --units kommune --to none` with the defaults (4 chains ×
10 000 steps, 20 % burn-in, thinned to 1 000 plans) as the library call it makes (generation,
scoring, diagnostics; cold start: the neighbour graph and score context are built inside the
timing), and reports the largest split R-hat and the smallest ESS over the scores.
"""
from __future__ import annotations

import argparse
import time

from regionanalyse.ensemble.alternatives import request_for, run
from regionanalyse.model import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--proposal", default="nav-2016-11")
    parser.add_argument("--year", type=int, default=2016)
    args = parser.parse_args()

    proposal = load(args.proposal)
    t0 = time.perf_counter()
    req = request_for(proposal, args.year, level="kommune", jobs=args.jobs)
    ens = run(proposal, req)
    seconds = time.perf_counter() - t0
    d = ens.diagnostics
    print(f"{args.proposal} {args.year}, kommuner, {req.chains} kjeder × {req.steps} steg → {req.n} planer, "
          f"toleranse {req.tolerance:g}, --jobs {args.jobs}: {seconds:.1f} s; "
          f"største R-hat {d['rhat'].max():.3f}, minste ESS {d['ess'].min():.0f}, "
          f"ulike planer {int(d['ulike_planer'].iloc[0])}")


if __name__ == "__main__":
    main()
