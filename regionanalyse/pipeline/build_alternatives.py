"""The appendix of `regionanalyse alternatives`: «Forslaget sammenlignet med N alternativer»."""
from __future__ import annotations

from pathlib import Path

from ..appendix import APPENDICES
from ..ensemble.folder import MARKER, owned, symlinks
from ..errors import BuildError, UsageError
from ..model import Proposal
from ..present.fmt import counted
from .plan import Job, finish
from .publish import LOCK_NAME, OutputLock, acquire_lock, prepare_out, write_atomic
from .worker import run_job

STEM = "vedlegg-alternativer"


def claim_out(out, label: str = "--out") -> tuple[Path, OutputLock]:
    """The folder `alternatives` writes into, locked, with the build's output-folder policy:
    created if needed and writable, never a symlink nor through one, and a folder that is not
    empty only when the command wrote it (ensemble/folder.py). Refused with a UsageError
    (exit 1) otherwise; another run holding the lock: LockedError (exit 4)."""
    out = Path(out)
    if out.is_symlink():
        raise UsageError(f"{label} {out}: er en symbolsk lenke; den følges ikke – oppgi mappen selv")
    path = prepare_out(out, label)
    links = symlinks(path)
    if links:
        raise UsageError(f"{label} {out}: inneholder en symbolsk lenke ({links[0].relative_to(path)}); "
                         "den følges ikke – fjern den eller velg en annen mappe")
    foreign = [p.name for p in path.iterdir() if p.name not in (MARKER, LOCK_NAME)]
    if foreign and not owned(path):
        raise UsageError(f"{label} {out}: mappen er ikke tom og er ikke skrevet av regionanalyse "
                         f"alternatives (mangler {MARKER}); velg en ny eller tom mappe")
    lock = acquire_lock(path)
    try:
        write_atomic(path / MARKER, "Skrevet av regionanalyse alternatives.\n")
    except BaseException:
        lock.release()
        raise
    return path, lock


def build_ensemble_appendix(proposal: Proposal, year: int, ensemble_dir: Path,
                            formats: tuple[str, ...] = ("html", "pdf")) -> list[Path]:
    """Render the appendix into `ensemble_dir` (beside ensemble.csv); return the files written."""
    ensemble_dir = Path(ensemble_dir).resolve()
    proposal_path = ensemble_dir / "forslaget.yaml"
    proposal.to_yaml(proposal_path)
    n = len((ensemble_dir / "ensemble.csv").read_text(encoding="utf-8").splitlines()) - 1
    job = Job("alternativer", proposal.to_yaml(), f"Forslaget sammenlignet med {counted(n, 'alternativ', 'alternativer')}",
              proposal.name, APPENDICES["alternativer"].notebook_path,
              {"proposal": str(proposal_path), "year": int(year), "ensemble_dir": str(ensemble_dir)},
              tuple(formats), str(ensemble_dir), STEM)
    finish([job], None)
    # run in the calling process, which may be an analyst's kernel: the notebook gets its own
    result = run_job(job, "fresh")
    if result.error:
        raise BuildError(f"vedlegget om alternativene feilet: {result.error}")
    return [ensemble_dir / name for name in job.outputs]
