"""What an appendix shows, as data: an ordered list of sections (tables, figures, texts).

A table section holds cells (present/cells.py: numbers with their format, texts, SSB symbols
with their reason), its caption, source line and notes. One renderer turns the sections into
the notebook's HTML and Markdown (`Section._repr_html_`, via present.html.table_html) and into
the data files beside the appendix (`Sections.data_files`: numbers as numbers, rounded as
printed, reasons in «Merknad»), so the HTML, CSV and XLSX come from the same values.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass, field
from html import escape

import pandas as pd

from . import datafiles
from .cells import Cell, Format
from .fmt import is_missing
from .html import table_html

NOTE_COLUMN = "Merknad"


@dataclass
class Section:
    """One block of an appendix. `name` is the notebook cell that shows it (several sections
    may share one); `kind` is "table", "figure" or "text".

    A table has `frame` (cells or plain values; the first column labels the rows), `caption`,
    `source`, `notes` and optionally `lead` (HTML set above it). A figure has its HTML block
    and, when its numbers go to the data files, `frame` (numbers) under the sheet `caption`.
    A text has `markdown` or `html`.
    """

    name: str
    kind: str
    frame: pd.DataFrame | None = None
    caption: str = ""
    source: str = ""
    notes: list[str] = field(default_factory=list)
    html: str = ""
    markdown: str = ""
    lead: str = ""
    main: bool = False  # the appendix's main table, written as its CSV

    def printed(self) -> pd.DataFrame:
        """The table as a reader sees it: every cell as printed."""
        return self.frame.map(lambda v: v.printed() if isinstance(v, Cell) else v)

    def _repr_html_(self) -> str | None:
        if self.kind == "table":
            return self.lead + table_html(self.frame, self.caption, self.source, self.notes).data
        return self.html or None

    def _repr_markdown_(self) -> str | None:
        return self.markdown or None

    @property
    def data(self) -> str:
        """What the notebook shows: the Markdown, else the HTML (as IPython's display objects)."""
        return self.markdown or self._repr_html_()

    def sheet(self) -> pd.DataFrame:
        """The table (or a figure's numbers) for the data files (see data_frame)."""
        return data_frame(self.frame) if self.kind == "table" else self.frame.reset_index(drop=True)


def table(name: str, frame: pd.DataFrame, caption: str, source: str, notes=(), main: bool = False,
          lead: str = "") -> Section:
    return Section(name, "table", frame.reset_index(drop=True), caption, source, list(notes),
                   lead=lead, main=main)


def figure(name: str, block, data: pd.DataFrame | None = None, sheet: str = "",
           source: str = "") -> Section:
    """A figure's HTML block (present.html.figure_out); `data` its numbers, as sheet `sheet`."""
    return Section(name, "figure", data, sheet, source, html=getattr(block, "data", block))


def paragraph(name: str, text: str) -> Section:
    """A paragraph of plain text (escaped: it may hold proposal names)."""
    return Section(name, "text", html=f"<p>{escape(text)}</p>")


def markdown(name: str, text: str) -> Section:
    """A text in Markdown (from present.fmt.md_text where it holds proposal text)."""
    return Section(name, "text", markdown=text)


class Sections(list):
    """An appendix: its sections in order."""

    def named(self, name: str) -> list[Section]:
        return [s for s in self if s.name == name]

    def one(self, name: str) -> Section:
        """The section of notebook cell `name` (a cell's value is shown as its result)."""
        (section,) = self.named(name)
        return section

    def show(self, name: str) -> None:
        """Display the sections of notebook cell `name`, one after the other."""
        from IPython.display import display

        for section in self.named(name):
            display(section)

    def data_files(self) -> dict:
        """{"tables": {sheet: frame}, "main": sheet, "sources": frame}: every table, then every
        figure's numbers, each a sheet; «Kilder» lists each sheet's caption, source and notes."""
        taken: set[str] = {"Kilder"}
        tables, sources, main = {}, [], None
        shown = [s for s in self if s.kind == "table"]
        first_main = next((s for s in shown if s.main), shown[0] if shown else None)
        for s in shown:
            name = datafiles.sheet_name(s.caption, taken)
            tables[name] = s.sheet()
            sources.append({"Ark": name, "Tabell": s.caption, "Kilde": s.source,
                            "Merknader": " | ".join(s.notes) or None})
            if s is first_main:
                main = name
        for s in self:
            if s.kind == "figure" and s.frame is not None:
                name = datafiles.sheet_name(s.caption, taken)
                tables[name] = s.sheet()
                sources.append({"Ark": name, "Tabell": s.caption, "Kilde": s.source, "Merknader": None})
        return {"tables": tables, "main": main, "sources": pd.DataFrame(sources)}


def _cell(value) -> Cell:
    """A plain value in a table (a label, a count) as a cell."""
    if isinstance(value, Cell):
        return value
    if is_missing(value):
        return Cell()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return Cell(int(value), Format())
    return Cell(str(value))


def data_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A table's cells → numbers as printed, texts, missing cells empty; the reason for a
    missing cell (its footnote, or the meaning of its symbol) and a footnote on a shown one in
    «Merknad». A column of numbers is numeric, «(%)» added to its heading when they are
    percentages; in a row-per-figure table (label | value …) the row's label gets it."""
    frame = frame.reset_index(drop=True)
    out = pd.DataFrame(index=frame.index)
    row_notes: list[list[str]] = [[] for _ in range(len(frame))]
    label = frame.columns[0] if len(frame.columns) else None
    percent_rows: set[int] = set()
    for col in frame.columns:
        cells = [_cell(v) for v in frame[col]]
        kinds = {c.kind for c in cells} - {"missing"}
        values = [c.format.rounded(c.value) if c.kind in ("number", "percent")
                  else None if c.kind == "missing" else str(c.value) for c in cells]
        heading = col
        if col != label and kinds and kinds <= {"number", "percent"}:
            if kinds == {"percent"} and "%" not in col:
                heading = f"{col} (%)"
            elif kinds == {"number", "percent"}:
                percent_rows |= {i for i, c in enumerate(cells) if c.kind == "percent"}
            decimals = any(c.format.decimals for c in cells if c.format is not None)
            series = pd.Series([None if v is None else float(v) for v in values], dtype="Float64")
            out[heading] = series if decimals else series.round().astype("Int64")
        elif col != label and kinds & {"number", "percent"}:
            out[heading] = pd.Series(values, dtype=object)
            percent_rows |= {i for i, c in enumerate(cells) if c.kind == "percent"}
        else:
            out[heading] = values
        for i, c in enumerate(cells):
            reason = c.reason()
            if reason:
                row_notes[i].append(f"{col}: {reason}")
    if percent_rows and label is not None:
        first = out.columns[0]
        out[first] = [f"{v} (%)" if i in percent_rows and v and "%" not in str(v) else v
                      for i, v in enumerate(out[first])]
    if any(row_notes):
        out[NOTE_COLUMN] = ["; ".join(n) if n else None for n in row_notes]
    return out
