"""Render executed notebooks to vedlegg HTML and PDF."""

from .exporters import VedleggHTMLExporter, VedleggPDFExporter
from .pdf import combine_pdfs


def _vedlegg(title, subtitle, date, source_note):
    return {"vedlegg": {"title": title, "subtitle": subtitle, "date": date, "source_note": source_note}}


def render_html(nb, *, title: str, subtitle: str, date: str, source_note: str | None = None) -> str:
    """Render an executed notebook to one self-contained HTML page."""
    html, _ = VedleggHTMLExporter().from_notebook_node(nb, _vedlegg(title, subtitle, date, source_note))
    return html


def render_pdf(nb, *, title: str, subtitle: str, date: str, source_note: str | None = None) -> bytes:
    """Render an executed notebook to A4 PDF bytes."""
    pdf, _ = VedleggPDFExporter().from_notebook_node(nb, _vedlegg(title, subtitle, date, source_note))
    return pdf


__all__ = ["VedleggHTMLExporter", "VedleggPDFExporter", "combine_pdfs", "render_html", "render_pdf"]
