"""Build appendices: papermill executes, render writes HTML/PDF; incremental, parallel, atomic."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import time
import tomllib
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from ..config import CONFIG_FILE, DEFAULT_OUT, NOTEBOOK_DIR, PACKAGE_DIR, RAW_DIR
from ..errors import BuildError, RegionanalyseError
from ..model import Proposal, builtin_ids, load
from ..sources.cache import file_hash
from ..territory.validate import validate
from ..version import __version__
log = logging.getLogger("regionanalyse.build")


class LockedError(RegionanalyseError):
    """Another build holds the output folder."""


def slug(text: str) -> str:
    """File-name-safe ASCII form of a region name ('Sogn & Fjordane' → 'sogn-fjordane')."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "region"


DEFAULT_COMPARISONS = [(["fylker-2016", "nav-2016-11", "nav-2019-12"], 2019),
                       (["fylker-2020", "fylker-2024"], 2024)]


@dataclass
class Job:
    """One appendix: a notebook with parameters, rendered to the chosen formats."""

    kind: str  # "oversikt", "region" or "sammenligning"
    proposals_yaml: str
    title: str
    subtitle: str
    notebook: str
    parameters: dict
    formats: tuple[str, ...]
    out_dir: str
    stem: str
    region: str | None = None
    inputs_hash: str = ""
    outputs: list[str] = field(default_factory=list)


def _code_hash() -> str:
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".j2", ".css", ".json", ".yaml"):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _inputs_hash(job: Job, data_hash: str, code_hash: str, arsverk: str | None) -> str:
    digest = hashlib.sha256()
    for part in (data_hash, code_hash, job.proposals_yaml, file_hash(Path(job.notebook)),
                 json.dumps(job.parameters, sort_keys=True), ",".join(job.formats), job.title,
                 file_hash(Path(arsverk)) if arsverk else ""):
        digest.update(part.encode())
    return digest.hexdigest()


def plan(proposal: Proposal, year: int, formats: tuple[str, ...], out: Path,
         arsverk: str | None = None) -> list[Job]:
    """The jobs for a proposal: the overview (Vedlegg 0) and one per region."""
    proposal_yaml = proposal.to_yaml()
    out_dir = out / proposal.id
    common = {"proposal": str(out_dir / "forslag.yaml"), "year": year, "arsverk_file": arsverk}
    jobs = [Job("oversikt", proposal_yaml, "Vedlegg 0: Oversikt over forslaget", proposal.name,
                str(NOTEBOOK_DIR / "vedlegg_oversikt.ipynb"), dict(common), formats, str(out_dir),
                "vedlegg-00-oversikt")]
    for i, region in enumerate(proposal.region_names(), start=1):
        jobs.append(Job("region", proposal_yaml, f"Vedlegg {i}: {region}", proposal.name,
                        str(NOTEBOOK_DIR / "vedlegg_region.ipynb"), {**common, "region": region},
                        formats, str(out_dir), f"vedlegg-{i:02d}-{slug(region)}", region=region))
    return _finish(jobs, arsverk)


def comparison_dir(proposals: list[Proposal], out: Path) -> Path:
    """Output folder of a comparison: reports/sammenligning-<id>--<id>…"""
    return out / ("sammenligning-" + "--".join(slug(p.id) for p in proposals))


def plan_comparison(proposals: list[Proposal], year: int, formats: tuple[str, ...], out: Path,
                    arsverk: str | None = None) -> list[Job]:
    """The single job of a comparison appendix."""
    out_dir = comparison_dir(proposals, out)
    paths = [str(out_dir / f"forslag-{i}.yaml") for i in range(1, len(proposals) + 1)]
    job = Job("sammenligning", "".join(p.to_yaml() for p in proposals), "Sammenligning av forslag",
              " → ".join(p.name for p in proposals), str(NOTEBOOK_DIR / "vedlegg_sammenligning.ipynb"),
              {"proposals": paths, "year": year, "arsverk_file": arsverk}, formats, str(out_dir),
              "vedlegg-sammenligning")
    return _finish([job], arsverk)


def _finish(jobs: list[Job], arsverk: str | None) -> list[Job]:
    """Fill in each job's input hash and output file names."""
    data_hash = hashlib.sha256("".join(file_hash(p) for p in sorted(RAW_DIR.glob("*"))
                                       if p.is_file()).encode()).hexdigest()
    code_hash = _code_hash()
    for job in jobs:
        job.inputs_hash = _inputs_hash(job, data_hash, code_hash, arsverk)
        job.outputs = [f"{job.stem}.{ext}" for ext in job.formats] + [f"{job.stem}.csv",
                                                                       f"{job.stem}.xlsx"]
    return jobs


def _table(job: Job) -> "pd.DataFrame":  # noqa: F821
    """The appendix's main table as plain data, written beside it as CSV and XLSX."""
    from ..indicators.compare import side_by_side
    from ..indicators.keyfigures import key_figures
    from ..indicators.kommuner import kommune_table
    from ..present.tables import csv_table

    year, arsverk = job.parameters["year"], job.parameters["arsverk_file"]
    if job.kind == "sammenligning":
        return side_by_side([load(p) for p in job.parameters["proposals"]], year, arsverk)
    proposal = load(job.parameters["proposal"])
    if job.kind == "oversikt":
        return csv_table(key_figures(proposal, year, arsverk))
    return kommune_table(proposal, job.region, year)


_worker_kernel = None  # one warm kernel per worker process: imports and data caches are reused


def _kernel():
    """The worker's kernel, started on first use and shut down when the worker exits."""
    global _worker_kernel
    if _worker_kernel is None or not _worker_kernel.is_alive():
        from multiprocessing.util import Finalize

        from jupyter_client.manager import KernelManager

        _worker_kernel = KernelManager(kernel_name="python3")
        _worker_kernel.start_kernel(cwd=str(NOTEBOOK_DIR))
        Finalize(_worker_kernel, _worker_kernel.shutdown_kernel, kwargs={"now": True}, exitpriority=10)
    return _worker_kernel


def _discard_kernel() -> None:
    """Drop the worker's kernel after a failure, so the next notebook starts clean."""
    global _worker_kernel
    if _worker_kernel is not None:
        _worker_kernel.shutdown_kernel(now=True)
        _worker_kernel = None


def run_job(job: Job) -> tuple[str, float, str | None]:
    """Execute and render one appendix into a temporary folder, then move files into place.

    Returns (stem, seconds, error); on error the executed notebook is kept under _feil/.
    """
    import nbformat
    import papermill

    from ..render import render_html, render_pdf

    start = time.perf_counter()
    out_dir = Path(job.out_dir)
    with tempfile.TemporaryDirectory(dir=out_dir, prefix=".tmp-") as tmp:
        tmp = Path(tmp)
        executed = tmp / f"{job.stem}.ipynb"
        try:
            papermill.execute_notebook(job.notebook, str(executed), parameters=job.parameters,
                                       kernel_name="python3", progress_bar=False, log_output=False,
                                       cwd=str(NOTEBOOK_DIR), km=_kernel())
        except Exception as exc:  # papermill wraps the notebook's own error
            _discard_kernel()
            failed = out_dir / "_feil"
            failed.mkdir(exist_ok=True)
            if executed.exists():
                shutil.copy(executed, failed / executed.name)
            first_line = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
            return job.stem, time.perf_counter() - start, f"{first_line} (se {failed / executed.name})"
        nb = nbformat.read(executed, as_version=4)
        meta = {"title": job.title, "subtitle": job.subtitle,
                "date": dt.date.today().strftime("%d.%m.%Y")}
        if "html" in job.formats:
            (tmp / f"{job.stem}.html").write_text(render_html(nb, **meta), encoding="utf-8")
        if "pdf" in job.formats:
            (tmp / f"{job.stem}.pdf").write_bytes(render_pdf(nb, **meta))
        table = _table(job)
        table.to_csv(tmp / f"{job.stem}.csv", index=False)
        table.to_excel(tmp / f"{job.stem}.xlsx", index=False)
        for name in job.outputs:
            os.replace(tmp / name, out_dir / name)
        (out_dir / "_feil" / executed.name).unlink(missing_ok=True)
    return job.stem, time.perf_counter() - start, None


def _read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _progress(total: int):
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(total=total, unit="vedlegg", file=sys.stderr)
    return None


def build_proposal(proposal: Proposal, year: int, formats: tuple[str, ...], out: Path, jobs: int,
                   arsverk: str | None = None) -> bool:
    """Build every appendix of a proposal that is out of date; True when all are good."""
    for warning in validate(proposal, geometry=True):
        log.warning("%s: advarsel: %s", proposal.id, warning)
    out_dir = out / proposal.id
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_atomic(out_dir / "forslag.yaml", proposal.to_yaml())
    all_jobs = plan(proposal, year, formats, out, arsverk)
    ok, built_any = _run_jobs(all_jobs, out_dir, proposal.id, jobs)
    if "pdf" in formats and (built_any or not (out_dir / "vedlegg.pdf").exists()):
        from ..render import combine_pdfs

        parts = [(job.title, out_dir / f"{job.stem}.pdf") for job in all_jobs
                 if (out_dir / f"{job.stem}.pdf").exists()]
        if len(parts) == len(all_jobs):
            combine_pdfs(parts, out_dir / "vedlegg.pdf")
            log.info("%s: vedlegg.pdf samlet (%d vedlegg)", proposal.id, len(parts))
    return ok


def build_comparison(proposals: list[Proposal], year: int, formats: tuple[str, ...], out: Path,
                     arsverk: str | None = None) -> bool:
    """Build the comparison appendix of two or more proposals, if out of date."""
    if len(proposals) < 2:
        raise BuildError("sammenligning trenger minst to forslag")
    for proposal in proposals:
        validate(proposal)
    out_dir = comparison_dir(proposals, out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for i, proposal in enumerate(proposals, 1):
        _write_atomic(out_dir / f"forslag-{i}.yaml", proposal.to_yaml())
    ok, _ = _run_jobs(plan_comparison(proposals, year, formats, out, arsverk), out_dir,
                      out_dir.name, 1)
    return ok


def _run_jobs(all_jobs: list[Job], out_dir: Path, label: str, jobs: int) -> tuple[bool, bool]:
    """Run the out-of-date jobs in a process pool; return (all good, anything built)."""
    manifest_path = out_dir / "manifest.json"
    manifest = _read_manifest(manifest_path)
    for stale in out_dir.glob(".tmp-*"):  # left by a killed build; we hold the lock
        shutil.rmtree(stale, ignore_errors=True)
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
    ok = True
    bar = _progress(len(todo))
    with ProcessPoolExecutor(max_workers=max(1, min(jobs, len(todo) or 1))) as pool:
        futures = {pool.submit(run_job, job): job for job in todo}
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
                manifest[stem] = {"inputs": job.inputs_hash, "files": job.outputs,
                                  "title": job.title, "built": dt.datetime.now().isoformat(timespec="seconds"),
                                  "seconds": round(seconds, 2)}
                _write_atomic(manifest_path, json.dumps(manifest, indent=1, ensure_ascii=False))
                log.info("%s: %s ferdig (%.1f s)", label, stem, seconds)
            if bar:
                bar.update(1)
    if bar:
        bar.close()
    return ok, bool(todo)


def read_config(path: Path) -> dict:
    """Settings from regionanalyse.toml (all optional): proposals, comparisons (lists of
    proposals), year, formats, out, jobs."""
    if not path.exists():
        return {}
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise BuildError(f"{path}: ugyldig TOML ({exc})") from None
    known = {"proposals", "comparisons", "year", "formats", "out", "jobs"}
    unknown = sorted(set(config) - known)
    if unknown:
        raise BuildError(f"{path}: ukjent innstilling {', '.join(unknown)}; kjente er {', '.join(sorted(known))}")
    return config


def _setup_logging(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("regionanalyse")
    root.setLevel(logging.INFO)
    root.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
    stream = logging.StreamHandler(sys.stderr)
    stream.setFormatter(fmt)
    file_handler = logging.FileHandler(out / "build.log", encoding="utf-8")
    file_handler.setFormatter(fmt)
    root.addHandler(stream)
    root.addHandler(file_handler)


def build_all(args) -> bool:
    """Entry point for `regionanalyse build`: resolve proposals, lock the output, build each."""
    config = read_config(Path(CONFIG_FILE))
    out = Path(args.out or config.get("out") or DEFAULT_OUT)
    year = args.year or int(config.get("year", 2016))
    refs = list(args.proposals)
    comparisons: list[tuple[list[str], int]] = []
    if args.command == "compare":
        comparisons, refs = [(refs, year)], []
    elif args.all:
        refs = builtin_ids() + [str(p) for p in config.get("proposals", [])]
        comparisons = DEFAULT_COMPARISONS + [([str(p) for p in c], year)
                                             for c in config.get("comparisons", [])]
    elif not refs:
        refs = ["nav-2016-11"]
    to = args.to or ",".join(config.get("formats", ["html", "pdf"]))
    formats = tuple(f.strip() for f in to.split(",") if f.strip())
    unknown = [f for f in formats if f not in ("html", "pdf")]
    if unknown or not formats:
        raise BuildError(f"--to: ukjent format {', '.join(unknown) or '(tomt)'}; bruk html og/eller pdf")
    proposals = [load(ref) for ref in refs]
    compared = [([load(ref) for ref in group], y) for group, y in comparisons]
    for proposal in proposals + [p for group, _ in compared for p in group]:
        validate(proposal)
    _setup_logging(out)
    lock = FileLock(str(out / ".regionanalyse.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise LockedError(f"{out}: en annen bygging pågår (låsfil {out / '.regionanalyse.lock'}); "
                          "prøv igjen når den er ferdig") from None
    try:
        jobs = args.jobs or int(config.get("jobs", 0)) or os.cpu_count() or 1
        results = [build_proposal(p, year, formats, out, jobs, args.arsverk) for p in proposals]
        results += [build_comparison(group, y, formats, out, args.arsverk) for group, y in compared]
    finally:
        lock.release()
    return all(results)
