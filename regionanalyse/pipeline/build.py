"""`regionanalyse build`: plan → execute (in parallel, incrementally) → render → publish."""
from __future__ import annotations

import datetime as dt
import logging
import shutil
from concurrent.futures import ProcessPoolExecutor, as_completed
from functools import partial
from pathlib import Path

from ..config import NOTEBOOK_DIR  # noqa: F401  (tests point jobs at notebooks beside it)
from ..errors import BuildError
from ..model import Proposal, load
from ..territory.validate import validate
from .plan import Job, comparison_dir, data_hash, plan, plan_comparison, version_stamp
from .publish import (LockedError, acquire_lock, progress, read_manifest, setup_logging,  # noqa: F401
                      write_atomic, write_manifest)
from .settings import BuildSettings
from .worker import run_job

log = logging.getLogger("regionanalyse.build")


def build_proposal(proposal: Proposal, year: int, formats: tuple[str, ...], out: Path, jobs: int,
                   arsverk: str | None = None, executor: str = "warm") -> bool:
    """Build every appendix of a proposal that is out of date; True when all are good."""
    for warning in validate(proposal, geometry=True):
        log.warning("%s: advarsel: %s", proposal.id, warning)
    out_dir = out / proposal.id
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(out_dir / "forslag.yaml", proposal.to_yaml())
    all_jobs = plan(proposal, year, formats, out, arsverk)
    ok, built_any = _run_jobs(all_jobs, out_dir, proposal.id, jobs, executor)
    if "pdf" in formats and (built_any or not (out_dir / "vedlegg.pdf").exists()):
        from ..render import combine_pdfs

        parts = [(job.title, out_dir / f"{job.stem}.pdf") for job in all_jobs
                 if (out_dir / f"{job.stem}.pdf").exists()]
        if len(parts) == len(all_jobs):
            combine_pdfs(parts, out_dir / "vedlegg.pdf")
            log.info("%s: vedlegg.pdf samlet (%d vedlegg)", proposal.id, len(parts))
    return ok


def build_comparison(proposals: list[Proposal], year: int, formats: tuple[str, ...], out: Path,
                     arsverk: str | None = None, executor: str = "warm") -> bool:
    """Build the comparison appendix of two or more proposals, if out of date."""
    if len(proposals) < 2:
        raise BuildError("sammenligning trenger minst to forslag")
    for proposal in proposals:
        validate(proposal)
    out_dir = comparison_dir(proposals, out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for i, proposal in enumerate(proposals, 1):
        write_atomic(out_dir / f"forslag-{i}.yaml", proposal.to_yaml())
    ok, _ = _run_jobs(plan_comparison(proposals, year, formats, out, arsverk), out_dir,
                      out_dir.name, 1, executor)
    return ok


def _out_of_date(all_jobs: list[Job], out_dir: Path, manifest: dict, label: str) -> list[Job]:
    todo = []
    for job in all_jobs:
        entry = manifest.get(job.stem, {})
        present = all((out_dir / name).exists() for name in job.outputs)
        if entry.get("inputs") == job.inputs_hash and present:
            continue
        reason = "ny" if not entry else ("filer mangler" if not present else "inndata endret")
        log.info("%s: bygger %s (%s)", label, job.stem, reason)
        todo.append(job)
    if not todo:
        log.info("%s: alt er oppdatert, ingenting å bygge (%d vedlegg)", label, len(all_jobs))
    return todo


def _run_jobs(all_jobs: list[Job], out_dir: Path, label: str, jobs: int,
              executor: str) -> tuple[bool, bool]:
    """Run the out-of-date jobs in a process pool; return (all good, anything built)."""
    manifest_path = out_dir / "manifest.json"
    manifest = read_manifest(manifest_path)
    for stale in out_dir.glob(".tmp-*"):  # left by a killed build; we hold the lock
        shutil.rmtree(stale, ignore_errors=True)
    todo = _out_of_date(all_jobs, out_dir, manifest, label)
    if not todo:
        return True, False
    ok = True
    stamp = version_stamp(data_hash())
    bar = progress(len(todo))
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
        futures = {pool.submit(partial(run_job, executor_name=executor), job): job for job in todo}
        for future in as_completed(futures):
            job = futures[future]
            try:
                stem, seconds, error = future.result()
            except Exception as exc:  # a crash in rendering: report it, keep the old files
                stem, seconds, error = job.stem, 0.0, f"{type(exc).__name__}: {exc}"
            if error:
                ok = False
                log.error("%s: %s FEILET: %s", label, stem, error)
            else:
                manifest[stem] = {"inputs": job.inputs_hash, "files": job.outputs, "title": job.title,
                                  "built": dt.datetime.now().isoformat(timespec="seconds"),
                                  "seconds": round(seconds, 2), **stamp}
                write_manifest(manifest_path, manifest)
                log.info("%s: %s ferdig (%.1f s)", label, stem, seconds)
            if bar:
                bar.update(1)
    if bar:
        bar.close()
    return ok, True


def build(settings: BuildSettings) -> bool:
    """Entry point for `regionanalyse build` and `compare`: lock the output, build each."""
    proposals = [load(ref) for ref in settings.proposals]
    compared = [([load(ref) for ref in group], year) for group, year in settings.comparisons]
    for proposal in proposals + [p for group, _ in compared for p in group]:
        validate(proposal)
    out = settings.out
    setup_logging(out)
    lock = acquire_lock(out)
    try:
        common = dict(formats=settings.formats, out=out, arsverk=settings.arsverk,
                      executor=settings.executor)
        results = [build_proposal(p, settings.year, jobs=settings.jobs, **common) for p in proposals]
        results += [build_comparison(group, year, **common) for group, year in compared]
    finally:
        lock.release()
    return all(results)
