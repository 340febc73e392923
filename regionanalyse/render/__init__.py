"""Render executed notebooks to vedlegg HTML and PDF.

The exporters load on first use (WeasyPrint takes about a second to import), so a build with
nothing to render stays quick; each is made once per process (its templates compiled once).
"""
from ..memo import memo

_EXPORTERS = ("VedleggHTMLExporter", "VedleggPDFExporter")


def _vedlegg(title, subtitle, date, source_note):
    return {"vedlegg": {"title": title, "subtitle": subtitle, "date": date, "source_note": source_note}}


@memo(shared=True)  # a service: callers only use it
def _exporter(name: str):
    from . import exporters

    return getattr(exporters, name)()


def render_html(nb, *, title: str, subtitle: str, date: str, source_note: str | None = None) -> str:
    """Render an executed notebook to one self-contained HTML page."""
    html, _ = _exporter("VedleggHTMLExporter").from_notebook_node(
        nb, _vedlegg(title, subtitle, date, source_note))
    return html


def render_pdf(nb, *, title: str, subtitle: str, date: str, source_note: str | None = None) -> bytes:
    """Render an executed notebook to A4 PDF bytes."""
    pdf, _ = _exporter("VedleggPDFExporter").from_notebook_node(
        nb, _vedlegg(title, subtitle, date, source_note))
    return pdf


def combine_pdfs(*args, **kwargs) -> None:
    """Concatenate appendix PDFs into one, keeping their tags and bookmarks (see pdf.py)."""
    from .combine import combine_pdfs as combine

    combine(*args, **kwargs)


def __getattr__(name):
    if name in _EXPORTERS:
        from . import exporters

        return getattr(exporters, name)
    raise AttributeError(f"module 'regionanalyse.render' has no attribute {name!r}")


__all__ = [*_EXPORTERS, "combine_pdfs", "render_html", "render_pdf"]
