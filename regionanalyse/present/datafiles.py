"""Data files beside each appendix: its tables for a reader with Excel.

The tables come from the appendix's sections (present/sections.py: numbers as numbers rounded
as printed, missing values empty with the reason in a «Merknad» column, headings as printed
with «(%)» where the cells are percentages). Each table is a sheet, followed by a «Kilder» sheet
with each table's caption, source and notes. The appendix CSV is the main table in the same
form for Norwegian Excel: UTF-8 with BOM, «;» between fields and decimal comma.

(`regionanalyse table --format csv` is a different contract, for scripts: comma-separated,
plain numbers, internal column names; it does not come from here.)
"""
from __future__ import annotations

import re

import pandas as pd


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
