"""The plan: which appendices a proposal or comparison needs, with file names and input hashes."""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..appendix import APPENDICES
from .. import config
from ..config import PROJECT_ROOT
from ..memo import memo
from ..model import Proposal
from ..sources import datasets
from ..sources.cache import file_hash
from ..territory import membership
from ..version import __version__
from .inputs import Inputs, changed, digest


def slug(text: str) -> str:
    """File-name-safe ASCII form of a region name ('Sogn & Fjordane' → 'sogn-fjordane')."""
    text = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80].strip("-") or "region"


@dataclass
class Job:
    """One appendix: a notebook with parameters, rendered to the chosen formats."""

    kind: str  # a key of appendix.APPENDICES: "oversikt", "region", "sammenligning", "alternativer"
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
    input_parts: dict = field(default_factory=dict)  # kind of input → its hash (inputs.KINDS)
    outputs: list[str] = field(default_factory=list)
    stamp: dict = field(default_factory=dict)  # version, git, data checksum (version_stamp)
    weight: int = 0  # expected work (kommuner shown): the build hands out the heaviest first


@memo(1)
def git_commit() -> str:
    """Short git commit of the checkout (with '+' when it has local changes), or ''."""
    try:
        head = subprocess.run(["git", "-C", str(PROJECT_ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=5)
        if head.returncode != 0:
            return ""
        dirty = subprocess.run(["git", "-C", str(PROJECT_ROOT), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True, timeout=5)
        return head.stdout.strip() + ("+" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return ""


def version_stamp(data: str) -> dict:
    """Package version, git commit, data set and checksum, for the manifest and the colophon."""
    return {"versjon": __version__, "git": git_commit(),
            "datasett": datasets.set_name(config.raw_dir(), config.data_home()), "data_sha256": data}


def colophon(stamp: dict) -> str:
    """One line for the foot of every appendix."""
    git = f", git {stamp['git']}" if stamp["git"] else ""
    name = stamp.get("datasett", datasets.SHIPPED)
    data = "levert med pakken" if name == datasets.SHIPPED else f"oppdatert, datasett {name}"
    return (f"Laget med regionanalyse {stamp['versjon']}{git}; datagrunnlag {data}, sha256 "
            f"{stamp['data_sha256'][:12]}")


def _input_parts(job: Job, inputs: Inputs) -> dict[str, str]:
    return inputs.parts(job.formats, file_hash(Path(job.notebook)), job.proposals_yaml,
                        job.parameters, job.title)


def stale_reason(job: Job, entry: dict, present: bool) -> str | None:
    """Why `job` must be built, in the words of the build's log, or None when its files are
    there and its manifest `entry` was made from the same inputs: «ny», «filer mangler», or
    «inndata endret: <the kinds of input that changed>»."""
    if not entry:
        return "ny"
    if not present:
        return "filer mangler"
    if entry.get("inputs") == job.inputs_hash:
        return None
    kinds = changed(job.input_parts, entry.get("parts"))
    return "inndata endret" + (f": {', '.join(kinds)}" if kinds and entry.get("parts") else "")


def plan(proposal: Proposal, year: int, formats: tuple[str, ...], out: Path,
         arsverk: str | None = None) -> list[Job]:
    """The jobs for a proposal: the overview (Vedlegg 0) and one per region."""
    inputs = Inputs.resolve(arsverk)
    proposal_yaml = proposal.to_yaml()
    out_dir = out / proposal.id
    common = {"proposal": str(out_dir / "forslag.yaml"), "year": year, "arsverk_file": inputs.arsverk}
    jobs = [Job("oversikt", proposal_yaml, "Vedlegg 0: Oversikt over forslaget", proposal.name,
                APPENDICES["oversikt"].notebook_path, dict(common), formats, str(out_dir),
                "vedlegg-00-oversikt")]
    kommuner = membership.expand(proposal).groupby("region")["kommunenummer"].nunique()
    jobs[0].weight = int(kommuner.sum())
    for i, region in enumerate(proposal.region_names(), start=1):
        jobs.append(Job("region", proposal_yaml, f"Vedlegg {i}: {region}", proposal.name,
                        APPENDICES["region"].notebook_path, {**common, "region": region},
                        formats, str(out_dir), f"vedlegg-{i:02d}-{slug(region)}", region=region,
                        weight=int(kommuner.get(region, 0))))
    return finish(jobs, inputs)


def comparison_dir(proposals: list[Proposal], out: Path) -> Path:
    """Output folder of a comparison: reports/sammenligning-<id>--<id>… (ids are at most 64
    characters; a name too long for a file system ends in a short hash instead)."""
    name = "sammenligning-" + "--".join(slug(p.id) for p in proposals)
    if len(name) > 120:
        name = name[:100].rstrip("-") + "-" + hashlib.sha256(name.encode()).hexdigest()[:12]
    return out / name


def plan_comparison(proposals: list[Proposal], year: int, formats: tuple[str, ...], out: Path,
                    arsverk: str | None = None) -> list[Job]:
    """The single job of a comparison appendix."""
    inputs = Inputs.resolve(arsverk)
    out_dir = comparison_dir(proposals, out)
    paths = [str(out_dir / f"forslag-{i}.yaml") for i in range(1, len(proposals) + 1)]
    job = Job("sammenligning", "".join(p.to_yaml() for p in proposals), "Sammenligning av forslag",
              " → ".join(p.name for p in proposals), APPENDICES["sammenligning"].notebook_path,
              {"proposals": paths, "year": year, "arsverk_file": inputs.arsverk}, formats,
              str(out_dir), "vedlegg-sammenligning")
    return finish([job], inputs)


def finish(jobs: list[Job], inputs: Inputs | None = None) -> list[Job]:
    """Fill in each job's input hash (from `inputs`, resolved now when not given), output file
    names and version stamp."""
    inputs = inputs or Inputs.resolve()
    stamp = version_stamp(inputs.data_sha256)
    for job in jobs:
        job.input_parts = _input_parts(job, inputs)
        job.inputs_hash = digest(job.input_parts)
        job.outputs = [f"{job.stem}.{ext}" for ext in job.formats] + [f"{job.stem}.csv",
                                                                       f"{job.stem}.xlsx"]
        job.stamp = stamp
    return jobs
