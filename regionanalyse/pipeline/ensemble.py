"""The appendix of `regionanalyse alternatives`: «Forslaget sammenlignet med N alternativer»."""
from __future__ import annotations

from pathlib import Path

from ..config import NOTEBOOK_DIR
from ..errors import BuildError
from ..model import Proposal
from ..present.fmt import number
from .plan import Job, finish
from .worker import run_job

STEM = "vedlegg-alternativer"


def build_ensemble_appendix(proposal: Proposal, year: int, ensemble_dir: Path,
                            formats: tuple[str, ...] = ("html", "pdf")) -> list[Path]:
    """Render the appendix into `ensemble_dir` (beside ensemble.csv); return the files written."""
    ensemble_dir = Path(ensemble_dir).resolve()
    proposal_path = ensemble_dir / "forslaget.yaml"
    proposal.to_yaml(proposal_path)
    n = len((ensemble_dir / "ensemble.csv").read_text(encoding="utf-8").splitlines()) - 1
    job = Job("alternativer", proposal.to_yaml(), f"Forslaget sammenlignet med {number(n)} alternativer",
              proposal.name, str(NOTEBOOK_DIR / "vedlegg_alternativer.ipynb"),
              {"proposal": str(proposal_path), "year": int(year), "ensemble_dir": str(ensemble_dir)},
              tuple(formats), str(ensemble_dir), STEM)
    finish([job], None)
    # run in the calling process, which may be an analyst's kernel: the notebook gets its own
    result = run_job(job, "fresh")
    if result.error:
        raise BuildError(f"vedlegget om alternativene feilet: {result.error}")
    return [ensemble_dir / name for name in job.outputs]
