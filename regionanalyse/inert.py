"""User text made inert for every output: the one place that knows how.

Names, source and note of a proposal may come from anyone. Every writer takes them through
these functions (tests/test_safety_writers.py enumerates the writers and runs hostile names
through each):

- HTML: `html.escape` in present/html.py (tables, captions, figures); Markdown sections of the
  appendices: `md_text` (every character Markdown, HTML, math or a link could act on becomes a
  numeric character reference);
- CSV and XLSX (appendix data files, `table`, `history`, `score`, `alternatives`):
  `neutralise_formulas` (a cell a spreadsheet would run as a formula gets a leading «'»);
- Markdown tables on stdout (`table`, `history`, `score` with `--format markdown`):
  `markdown_table` (cells escaped with backslashes: `|` cannot split a cell, `<` cannot open
  a tag, `*`, `_`, `[` … are shown as typed).

Layer-neutral (beside config and errors) so that every layer can use it.
"""
from __future__ import annotations

#: A spreadsheet runs a cell starting with one of these as a formula (OWASP «CSV injection»)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = set("\\`*_{}[]()<>#+-.!|~$&:=@\"'^")
_MARKDOWN_CELL_SPECIAL = set("\\`*_[]<>|~$&")


def formula_safe(value):
    """A text cell that a spreadsheet would run, or that only whitespace separates from such a
    start (spreadsheets may strip it), gets a leading apostrophe; anything else is returned as is."""
    if not isinstance(value, str):
        return value
    if value.startswith(FORMULA_START) or value.lstrip().startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_formulas(frame):
    """Every text cell and heading of a DataFrame through `formula_safe`; numbers are left
    alone. For CSV and XLSX."""
    import pandas as pd

    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(formula_safe)
    out.columns = [formula_safe(c) for c in out.columns]
    return out


def md_text(value) -> str:
    """Text from a proposal or data file, made inert inside Markdown: every character Markdown,
    HTML, math ($) or a link could act on becomes a numeric character reference, so it is
    shown as typed (verbatim in HTML and PDF) and never parsed."""
    text = "" if value is None else str(value)
    out = "".join(f"&#{ord(c)};" if c in _MARKDOWN_SPECIAL else c for c in text)
    return out.replace("\r\n", "\n").replace("\n", "  \n")


def md_cell(value) -> str:
    """A table cell for Markdown read by people in a terminal and by Markdown renderers: the
    characters that would end the cell, open a tag or format text get a backslash (CommonMark
    shows a backslash-escaped punctuation character as itself); line breaks become spaces."""
    text = "" if value is None else str(value)
    text = " ".join(text.splitlines())
    return "".join("\\" + c if c in _MARKDOWN_CELL_SPECIAL else c for c in text)


def markdown_table(table) -> str:
    """A table as Markdown (tabulate): missing values as empty cells, text cells and headings
    through `md_cell`."""
    out = table.astype(object).where(table.notna(), "")
    out = out.map(lambda v: md_cell(v) if isinstance(v, str) else v)
    out.columns = [md_cell(c) for c in out.columns]
    return out.to_markdown(index=False)
