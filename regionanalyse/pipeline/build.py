"""`regionanalyse build`: plan → execute (in parallel, incrementally) → render → publish."""
from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import shutil
from concurrent.futures import as_completed
from functools import partial
from pathlib import Path
from typing import Callable

from ..errors import UsageError
from ..model import Proposal, load
from ..territory.validate import validate
from .executors import DEFAULT_EXECUTOR
from .plan import Job, comparison_dir, plan, plan_comparison, stale_reason
from .. import procguard as guard
from .publish import (acquire_lock, child_dir, make_public, move_stale,
                      prepare_out, progress, read_manifest, write_atomic,
                      write_manifest)
from .settings import BuildSettings
from .worker import run_in_worker

log = logging.getLogger("regionanalyse.build")


def build_proposal(proposal: Proposal, year: int, formats: tuple[str, ...], out: Path, jobs: int,
                   arsverk: str | None = None, executor: str = DEFAULT_EXECUTOR) -> bool:
    """Build every appendix of a proposal that is out of date; True when all are good.

    The proposal's warnings (e.g. a region made of separate areas) are logged when anything
    is built; a build with nothing to do skips the map work they need.
    """
    validate(proposal)
    out_dir = child_dir(out, proposal.id)
    write_atomic(out_dir / "forslag.yaml", proposal.to_yaml())
    all_jobs = plan(proposal, year, formats, out, arsverk)

    def while_waiting() -> None:
        for warning in validate(proposal, geometry=True):
            log.warning("%s: advarsel: %s", proposal.id, warning)
        from ..render import combine, pdfcheck  # noqa: F401  (pikepdf: loaded before it is waited for)

    page_scans: dict = {}  # the workers' scans of their PDFs' pages, for checking vedlegg.pdf
    ok, built_any = _run_jobs(all_jobs, out_dir, proposal.id, jobs, executor,
                              while_waiting=while_waiting, page_scans=page_scans)
    if "pdf" in formats and (built_any or not (out_dir / "vedlegg.pdf").exists()):
        from ..render import combine_pdfs

        parts = [(job.title, out_dir / f"{job.stem}.pdf") for job in all_jobs
                 if (out_dir / f"{job.stem}.pdf").exists()]
        if len(parts) == len(all_jobs):
            combine_pdfs(parts, out_dir / "vedlegg.pdf", title=f"Vedlegg: {proposal.name}")
            make_public(out_dir / "vedlegg.pdf")
            log.info("%s: vedlegg.pdf samlet (%d vedlegg)", proposal.id, len(parts))
    if ok:
        _retire_stale(out_dir, all_jobs, proposal.id)
    _declare(out_dir, proposal.name, built_any, page_scans)
    return ok


def _declare(out_dir: Path, title: str, built_any: bool, page_scans: dict | None = None) -> None:
    """Write the accessibility statement beside the appendices (every HTML and PDF checked;
    the workers' checks of the files they wrote are reused while the files are unchanged)."""
    from ..render.declaration import FILE_NAME, write_declaration

    if not built_any and (out_dir / FILE_NAME).exists():
        return
    known = {name: entry for job in read_manifest(out_dir / "manifest.json").values()
             for name, entry in (job.get("checks") or {}).items()}
    try:
        write_declaration(out_dir, title, known, page_scans)
    except Exception as exc:  # the statement must never cost the appendices
        for tmp in out_dir.glob(f".{FILE_NAME}.*.tmp"):
            tmp.unlink(missing_ok=True)
        log.error("%s: %s kunne ikke skrives (%s: %s)", out_dir.name, FILE_NAME,
                  type(exc).__name__, exc)  # a message, not a traceback (e.g. disk full)


def _retire_stale(out_dir: Path, all_jobs: list[Job], label: str) -> None:
    """After a good build the folder holds exactly the plan's appendices: others (a renamed or
    removed region) are moved to _tidligere/<date>/ and dropped from the manifest."""
    keep = {name for job in all_jobs for name in job.outputs}
    stale = move_stale(out_dir, keep)
    if stale:
        manifest_path = out_dir / "manifest.json"
        manifest = read_manifest(manifest_path)
        stems = {job.stem for job in all_jobs}
        write_manifest(manifest_path, {k: v for k, v in manifest.items() if k in stems})
        log.info("%s: %d fil(er) som ikke lenger er i planen flyttet til %s/%s/: %s", label,
                 len(stale), "_tidligere", dt.date.today().isoformat(), ", ".join(stale))


def build_comparison(proposals: list[Proposal], year: int, formats: tuple[str, ...], out: Path,
                     arsverk: str | None = None, executor: str = DEFAULT_EXECUTOR) -> bool:
    """Build the comparison appendix of two or more proposals, if out of date."""
    if len(proposals) < 2:
        raise UsageError("sammenligning trenger minst to forslag")
    for proposal in proposals:
        validate(proposal)
    out_dir = child_dir(out, comparison_dir(proposals, out).name)
    for i, proposal in enumerate(proposals, 1):
        write_atomic(out_dir / f"forslag-{i}.yaml", proposal.to_yaml())
    ok, built_any = _run_jobs(plan_comparison(proposals, year, formats, out, arsverk), out_dir,
                              out_dir.name, 1, executor)
    _declare(out_dir, "sammenligning av " + ", ".join(p.name for p in proposals), built_any)
    return ok


def _out_of_date(all_jobs: list[Job], out_dir: Path, manifest: dict, label: str) -> list[Job]:
    todo = []
    for job in all_jobs:
        present = all((out_dir / name).exists() for name in job.outputs)
        reason = stale_reason(job, manifest.get(job.stem, {}), present)
        if reason is None:
            continue
        log.info("%s: bygger %s (%s)", label, job.stem, reason)
        todo.append(job)
    if not todo:
        log.info("%s: alt er oppdatert, ingenting å bygge (%d vedlegg)", label, len(all_jobs))
    return todo


def _run_jobs(all_jobs: list[Job], out_dir: Path, label: str, jobs: int,
              executor: str, while_waiting=None, page_scans: dict | None = None) -> tuple[bool, bool]:
    """Run the out-of-date jobs in a process pool; return (all good, anything built).

    `while_waiting()` (when there are jobs) runs once in this process while it would otherwise
    wait: as soon as a worker has no job left (a core is free then), or at once when there are
    no more jobs than workers. The page scans the workers made of their PDFs go into
    `page_scans` (not into the manifest)."""
    manifest_path = out_dir / "manifest.json"
    manifest = read_manifest(manifest_path, repair=True)
    _remove_temp(out_dir)  # left by a killed build; we hold the lock
    todo = _out_of_date(all_jobs, out_dir, manifest, label)
    if not todo:
        return True, False
    ok = True
    bar = progress(len(todo))
    # spawned, not forked: a fork of a process holding threads or a kernel client (an analyst's
    # notebook, a test) can deadlock in the child
    workers = max(1, min(jobs, len(todo)))
    pool = guard.pool(workers, multiprocessing.get_context("spawn"))
    try:
        # heaviest first, so that the last appendices are short and no worker waits at the end
        futures = {pool.submit(partial(run_in_worker, executor_name=executor), job): job
                   for job in sorted(todo, key=lambda job: -job.weight)}
        outstanding = len(futures)
        if while_waiting is not None and outstanding <= workers:
            while_waiting()
            while_waiting = None
        for future in as_completed(futures):
            job = futures[future]
            outstanding -= 1
            try:
                stem, seconds, error, checks = future.result()
            except Exception as exc:  # a crash in rendering: report it, keep the old files
                stem, seconds, error, checks = job.stem, 0.0, f"{type(exc).__name__}: {exc}", None
            if error:
                ok = False
                log.error("%s: %s FEILET: %s", label, stem, error)
            else:
                for entry in (checks or {}).values():
                    scans = entry.pop("pages", None)
                    if page_scans is not None and scans:
                        page_scans.update(scans)
                manifest[stem] = {"inputs": job.inputs_hash, "parts": job.input_parts,
                                  "files": job.outputs, "title": job.title,
                                  "built": dt.datetime.now().isoformat(timespec="seconds"),
                                  "seconds": round(seconds, 2), **job.stamp, "checks": checks}
                write_manifest(manifest_path, manifest)
                log.info("%s: %s ferdig (%.1f s)", label, stem, seconds)
            if bar:
                bar.update(1)
            if while_waiting is not None and outstanding < workers:  # a worker is idle now
                while_waiting()
                while_waiting = None
    except BaseException as exc:  # Ctrl-C, SIGTERM: workers (and their kernels) die now
        guard.kill_pool(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        _remove_temp(out_dir)
        how = "SIGTERM" if isinstance(exc, guard.Terminated) else "Ctrl-C" \
            if isinstance(exc, KeyboardInterrupt) else type(exc).__name__
        log.error("%s: avbrutt (%s); tidligere rapporter er urørt", label, how)
        exc.regionanalyse_logged = True
        raise
    else:  # every job is done: wait for the workers to exit. Not waiting (to merge meanwhile)
        # raced CPython 3.11's exit hook: it wrote to the pool's wake-up pipe while the pool's
        # manager thread closed it, and a good build ended with «OSError: Bad file descriptor»
        pool.shutdown(wait=True)
    finally:
        if bar:
            bar.close()
    return ok, True


def _remove_temp(out_dir: Path) -> None:
    for stale in out_dir.glob(".tmp-*"):
        shutil.rmtree(stale, ignore_errors=True)


def build(settings: BuildSettings, configure_logging: Callable[[Path], None] | None = None) -> bool:
    """Entry point for `regionanalyse build` and `compare`: lock the output, build each.

    `configure_logging(out)` is the command line's (publish.setup_logging: stderr and
    <out>/build.log) once the output folder is ready; a library caller keeps its own logging."""
    proposals = [load(ref) for ref in settings.proposals]
    compared = [([load(ref) for ref in group], year) for group, year in settings.comparisons]
    for proposal in proposals + [p for group, _ in compared for p in group]:
        validate(proposal)
    seen: dict[str, str] = {}
    for proposal in proposals:  # two proposals with one id would overwrite each other
        if proposal.id in seen:
            raise UsageError(f"id «{proposal.id}» er brukt av to forslag i samme bygging "
                             f"({seen[proposal.id]} og {proposal.origin or proposal.id}); gi dem ulike id-er")
        seen[proposal.id] = proposal.origin or proposal.id
    from ..sources import nav

    # the årsverk file in use (--arsverk, else $REGIONANALYSE_ARSVERK): checked before any kernel starts
    nav.arsverk(nav.arsverk_path(settings.arsverk))
    out = prepare_out(settings.out, settings.out_label)
    if configure_logging is not None:
        configure_logging(out)
    lock = acquire_lock(out)
    previous = guard.install_handlers()
    try:
        common = dict(formats=settings.formats, out=out, arsverk=settings.arsverk,
                      executor=settings.executor)
        results = [build_proposal(p, settings.year, jobs=settings.jobs, **common) for p in proposals]
        results += [build_comparison(group, year, **common) for group, year in compared]
    except guard.Terminated as exc:
        if not getattr(exc, "regionanalyse_logged", False):
            log.error("avbrutt (SIGTERM); tidligere rapporter er urørt")
        raise SystemExit(143) from None
    except OSError as exc:  # disk full, permissions: name the output folder, no traceback
        where = f" ({exc.filename})" if exc.filename else ""
        raise UsageError(f"{settings.out_label} {out}: kan ikke skrive{where}: "
                         f"{exc.strerror or exc}") from None
    finally:
        guard.restore_handlers(previous)
        lock.release()
    return all(results)
