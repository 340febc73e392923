"""Reusable accessibility checker for the PDFs of a build (see regionanalyse.render.pdfcheck).

    python tests/pdfcheck.py FILE.pdf [...] [--variant pdf/a-2a] [--json]

From tests: `from pdfcheck import check_pdf` (tests/ is on sys.path under pytest's rootdir
conftest) — `check_pdf(path).problems` is empty when the file passes.
"""
import sys

from regionanalyse.render.pdfcheck import PdfReport, check_pdf, main

__all__ = ["PdfReport", "check_pdf", "main"]

if __name__ == "__main__":
    sys.exit(main())
