"""Data files beside each appendix: the tables as printed, for a reader with Excel.

Every table an appendix shows is kept, as printed, in its report's TableBook and turned into a
sheet: Norwegian headings (units as in the appendix; «(%)» added where the cells were
percentages), numbers as numbers rounded exactly as printed, missing values empty with the
reason in a «Merknad» column (the footnote, or the meaning of the SSB symbol), and a «Kilder»
sheet with each table's caption, source and notes. The appendix CSV is the main table in the
same form for Norwegian Excel: UTF-8 with BOM, «;» between fields and decimal comma.

(`regionanalyse table --format csv` is a different contract, for scripts: comma-separated,
plain numbers, internal column names; it does not come from here.)
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
#: SSB's symbols and the words the appendices print for a missing value → the reason given
MISSING = {
    "..": "tallet finnes ikke i kildene",
    ".": "ikke aktuelt",
    ":": "kan ikke vises",
    "…": "tallet finnes ikke i kildene",
    "–": "ikke beregnet (mangler for minst én del)",
    "-": "ikke beregnet (mangler for minst én del)",
    "ikke oppgitt": "ikke oppgitt i kildene",
    "": "tom celle",
}
_NUMBER = re.compile(r"^[−-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d+)?$|^[−-]?\d+(?:,\d+)?$")
_MARKS = re.compile(rf"[\s\u00a0]*([{SUPERSCRIPTS}*]+)$")
NOTE_COLUMN = "Merknad"


@dataclass
class StagedTable:
    caption: str
    source: str
    notes: list[str]
    frame: pd.DataFrame  # as displayed: strings formatted for print


@dataclass
class TableBook:
    """The tables and figure data one appendix shows, in order: what its CSV and XLSX hold.

    Each appendix's report owns its own book (nothing is shared between appendices, so a
    failed appendix cannot lend its tables to the next one in the same process)."""

    tables: list[StagedTable] = field(default_factory=list)
    series: dict[str, tuple[pd.DataFrame, str]] = field(default_factory=dict)
    main_index: int | None = None  # the table written as the appendix's CSV (default: the first)

    def add(self, frame: pd.DataFrame, caption: str, source: str, notes) -> None:
        self.tables.append(StagedTable(caption, source, list(notes), frame.copy()))

    def add_series(self, name: str, frame: pd.DataFrame, source: str) -> None:
        """A figure's data (already numbers with Norwegian headings), as its own sheet."""
        self.series[name] = (frame.reset_index(drop=True), source)

    def main_next(self) -> None:
        """The table added next is the main table."""
        self.main_index = len(self.tables)


def _parse(cell) -> tuple[str, float | None, str, bool]:
    """(kind, value, mark, decimals): kind is 'number', 'percent', 'missing' or 'text'."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)):
        return "missing", None, "", False
    if isinstance(cell, (int, float)) and not isinstance(cell, bool):
        return "number", float(cell), "", not float(cell).is_integer()
    text = str(cell).strip()
    mark = ""
    m = _MARKS.search(text)
    if m and (text[:m.start()].strip() in MISSING or _is_numberish(text[:m.start()])):
        mark, text = m.group(1), text[:m.start()].strip()
    if text in MISSING:
        return "missing", None, mark, False
    percent = text.endswith("%")
    core = text[:-1].strip() if percent else text
    core = core.replace("\u00a0", " ").replace("\u202f", " ")
    if _NUMBER.match(core):
        value = float(core.replace(" ", "").replace(",", ".").replace("−", "-"))
        return ("percent" if percent else "number"), value, mark, "," in core
    return "text", None, mark, False


def _cell_value(raw, kind, value, mark, decimals):
    if kind == "missing":
        return None
    if kind in ("number", "percent"):
        return value if decimals else int(round(value))
    text = str(raw).strip()
    return text[:-len(mark)].strip() if mark else text


def _is_dash(cell) -> bool:
    return str(cell).strip() in ("–", "-")


def _is_numberish(text: str) -> bool:
    t = text.strip()
    t = t[:-1].strip() if t.endswith("%") else t
    return bool(_NUMBER.match(t.replace("\u00a0", " ").replace("\u202f", " ")))


def _footnotes(notes: list[str]) -> dict[str, str]:
    out = {}
    for note in notes:
        note = note.strip()
        if note and note[0] in SUPERSCRIPTS + "*":
            mark = re.match(rf"[{SUPERSCRIPTS}*]+", note).group(0)
            out[mark] = note[len(mark):].strip()
    return out


def as_printed(frame: pd.DataFrame, notes: list[str] = ()) -> pd.DataFrame:
    """A displayed table (formatted strings) → numbers as printed, reasons in «Merknad».

    A column whose filled cells are all numbers (or percentages) becomes numeric; «(%)» is
    added to its heading when they were percentages (in a row-per-figure table, where a column
    mixes both, to the row's label instead). Missing cells are empty and their reason (the
    footnote, or the meaning of «..», «.», «–», «ikke oppgitt») goes to the note column; a
    footnote on a filled cell is kept there too.
    """
    frame = frame.reset_index(drop=True)
    footnotes = _footnotes(list(notes))
    parsed = {col: [_parse(v) for v in frame[col]] for col in frame.columns}
    out = pd.DataFrame(index=frame.index)
    row_notes: list[list[str]] = [[] for _ in range(len(frame))]
    label_col = frame.columns[0] if len(frame.columns) else None
    percent_rows: set[int] = set()
    for col in frame.columns:
        cells = parsed[col]
        kinds = {k for k, *_ in cells if k != "missing"}
        numeric = col != label_col and kinds and kinds <= {"number", "percent"}
        text = "text" in kinds
        heading = col
        if numeric:
            values = [v for _, v, _, _ in cells]
            if kinds == {"percent"} and "%" not in col:
                heading = f"{col} (%)"
            elif kinds == {"number", "percent"}:
                percent_rows |= {i for i, (k, *_rest) in enumerate(cells) if k == "percent"}
            decimals = any(d for *_x, d in cells)
            series = pd.Series(values, dtype="Float64")
            out[heading] = series if decimals else series.round().astype("Int64")
        elif col != label_col and kinds & {"number", "percent"}:
            # a row-per-figure table (label | value …): numbers as numbers, text stays text
            out[heading] = pd.Series([_cell_value(frame[col].iloc[i], k, v, mark, d)
                                      for i, (k, v, mark, d) in enumerate(cells)], dtype=object)
            percent_rows |= {i for i, (k, *_rest) in enumerate(cells) if k == "percent"}
        else:  # a text column: «–» (none) is text, as printed, not a missing number
            out[heading] = [str(frame[col].iloc[i]).strip() if text and _is_dash(frame[col].iloc[i])
                            else _cell_value(frame[col].iloc[i], k, v, mark, d)
                            for i, (k, v, mark, d) in enumerate(cells)]
        for i, (kind, _, mark, _) in enumerate(cells):
            reason = footnotes.get(mark) if mark else None
            token = str(frame[col].iloc[i]).strip()
            if kind == "missing" and (token == "" or (text and _is_dash(token))):
                continue  # an empty cell or a dash in a text column says nothing to explain
            if kind == "missing":
                token = str(frame[col].iloc[i]).strip()
                token = token[:-len(mark)].strip() if mark else token
                reason = reason or MISSING.get(token, "mangler")
                row_notes[i].append(f"{col}: {reason}")
            elif reason:
                row_notes[i].append(f"{col}: {reason}")
    if percent_rows and label_col is not None:
        first = out.columns[0]
        out[first] = [f"{v} (%)" if i in percent_rows and v and "%" not in str(v) else v
                      for i, v in enumerate(out[first])]
    if any(row_notes):
        out[NOTE_COLUMN] = ["; ".join(n) if n else None for n in row_notes]
    return out


def sheet_name(caption: str, taken: set[str]) -> str:
    """An Excel sheet name (≤ 31 characters, none of []:*?/\\) from a caption, unique."""
    base = re.sub(r"[\[\]:*?/\\]", "", caption).replace(".", "", 1).strip()
    if len(base) > 31:  # cut at a word boundary
        base = base[:31].rsplit(" ", 1)[0].rstrip(",;– ")
    name, n = base or "Tabell", 2
    while name in taken:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    taken.add(name)
    return name


def collect(book: TableBook) -> dict:
    """Everything the build writes: {"tables": {sheet: frame}, "main": sheet, "sources": frame}."""
    taken: set[str] = {"Kilder"}
    tables, sources = {}, []
    main = None
    for i, t in enumerate(book.tables):
        name = sheet_name(t.caption, taken)
        tables[name] = as_printed(t.frame, t.notes)
        sources.append({"Ark": name, "Tabell": t.caption, "Kilde": t.source,
                        "Merknader": " | ".join(t.notes) or None})
        if i == (book.main_index or 0):
            main = name
    for caption, (frame, source) in book.series.items():
        name = sheet_name(caption, taken)
        tables[name] = frame
        sources.append({"Ark": name, "Tabell": caption, "Kilde": source, "Merknader": None})
    return {"tables": tables, "main": main, "sources": pd.DataFrame(sources)}


def write_csv(frame: pd.DataFrame, path) -> None:
    """Norwegian Excel's CSV: UTF-8 with BOM, «;» between fields, decimal comma."""
    frame.to_csv(path, sep=";", decimal=",", index=False, encoding="utf-8-sig")


def write_xlsx(tables: dict[str, pd.DataFrame], sources: pd.DataFrame | None, path) -> None:
    """One sheet per table, then «Kilder»; headings bold, columns wide enough to read."""
    from openpyxl.styles import Font

    if not tables and (sources is None or not len(sources)):
        tables = {"Om": pd.DataFrame({"Merknad": ["Vedlegget viser ingen tabeller."]})}
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, frame in tables.items():
            frame.to_excel(writer, sheet_name=name[:31], index=False)
        if sources is not None and len(sources):
            sources.to_excel(writer, sheet_name="Kilder", index=False)
        for sheet in writer.book.worksheets:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
            for column in sheet.columns:
                width = max(len(str(c.value)) if c.value is not None else 0 for c in column)
                sheet.column_dimensions[column[0].column_letter].width = min(max(10, width + 2), 60)
            sheet.freeze_panes = "A2"
