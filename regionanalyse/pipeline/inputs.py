"""Every input an appendix is built from, declared once.

`Inputs.resolve()` finds each one — the raw data files and the name of the data set they are
(shipped or refreshed), the årsverk file (`--arsverk`, else $REGIONANALYSE_ARSVERK, else the
shipped one), the PDF variant ($REGIONANALYSE_PDF_VARIANT), the package's code (templates,
styles and the map library included) and version, and the versions of Python and of the
libraries that draw and write the appendices. A job adds its own: the notebook, the
proposal(s), the parameters (year, region) and the title (`pipeline.plan`). The build's
incremental hash is made of these parts and nothing else; the manifest keeps each part, so
that a rebuild says which kind of input changed (`KINDS`).

Not inputs, by design: the git commit and the date named in the colophon (the code is in by
its content), the executor and the number of jobs (they change how, not what), the
processed-data cache folder (it is keyed on the files it is computed from), and the variables
only `data update` reads (REGIONANALYSE_SSB_URL, _KLASS_URL, _SSB_PAUSE, _HTTP_TIMEOUT: what
they fetch is in the raw data). The notebooks get the resolved årsverk file as a parameter,
so a worker never looks it up again.
"""
from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from importlib import metadata

from .. import config
from ..config import PACKAGE_DIR
from ..errors import UsageError
from ..memo import memo
from ..render.variant import VARIANT_ENV, pdf_variant
from ..sources import datasets, nav
from ..sources.cache import file_hash
from ..version import __version__

#: Libraries whose version can change what an appendix looks like (figures, tables, PDF).
RENDERING_LIBRARIES = ("pandas", "numpy", "matplotlib", "seaborn", "geopandas", "shapely", "pyproj",
                       "nbconvert", "jinja2", "weasyprint", "pikepdf", "openpyxl", "babel")
#: Files of the package that shape an appendix (code, templates, styles, the map library).
CODE_SUFFIXES = (".py", ".j2", ".css", ".json", ".yaml", ".js")


def code_hash() -> str:
    """Hash of the package's code, templates, assets and built-in proposals, read now: a file
    changed while the process runs (a style sheet edited beside an analyst's kernel) counts.
    Each file's hash is kept while its size and modification time stay (`file_hash`)."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.suffix in CODE_SUFFIXES and path.is_file():
            digest.update(file_hash(path).encode())
    return digest.hexdigest()


def data_hash() -> str:
    """Hash of every raw data file (the data checksum named in each appendix)."""
    return hashlib.sha256("".join(file_hash(p) for p in sorted(config.raw_dir().glob("*"))
                                  if p.is_file()).encode()).hexdigest()


@memo(1)
def library_versions() -> tuple[tuple[str, str], ...]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return ""
    return (("python", platform.python_version()),
            *((name, version(name)) for name in RENDERING_LIBRARIES))


#: Every environment variable the package reads: which kind of input (`KINDS`) it reaches
#: the hash through, or why it is none.
ENVIRONMENT = {
    "REGIONANALYSE_ARSVERK": "arsverk",
    "REGIONANALYSE_PDF_VARIANT": "pdf_variant",
    "REGIONANALYSE_RAW": "data, data_set",            # the folder read: its files and its name
    "REGIONANALYSE_DATA": "data, data_set",           # through its active refreshed set
    "XDG_DATA_HOME": "data, data_set",                # the default of REGIONANALYSE_DATA
    "LOCALAPPDATA": "data, data_set",                 # the same on Windows
    "REGIONANALYSE_HOME": "data, notebook",           # where the raw data and notebooks are
    "REGIONANALYSE_NOTEBOOKS": "notebook",            # by the notebook's content
    "REGIONANALYSE_PROCESSED": "none: a cache keyed on what its tables are computed from",
    "XDG_CACHE_HOME": "none: the default of REGIONANALYSE_PROCESSED",
    "REGIONANALYSE_AXE": "none: checks the written files for the accessibility statement",
    "REGIONANALYSE_AXE_SCRIPT": "none: the same",
    "REGIONANALYSE_SCHEDULER": "none: where the alternatives are drawn (Dask), not what",
    "REGIONANALYSE_SSB_URL": "none: read by data update; what it fetches is raw data",
    "REGIONANALYSE_KLASS_URL": "none: the same",
    "REGIONANALYSE_SSB_PAUSE": "none: the same",
    "REGIONANALYSE_HTTP_TIMEOUT": "none: the same",
}
#: Every kind of input a job's hash is made of, with the words a rebuild's log line uses.
KINDS = {
    "data": "rådata",                 # every raw data file
    "data_set": "datasett",           # the data set's name (shipped or refreshed), in the colophon
    "arsverk": "årsverk-fil",         # the årsverk file in use: its path and its content
    "pdf_variant": "PDF-variant",     # only for a job that writes a PDF
    "code": "pakkens kode",           # package code, templates, styles, assets, built-in proposals
    "version": "pakkeversjon",
    "libraries": "bibliotekversjoner",  # Python and RENDERING_LIBRARIES
    "notebook": "notatbok",
    "proposal": "forslag",
    "parameters": "parametre",        # year, region, file names the notebook is given
    "title": "tittel",
    "formats": "formater",
}


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Inputs:
    """The resolved inputs of a build (see the module docstring)."""

    data_sha256: str      # every raw data file
    data_set: str         # datasets.set_name of the raw data folder
    arsverk: str          # the årsverk file in use, absolute
    arsverk_sha256: str
    pdf_variant: str
    code_sha256: str      # package code, templates, assets, built-in proposals
    version: str
    libraries: tuple[tuple[str, str], ...]

    @classmethod
    def resolve(cls, arsverk: str | None = None) -> "Inputs":
        """Find every input now: `arsverk` is the --arsverk option (None: the environment
        variable, else the shipped file)."""
        path = nav.arsverk_path(arsverk).resolve()
        try:
            variant = pdf_variant()
        except ValueError as exc:
            raise UsageError(f"{VARIANT_ENV}: {exc}") from None
        return cls(data_hash(), datasets.set_name(config.raw_dir(), config.data_home()), str(path),
                   file_hash(path), variant, code_hash(), __version__, library_versions())

    def parts(self, formats: tuple[str, ...], notebook_sha256: str, proposals_yaml: str,
              parameters: dict, title: str) -> dict[str, str]:
        """A job's hash of each kind of input (`KINDS`); the PDF variant counts only for a job
        that writes a PDF."""
        return {"data": self.data_sha256, "data_set": _sha(self.data_set),
                "arsverk": _sha(f"{self.arsverk}\x00{self.arsverk_sha256}"),
                "pdf_variant": _sha(self.pdf_variant if "pdf" in formats else ""),
                "code": self.code_sha256, "version": _sha(self.version),
                "libraries": _sha(json.dumps(self.libraries)), "notebook": notebook_sha256,
                "proposal": _sha(proposals_yaml),
                "parameters": _sha(json.dumps(parameters, sort_keys=True)),
                "title": _sha(title), "formats": _sha(",".join(formats))}


def digest(parts: dict[str, str]) -> str:
    """The incremental hash of a job: of its parts, and of nothing else."""
    return _sha(json.dumps(parts, sort_keys=True))


def changed(parts: dict[str, str], before: dict | None) -> list[str]:
    """The kinds of input (as `KINDS` words them) whose hash differs from `before`, the parts a
    manifest kept (none kept, by an older version: every kind counts as changed)."""
    before = before if isinstance(before, dict) else {}
    return [KINDS[kind] for kind in KINDS if parts.get(kind) != before.get(kind)]
