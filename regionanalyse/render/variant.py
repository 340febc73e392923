"""Which tagged PDF the appendices are written as (no WeasyPrint, no pikepdf: cheap to import)."""
from __future__ import annotations

import os

#: Variants html_to_pdf can write; the first is the default.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-2a")
DEFAULT_PDF_VARIANT = PDF_VARIANTS[0]
#: Environment variable that chooses the variant for a build (e.g. "pdf/a-2a" for a Noark archive).
VARIANT_ENV = "REGIONANALYSE_PDF_VARIANT"
PDF_LANG = "nb"


def pdf_variant(variant: str | None = None) -> str:
    """The PDF variant to write: `variant`, else $REGIONANALYSE_PDF_VARIANT, else PDF/UA-1."""
    chosen = (variant or os.environ.get(VARIANT_ENV) or DEFAULT_PDF_VARIANT).strip().lower()
    if chosen not in PDF_VARIANTS:
        raise ValueError(f"unknown PDF variant {chosen!r}; choose one of {', '.join(PDF_VARIANTS)}")
    return chosen
