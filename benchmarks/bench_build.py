"""Benchmark: naive papermill + nbconvert loop vs `regionanalyse build`.

Run from the project root:  .venv/bin/python benchmarks/bench_build.py [--regions N]

(a) Naive loop: for the first N regions of proposal nav-2016-11, sequentially run
    the papermill CLI, then `jupyter nbconvert --to vedlegg_html` and `--to vedlegg_pdf`.
(b) The same naive loop, two regions at a time (`xargs -P 2`), as a user with two cores
    would write it.
(c) `regionanalyse build nav-2016-11 --to html,pdf --jobs 2` (overview + 11 regions =
    12 appendices) into an empty folder (cold), then again into the same folder with
    nothing changed (should do no work).
(d) In one warm process: kommune-level key figures for one proposal and year, and a
    2005–2026 population history (median of 5 calls after one warm-up).
(e) With `--executors inline,warm,fresh`: instead of (a)–(d), the cold build of (c) once per
    executor (`--executor`), interleaved in rounds, each executor's time as a ratio to the
    first's within a round (the figures behind the choice of executors, pipeline/executors.py).
Rounds of (a), (b) and (c) are interleaved (`--rounds`, default 3) so that a slow spell of
this shared machine hits every contender; the medians are reported, and each ratio is taken
within a round. Reports seconds per appendix and the speed-up ratios, all from the same run.
"""
from __future__ import annotations

import argparse
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import regionanalyse

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
PROPOSAL = "nav-2016-11"
BUILD_APPENDICES = 12  # overview + 11 regions


def run(cmd: list[str]) -> tuple[float, str]:
    """Run a command from the project root; return (wall-clock seconds, output), abort on failure."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode:
        sys.exit(f"FAILED ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return elapsed, proc.stdout + proc.stderr


def naive(regions: list[str], tmp: Path) -> float:
    """Time the loop a user would write: papermill, then nbconvert HTML and PDF, per region."""
    total = 0.0
    for i, region in enumerate(regions):
        out = tmp / f"region_{i}.ipynb"
        total += run([str(BIN / "papermill"), "notebooks/vedlegg_region.ipynb", str(out),
                      "-k", "python3", "-p", "proposal", PROPOSAL, "-p", "region", region,
                      "-p", "year", "2016"])[0]
        for fmt in ("vedlegg_html", "vedlegg_pdf"):
            total += run([str(BIN / "jupyter"), "nbconvert", "--to", fmt, str(out)])[0]
        print(f"  naive: {region}: cumulative {total:.1f} s", flush=True)
    return total


def naive_parallel(regions: list[str], tmp: Path) -> float:
    """The naive loop run two regions at a time with xargs -P 2."""
    lines = []
    for i, region in enumerate(regions):
        out = tmp / f"par_{i}.ipynb"
        lines.append(" && ".join([
            shlex.join([str(BIN / "papermill"), "notebooks/vedlegg_region.ipynb", str(out), "-k", "python3",
                        "-p", "proposal", PROPOSAL, "-p", "region", region, "-p", "year", "2016"]),
            shlex.join([str(BIN / "jupyter"), "nbconvert", "--to", "vedlegg_html", str(out)]),
            shlex.join([str(BIN / "jupyter"), "nbconvert", "--to", "vedlegg_pdf", str(out)])]))
    script = tmp / "naive_parallel.txt"
    script.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return run(["sh", "-c", f"xargs -d '\\n' -P 2 -I CMD sh -c CMD < {shlex.quote(str(script))}"])[0]


def in_process() -> tuple[float, float, float, float]:
    """Seconds of the first call (data loaded, nothing computed yet) and the median of warm
    calls, for key figures of a kommune-level proposal and a population history."""
    from regionanalyse.indicators.history import population_history
    from regionanalyse.indicators.keyfigures import key_figures

    proposal = regionanalyse.proposal("nav-2019-12")  # Akershus split by kommune

    def first_and_median(call) -> tuple[float, float]:
        start = time.perf_counter()
        call()
        first = time.perf_counter() - start
        times = []
        for _ in range(5):
            start = time.perf_counter()
            call()
            times.append(time.perf_counter() - start)
        return first, statistics.median(times)

    from regionanalyse.sources import codes, population

    codes.code_list(), population.kommune_population(2019)  # data loaded before timing
    return (*first_and_median(lambda: key_figures(proposal, 2019)),
            *first_and_median(lambda: population_history(proposal)))


def build(out: Path, executor: str | None = None) -> tuple[float, int]:
    """Time one `regionanalyse build` into `out`; return (seconds, appendices it (re)built)."""
    seconds, output = run([str(BIN / "regionanalyse"), "build", PROPOSAL, "--out", str(out),
                           "--to", "html,pdf", "--jobs", "2"]
                          + (["--executor", executor] if executor else []))
    return seconds, output.count(": bygger ")  # the build logs one "bygger <stem>" per job


def compare_executors(names: list[str], rounds: int) -> None:
    """(e): the cold build with each executor, interleaved; ratios to the first within a round."""
    seconds: dict[str, list[float]] = {name: [] for name in names}
    tmp = Path(tempfile.mkdtemp(prefix="bench_executors_", dir="/tmp"))
    try:
        for r in range(1, rounds + 1):
            for name in names:
                print(f"round {r}/{rounds}: build --executor {name}, cold ...", flush=True)
                shutil.rmtree(tmp / name, ignore_errors=True)
                seconds[name].append(build(tmp / name, name)[0] / BUILD_APPENDICES)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    print(f"\nmedians of {rounds} interleaved round(s), seconds per appendix (12 appendices, --jobs 2)")
    for name in names:
        ratios = [s / f for s, f in zip(seconds[name], seconds[names[0]])]
        print(f"{name:<8} {med(seconds[name]):6.2f} s  {med(ratios):5.2f} x {names[0]}  "
              f"(rounds: {', '.join(f'{v:.2f}' for v in seconds[name])} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=4, help="regions in the naive loops")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of (naive, naive -P 2, build); medians are reported")
    parser.add_argument("--executors", default="",
                        help="comma-separated executors: time only the cold build with each")
    args = parser.parse_args()
    if args.executors:
        return compare_executors(args.executors.split(","), args.rounds)
    regions = regionanalyse.proposal(PROPOSAL).region_names()[: args.regions]
    n = len(regions)

    naive_s, parallel_s, cold_s, warm_s, built = [], [], [], [], []
    tmp = Path(tempfile.mkdtemp(prefix="bench_build_", dir="/tmp"))
    try:
        for r in range(1, args.rounds + 1):  # interleaved: a slow spell hits every contender
            print(f"round {r}/{args.rounds}: (a) naive loop, {n} region(s) ...", flush=True)
            naive_s.append(naive(regions, tmp) / n)
            print(f"round {r}/{args.rounds}: (b) naive loop, two at a time (xargs -P 2) ...", flush=True)
            parallel_s.append(naive_parallel(regions, tmp) / n)
            print(f"round {r}/{args.rounds}: (c) regionanalyse build, cold, then nothing changed ...",
                  flush=True)
            shutil.rmtree(tmp / "build", ignore_errors=True)
            seconds, count = build(tmp / "build")
            cold_s.append(seconds / BUILD_APPENDICES)
            built.append(count)
            warm_s.append(build(tmp / "build")[0])
        print("(d) key figures and history in one warm process ...", flush=True)
        figures_first, figures_s, history_first, history_s = in_process()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    med = statistics.median
    naive_per, parallel_per, cold_per = med(naive_s), med(parallel_s), med(cold_s)
    ratios = [a / c for a, c in zip(naive_s, cold_s)]
    ratios_p2 = [p / c for p, c in zip(parallel_s, cold_s)]

    def spread(values, unit="s", digits=2):
        return f"(rounds: {', '.join(f'{v:.{digits}f}' for v in values)} {unit})"

    rows = [
        (f"naive loop per appendix ({n} appendices a round)", f"{naive_per:8.2f} s", spread(naive_s)),
        ("naive xargs -P 2 per appendix", f"{parallel_per:8.2f} s", spread(parallel_s)),
        (f"build cold per appendix ({built[0]} appendices built)", f"{cold_per:8.2f} s", spread(cold_s)),
        ("speed-up per appendix (naive / build), goal >= 8", f"{med(ratios):8.2f} x", spread(ratios, "x")),
        ("speed-up per appendix (naive -P 2 / build), goal >= 4", f"{med(ratios_p2):8.2f} x",
         spread(ratios_p2, "x")),
        ("build rebuild, nothing changed, goal < 1.5 s", f"{med(warm_s):8.2f} s", spread(warm_s)),
        ("key figures nav-2019-12 (kommune level), first call", f"{figures_first:8.3f} s", ""),
        ("key figures nav-2019-12 (kommune level), warm, goal < 0.05 s", f"{figures_s:8.3f} s", ""),
        ("population history 2005-2026, first call", f"{history_first:8.3f} s", ""),
        ("population history 2005-2026, warm, goal < 0.2 s", f"{history_s:8.3f} s", ""),
    ]
    width = max(len(label) for label, *_ in rows)
    print(f"\nmedians of {args.rounds} interleaved round(s); ratios are per round, median shown")
    for label, value, note in rows:
        print(f"{label:<{width}}  {value}  {note}")


if __name__ == "__main__":
    main()
