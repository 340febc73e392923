"""Every input an appendix is built from, declared once.

`Inputs.resolve()` finds each one — the raw data files, the årsverk file (`--arsverk`, else
$REGIONANALYSE_ARSVERK, else the shipped one), the PDF variant ($REGIONANALYSE_PDF_VARIANT), the
package's code and version and the versions of the libraries that draw and write the
appendices — and the build's incremental hash is made of this object and nothing else. The
notebooks get the resolved årsverk file as a parameter, so a worker never looks it up again.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from ..memo import memo
from importlib import metadata

from ..config import PACKAGE_DIR, RAW_DIR
from ..errors import UsageError
from ..render.variant import VARIANT_ENV, pdf_variant
from ..sources import nav
from ..sources.cache import file_hash
from ..version import __version__

#: Libraries whose version can change what an appendix looks like (figures, tables, PDF).
RENDERING_LIBRARIES = ("pandas", "matplotlib", "seaborn", "geopandas", "shapely", "pyproj",
                       "nbconvert", "weasyprint", "pikepdf", "openpyxl")
#: Files of the package that shape an appendix (code, templates, styles, the map library).
CODE_SUFFIXES = (".py", ".j2", ".css", ".json", ".yaml", ".js")


@memo(1)
def code_hash() -> str:
    """Hash of the package's code, templates, assets and built-in proposals."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and path.suffix in CODE_SUFFIXES:
            digest.update(path.read_bytes())
    return digest.hexdigest()


def data_hash() -> str:
    """Hash of every raw data file (the data checksum named in each appendix)."""
    return hashlib.sha256("".join(file_hash(p) for p in sorted(RAW_DIR.glob("*"))
                                  if p.is_file()).encode()).hexdigest()


@memo(1)
def library_versions() -> tuple[tuple[str, str], ...]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return ""
    return tuple((name, version(name)) for name in RENDERING_LIBRARIES)


@dataclass(frozen=True)
class Inputs:
    """The resolved inputs of a build (see the module docstring)."""

    data_sha256: str      # every raw data file
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
        return cls(data_hash(), str(path), file_hash(path), variant, code_hash(), __version__,
                   library_versions())

    def digest(self, formats: tuple[str, ...], *parts: str) -> str:
        """Hash of every input a job in `formats` reads and of its own `parts` (notebook,
        parameters, title …); the PDF variant counts only for a job that writes a PDF."""
        inputs = asdict(self) | ({} if "pdf" in formats else {"pdf_variant": ""})
        text = "\x00".join([json.dumps(inputs, sort_keys=True), ",".join(formats), *parts])
        return hashlib.sha256(text.encode()).hexdigest()
