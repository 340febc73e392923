"""One appendix, start to finish, in a worker process: execute, render, check, write the data
files.

Everything is written into a temporary folder inside the output folder and moved into place
only when complete, so a failure or a kill never leaves a half-written report.
"""
from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from ..memo import memo
from .executors import DEFAULT_EXECUTOR, executor
from .plan import Job, colophon


def builder(kind: str):
    """The build function (params → Sections) of the appendix a job of `kind` shows: the same
    function its notebook calls, so the data files hold the tables the notebook shows."""
    from ..appendix import alternatives, comparison, overview, region

    # the kinds of appendix.APPENDICES (tests/test_notebook_pairs.py checks they agree)
    return {"oversikt": overview.build, "region": region.build,
            "sammenligning": comparison.build, "alternativer": alternatives.build}[kind]


def write_data_files(staged: dict, csv_path: Path, xlsx_path: Path) -> None:
    """An appendix's data files (present.sections.Sections.data_files): main table as CSV,
    all as XLSX sheets."""
    from ..present.datafiles import write_csv, write_xlsx
    from ..present.tables import neutralise_formulas

    tables = {name: neutralise_formulas(frame) for name, frame in staged["tables"].items()}
    sources = staged.get("sources")
    sources = neutralise_formulas(sources) if sources is not None else None
    # Norwegian Excel: «;», decimal comma, UTF-8 with BOM; the printed tables + «Kilder»
    write_csv(tables[staged["main"]] if staged.get("main") in tables else pd.DataFrame(), csv_path)
    write_xlsx(tables, sources, xlsx_path)


class JobResult(NamedTuple):
    stem: str
    seconds: float
    error: str | None = None  # on error the executed notebook is kept under _feil/
    checks: dict | None = None  # the accessibility checks of the written files (checked_files)


@memo()
def _settle() -> None:
    """Once per worker, after its first appendix: move the imports, data and caches it now
    holds (~270 000 objects) out of the garbage collector's view, so that each later
    collection scans only what the next appendix makes (WeasyPrint makes many objects)."""
    gc.collect()
    gc.freeze()


def run_in_worker(job: Job, executor_name: str = DEFAULT_EXECUTOR) -> JobResult:
    """run_job in a build's worker process (it settles the worker's memory after the job)."""
    result = run_job(job, executor_name)
    _settle()
    return result


def run_job(job: Job, executor_name: str = DEFAULT_EXECUTOR) -> JobResult:
    """Execute, render and check one appendix in a temporary folder, then move files into place."""
    from ..render import render_html, render_pdf
    from ..render.declaration import checked_files

    from ..appendix.base import one_build_per_job

    start = time.perf_counter()
    out_dir = Path(job.out_dir)
    runner = executor(executor_name)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".tmp-") as tmp, one_build_per_job():
        tmp = Path(tmp)
        executed = tmp / f"{job.stem}.ipynb"
        try:
            nb = runner.execute(job.notebook, str(executed), job.parameters)
        except Exception as exc:  # papermill wraps the notebook's own error
            runner.discard()
            failed = out_dir / "_feil"
            failed.mkdir(exist_ok=True)
            if executed.exists():
                shutil.copy(executed, failed / executed.name)
            first_line = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            return JobResult(job.stem, time.perf_counter() - start,
                             f"{first_line} (se {failed / executed.name})")
        meta = {"title": job.title, "subtitle": job.subtitle,
                "date": dt.date.today().strftime("%d.%m.%Y"), "source_note": colophon(job.stamp) if job.stamp else None}
        if "html" in job.formats:
            (tmp / f"{job.stem}.html").write_text(render_html(nb, **meta), encoding="utf-8")
        if "pdf" in job.formats:
            (tmp / f"{job.stem}.pdf").write_bytes(render_pdf(nb, **meta))
        # the data files from the appendix's own build function with the job's parameters: the
        # Sections the notebook showed when it ran inline in this process (one_build_per_job),
        # else built here; nothing passes between jobs
        write_data_files(builder(job.kind)(job.parameters).data_files(),
                         tmp / f"{job.stem}.csv", tmp / f"{job.stem}.xlsx")
        checks = checked_files([tmp / name for name in job.outputs if name.endswith((".html", ".pdf"))])
        for name in job.outputs:
            os.chmod(tmp / name, 0o644)  # published files are 0644 whatever the umask
            os.replace(tmp / name, out_dir / name)
        (out_dir / "_feil" / executed.name).unlink(missing_ok=True)
    return JobResult(job.stem, time.perf_counter() - start, checks=checks)
