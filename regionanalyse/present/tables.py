"""Tables for reports and the command line: plain CSV and Norwegian-formatted display."""
from __future__ import annotations

import pandas as pd

from dataclasses import replace

from ..indicators import symbols as ssb
from ..indicators.keyfigures import KeyFigures, national_figures, totals
from . import cells, fmt
from ..inert import FORMULA_START, neutralise_formulas  # noqa: F401  (the one place)

CSV_COLUMNS = ["region", "members", "antall_kommuner", "folkemengde", "alder_0_15", "alder_16_66",
               "alder_67_pluss", "andel_landet_pst", "areal_km2", "tetthet_per_km2", "navkontor",
               "navkontor_malbilde", "innbyggere_per_navkontor", "arsverk", "arsverk_per_10000",
               "sysselsatte_1000", "sete", "ba_regioner", "ba_delt", "bosatt_delt_ba",
               "ba_klassifisering", "navkontor_aar"]

# column → (Norwegian heading with unit, decimals)
DISPLAY = {
    "folkemengde": ("Folkemengde 1.1. (personer)", 0),
    "andel_landet_pst": ("Andel av folkemengden i landet", 1),
    "antall_kommuner": ("Kommuner (antall)", 0),
    "areal_km2": ("Areal (km²)", 0),
    "tetthet_per_km2": ("Innbyggere per km²", 1),
    "navkontor": ("NAV-kontor 2016 (antall)", 0),
    "navkontor_malbilde": ("NAV-kontor målbilde 2020 (antall)", 0),
    "innbyggere_per_navkontor": ("Innbyggere per NAV-kontor", 0),
    "arsverk": ("Årsverk", 0),
    "arsverk_per_10000": ("Årsverk per 10 000 innbyggere", 1),
    "sysselsatte_1000": ("Sysselsatte (1000 personer, AKU)", 0),
}


def csv_table(figures: KeyFigures) -> pd.DataFrame:
    """Plain numbers for CSV: missing as empty, decimals rounded sensibly."""
    table = figures.table[CSV_COLUMNS].copy()
    for col, decimals in (("andel_landet_pst", 2), ("areal_km2", 1), ("tetthet_per_km2", 2),
                          ("innbyggere_per_navkontor", 1), ("arsverk_per_10000", 2)):
        table[col] = table[col].astype("Float64").round(decimals)
    return table


def symbol_table(figures: KeyFigures, table: pd.DataFrame) -> pd.DataFrame:
    """`table` (rows of `figures`) with each missing value replaced by its SSB symbol (the
    note's, else «..»), for tables a person reads (Markdown)."""
    notes = _note_lookup(figures)
    out = table.astype(object)
    for col in out.columns:
        for i, (region, value) in enumerate(zip(table["region"], table[col])):
            if fmt.is_missing(value):
                out.iat[i, out.columns.get_loc(col)] = notes.get((region, col), ("", ""))[1] or ssb.NOT_AVAILABLE
    return out


def value_cell(column: str, value) -> cells.Cell:
    """A key figure as a cell (units in the heading, % in the cell)."""
    if column == "andel_landet_pst":
        return cells.percent(value)
    return cells.number(value, DISPLAY.get(column, ("", 0))[1])


def mark(i: int) -> str:
    """Footnote mark number i (0-based): ¹ … ⁹, then ¹⁰, ¹¹ …"""
    digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
    return "".join(digits[int(d)] for d in str(i + 1))


class Footnotes:
    """Numbered footnotes for one table: the same reason gets the same mark."""

    def __init__(self):
        self.reasons: list[str] = []
        self.symbols: set[str] = set()

    def add(self, reason: str, symbol: str = "") -> str:
        if reason not in self.reasons:
            self.reasons.append(reason)
        if symbol:
            self.symbols.add(symbol)
        return mark(self.reasons.index(reason))

    def cell(self, cell: cells.Cell, reason: str | None) -> cells.Cell:
        """`cell` with the footnote mark of `reason`, if any (a missing cell's symbol counted
        for the legend)."""
        if not reason:
            return cell
        return replace(cell, mark=self.add(reason, cell.symbol if cell.value is None else ""),
                       note=_sentence(reason))

    def missing(self, symbol: str, reason: str | None) -> cells.Cell:
        """SSB's `symbol` with the footnote mark of `reason`."""
        return self.cell(cells.missing(symbol), reason)

    def lines(self) -> list[str]:
        out = [f"{mark(i)} {_sentence(r)}" for i, r in enumerate(self.reasons)]
        if self.symbols:
            out.append("Tegn: " + "; ".join(f"{s} = {text}" for s, text in ssb.LEGEND.items()
                                           if s in self.symbols) + ".")
        return out


def _sentence(reason: str) -> str:
    return reason if reason.endswith(".") else f"{reason[0].upper()}{reason[1:]}."


def _note_lookup(figures: KeyFigures) -> dict[tuple[str, str], tuple[str, str]]:
    """(region, figur) → (reason, symbol), several reasons joined."""
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for region, figur, text, symbol in figures.notes[["region", "figur", "merknad", "tegn"]].itertuples(index=False):
        key = (region, figur)
        if key in out:
            out[key] = (f"{out[key][0]}; {text}", out[key][1] or symbol)
        else:
            out[key] = (text, symbol)
    return out


def _total_symbol(notes: dict, table: pd.DataFrame, col: str) -> str:
    """Symbol for a total that cannot be given: the regions' own symbol if they share one."""
    symbols = {notes.get((r, col), ("", ""))[1] for r, v in zip(table["region"], table[col])
               if fmt.is_missing(v)}
    return symbols.pop() if len(symbols) == 1 and "" not in symbols else ssb.NOT_AVAILABLE


TOTAL_LABEL = "Hele landet"  # one name for the country in every table a reader sees


def display_table_notes(figures: KeyFigures, columns: list[str],
                        total: bool = True) -> tuple[pd.DataFrame, list[str]]:
    """Regions × chosen figures as cells, headings in Norwegian, optional total row, and the
    footnotes its cells are marked with. A total is given only where every region has a value.

    A missing value shows SSB's symbol (.. : .) with a footnote mark; a shown value that has
    a note (e.g. an approximate boundary) carries the mark after the number.
    """
    table = figures.table
    notes = _note_lookup(figures)
    foot = Footnotes()
    out = pd.DataFrame({"Region": table["region"]})
    for col in columns:
        column = []
        for region, value in zip(table["region"], table[col]):
            reason, symbol = notes.get((region, col), (None, ""))
            if fmt.is_missing(value):
                column.append(foot.missing(symbol or ssb.NOT_AVAILABLE, reason or "tallet mangler i kildene"))
            else:
                column.append(foot.cell(value_cell(col, value), reason))
        out[DISPLAY[col][0]] = column
    if total:  # every proposal covers the whole country: its total is the national figure
        row = {"Region": TOTAL_LABEL}
        sums, national = totals(figures), national_figures(figures.year)
        for col in columns:
            value = sums.get(col, pd.NA)
            if fmt.is_missing(value):
                value = national.get(col, pd.NA)
            row[DISPLAY[col][0]] = (cells.missing(_total_symbol(notes, table, col)) if fmt.is_missing(value)
                                    else value_cell(col, value))
        out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
    return out, foot.lines()
