"""Benchmark: a default, converged ensemble at kommune level (issue 19).

Run from the project root:  .venv/bin/python benchmarks/bench_ensemble.py [--jobs 2] [--proposal nav-2016-11 --year 2016] [--sveip]

Times `regionanalyse alternatives PROPOSAL --units kommune --to none` with the defaults (the
tolerance by the default rule, `ensemble/tolerance.py`; 4 chains × 10 000 steps, 20 % burn-in,
thinned to 1 000 plans) as the library call it makes (the rule, generation, scoring, diagnostics;
cold start: the neighbour graph and score context are built inside the timing), and reports the
tolerance, the largest split R-hat and the smallest ESS over the scores. `--sveip` adds the
sweep (one more draw per rule that plans can meet) and reports it separately.
"""
from __future__ import annotations

import argparse
import time

from regionanalyse.ensemble.run import DECIMALS, EXACT_LIMIT, request_for, run
from regionanalyse.ensemble.sweep import sweep
from regionanalyse.model import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--proposal", default="nav-2016-11")
    parser.add_argument("--year", type=int, default=2016)
    parser.add_argument("--sveip", action="store_true", help="time the sweep too")
    args = parser.parse_args()

    proposal = load(args.proposal)
    t0 = time.perf_counter()
    req = request_for(proposal, args.year, level="kommune", jobs=args.jobs)
    rule = time.perf_counter() - t0
    ens = run(proposal, req)
    seconds = time.perf_counter() - t0
    d = ens.diagnostics
    print(f"{args.proposal} {args.year}, kommuner, {req.chains} kjeder × {req.steps} steg → {req.n} planer, "
          f"toleranse {req.tolerance:g} ({req.tolerance_rule}, regelen {rule:.1f} s), --jobs {args.jobs}: "
          f"{seconds:.1f} s; største R-hat {d['rhat'].max():.3f}, minste ESS {d['ess'].min():.0f}, "
          f"ulike planer {int(d['ulike_planer'].iloc[0])}")
    if args.sveip:
        t1 = time.perf_counter()
        table = sweep(req, ens.own.iloc[0], EXACT_LIMIT, ens.scores, ens.method, True, DECIMALS)
        drawn = table[table["metode"] == "utvalg"]["regel"].nunique() - 1  # the first row is reused
        print(f"  sveip: {time.perf_counter() - t1:.1f} s, {drawn} nye trekninger; største R-hat "
              f"{table['rhat'].max():.3f}, minste ESS {table['ess'].min():.0f}")


if __name__ == "__main__":
    main()
