"""The appendices. Each module's `build(params) -> Sections` is what its notebook shows and what
the build writes as CSV and XLSX; APPENDICES names, per kind of job, the module, the notebook
and its parameters (the notebook's parameters cell, in order: tests/test_datafiles.py checks)."""
from __future__ import annotations

from dataclasses import dataclass

from ..config import NOTEBOOK_DIR


@dataclass(frozen=True)
class Appendix:
    module: str  # regionanalyse.appendix.<module>.build
    notebook: str  # in notebooks/: calls that build with `parameters` and shows the sections
    parameters: tuple[str, ...]

    @property
    def notebook_path(self) -> str:
        return str(NOTEBOOK_DIR / self.notebook)


APPENDICES = {
    "oversikt": Appendix("overview", "vedlegg_oversikt.ipynb", ("proposal", "year", "arsverk_file")),
    "region": Appendix("region", "vedlegg_region.ipynb", ("proposal", "region", "year", "arsverk_file")),
    "sammenligning": Appendix("comparison", "vedlegg_sammenligning.ipynb",
                              ("proposals", "year", "arsverk_file")),
    "alternativer": Appendix("alternatives", "vedlegg_alternativer.ipynb", ("proposal", "year", "ensemble_dir")),
}
