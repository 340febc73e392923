"""HTML to PDF with WeasyPrint, and PDF concatenation with bookmarks."""

import os
import tempfile
from pathlib import Path

import weasyprint
from pypdf import PdfWriter


class OfflineFetcher(weasyprint.URLFetcher):
    """URL fetcher that only resolves inline data: URLs."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"})


def html_to_pdf(html: str) -> bytes:
    """Render self-contained HTML to PDF bytes without network access."""
    return weasyprint.HTML(string=html, url_fetcher=OfflineFetcher()).write_pdf()


def combine_pdfs(parts: list[tuple[str, Path]], out: Path) -> None:
    """Concatenate PDFs into `out`, one top-level bookmark per (title, path)."""
    out = Path(out)
    writer = PdfWriter()
    for title, path in parts:
        first_page = len(writer.pages)
        writer.append(path, import_outline=False)
        writer.add_outline_item(title=title, page_number=first_page)
    writer.page_mode = "/UseOutlines"
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            writer.write(fh)
        os.replace(tmp, out)
    except BaseException:
        os.unlink(tmp)
        raise
