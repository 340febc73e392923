"""Benchmark: the editor's figures after an edit (issue 18: < 50 ms at kommune level).

Run from the project root:  .venv/bin/python benchmarks/bench_editor.py [--edits 200] [--browser]

(a) Incremental path: `EditorModel.assign` of a kommune on a region border into the
    neighbouring region (as a painting analyst does; seeded), the whole panel recomputed
    (figures per region, scores, warnings): median, 95th percentile and max over --edits
    edits, and `undo`. For nav-2016-11 counted in 2016 (fylke members, so edits expand them),
    nav-2019-12 in 2019 (kommune members) and nav-2016-11 counted in 2024 (code changes).
(b) The naive path for the first 10 of the same edits: `p.move` + `p.figures` + `p.score`
    + `validate(geometry=True)`, each a new proposal.
(d) With --ensemble: nav-2016-11 in 2016 painted by whole fylker (units="fylke") with the
    folder of `regionanalyse alternatives` for it attached (`use_ensemble(folder)`: every
    plan of 11 regions counted), so each edit also recounts the shares below/equal/above.
(c) With --browser (node, chromium and tests/browser/node_modules): the widget in headless
    Chromium on the real Python session (tests/test_editor_browser.py): the map repaint after
    an edit (editor.js measures it) and the time from a click to the new panel on the page.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import regionanalyse as ra
from regionanalyse.present.editor import EditorModel
from regionanalyse.territory.validate import validate

ROOT = Path(__file__).resolve().parents[1]


def border_edits(ed: EditorModel, n: int, seed: int) -> list[tuple[str, str]]:
    """`n` edits made one after another: a kommune with a neighbour in another region moves
    there (the edits are applied to `ed` while choosing, then undone). By fylker, a fylke
    moves only if its region keeps another (the number of regions stays)."""
    rng = random.Random(seed)
    graph = ed.basis.graph
    fylke = dict(zip(ed.basis.codes, ed.basis.fylke))
    edits = []
    for _ in range(n):
        labels = ed.labels
        index = ed.basis.index

        def movable(code):
            if ed.units != "fylke":
                return True
            mine = labels == labels[index[code]]
            return bool((mine & (ed.basis.fylke != fylke[code])).any())

        border = [(a, b) for a, b in graph.edges if labels[index[a]] != labels[index[b]]]
        moves = [(x, ed.region_of(y)) for a, b in sorted(border) for x, y in ((a, b), (b, a)) if movable(x)]
        code, to = rng.choice(moves)
        edits.append((code, to))
        ed.assign(code, to)
    for _ in edits:
        ed.undo()
    return edits


def incremental(ref: str, year: int, n: int, seed: int, units: str = "kommune",
                ensemble: Path | None = None) -> tuple[list[tuple[str, str]], dict]:
    t = time.perf_counter()
    ed = EditorModel(ra.proposal(ref), year, units)
    first = time.perf_counter() - t
    if ensemble is not None:
        ed.use_ensemble(ensemble)
    edits = border_edits(ed, n, seed)
    times, undo = [], []
    for code, to in edits:
        t = time.perf_counter()
        ed.assign(code, to)
        times.append(time.perf_counter() - t)
    for _ in edits[:50]:
        t = time.perf_counter()
        ed.undo()
        undo.append(time.perf_counter() - t)
    ms = np.array(times) * 1000
    return edits, {"proposal": ref, "with_shares": ed.shares is not None, "year": year, "first_s": first, "median_ms": float(np.median(ms)),
                   "p95_ms": float(np.percentile(ms, 95)), "max_ms": float(ms.max()),
                   "undo_median_ms": 1000 * statistics.median(undo), "edits": len(edits)}


def naive(ref: str, year: int, edits: list[tuple[str, str]]) -> float:
    p = ra.proposal(ref)
    times = []
    for code, to in edits[:10]:
        t = time.perf_counter()
        p = p.move(code, to=to)
        p.figures(year), p.score(year), validate(p, geometry=True)
        times.append(time.perf_counter() - t)
    return 1000 * statistics.median(times)


def browser() -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from test_editor_browser import BROWSER, HOSTILE, serve  # noqa: E402
    from regionanalyse.present.editor.widget import Session

    server = serve(Session(EditorModel(ra.proposal("nav-2016-11"), 2016)))
    try:
        out = subprocess.run(["node", str(BROWSER / "editor.mjs"), f"http://127.0.0.1:{server.server_port}/"],
                             capture_output=True, text=True, timeout=300,
                             env={**__import__("os").environ, "HOSTILE_NAME": HOSTILE})
    finally:
        server.shutdown()
    result = json.loads(out.stdout)
    return {"repaint_ms": result["repaintMs"], "click_to_panel_ms": result["clickToPanelMs"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--browser", action="store_true")
    parser.add_argument("--ensemble", action="store_true")
    args = parser.parse_args()
    if args.ensemble:
        from regionanalyse.ensemble.run import request_for, run, write

        p = ra.proposal("nav-2016-11")
        with tempfile.TemporaryDirectory(prefix="bench-editor-") as tmp:
            write(run(p, request_for(p, 2016)), tmp)
            _, row = incremental("nav-2016-11", 2016, args.edits, args.seed, "fylke", Path(tmp))
        print(f"nav-2016-11 in 2016 by fylker, alternatives attached: an edit's panel and shares median "
              f"{row['median_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms, max {row['max_ms']:.1f} ms "
              f"over {row['edits']} edits; undo {row['undo_median_ms']:.1f} ms; shares shown after the last edit: "
              f"{row['with_shares']}")
    for ref, year in (("nav-2016-11", 2016), ("nav-2019-12", 2019), ("nav-2016-11", 2024)):
        edits, row = incremental(ref, year, args.edits, args.seed)
        row["naive_median_ms"] = naive(ref, year, edits)
        print(f"{ref} counted in {year}: first EditorModel {row['first_s']:.2f} s; an edit's panel "
              f"median {row['median_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms, max {row['max_ms']:.1f} ms "
              f"over {row['edits']} edits; undo {row['undo_median_ms']:.1f} ms; naive path "
              f"(move + figures + score + validate) {row['naive_median_ms']:.0f} ms")
    if args.browser:
        print("browser:", browser())


if __name__ == "__main__":
    main()
