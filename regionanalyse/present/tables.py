"""Tables for reports and the command line: plain CSV and Norwegian-formatted display."""
from __future__ import annotations

import pandas as pd

from ..indicators.keyfigures import KeyFigures
from . import fmt

CSV_COLUMNS = ["region", "members", "antall_kommuner", "folkemengde", "alder_0_15", "alder_16_66",
               "alder_67_pluss", "andel_landet_pst", "areal_km2", "tetthet_per_km2", "navkontor",
               "navkontor_malbilde", "innbyggere_per_navkontor", "arsverk", "arsverk_per_10000",
               "sysselsatte_1000", "sete", "ba_regioner", "ba_delt", "bosatt_delt_ba",
               "ba_klassifisering", "navkontor_aar"]

# column → (Norwegian heading with unit, decimals)
DISPLAY = {
    "folkemengde": ("Folkemengde 1.1. (personer)", 0),
    "andel_landet_pst": ("Andel av landet", 1),
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


def format_cell(column: str, value) -> str:
    """A value formatted for a Norwegian report (units in the heading, % in the cell)."""
    if column == "andel_landet_pst":
        return fmt.percent(value)
    return fmt.number(value, DISPLAY.get(column, ("", 0))[1])


def display_table(figures: KeyFigures, columns: list[str], total: bool = True) -> pd.DataFrame:
    """Regions × chosen figures as formatted strings, headings in Norwegian, optional total row.

    Missing values read «ikke oppgitt»; a total is given only where every region has a value.
    """
    table = figures.table
    out = pd.DataFrame({"Region": table["region"]})
    for col in columns:
        out[DISPLAY[col][0]] = [format_cell(col, v) for v in table[col]]
    if total:
        row = {"Region": "Sum"}
        for col in columns:
            values = table[col]
            if col in ("folkemengde", "antall_kommuner", "areal_km2", "navkontor",
                       "navkontor_malbilde", "arsverk", "sysselsatte_1000"):
                row[DISPLAY[col][0]] = (fmt.number(values.sum(), DISPLAY[col][1])
                                        if not values.isna().any() else "–")
            elif col == "andel_landet_pst":
                row[DISPLAY[col][0]] = fmt.percent(values.sum())
            elif col == "tetthet_per_km2":
                row[DISPLAY[col][0]] = fmt.number(table["folkemengde"].sum() / table["areal_km2"].sum(), 1)
            elif col == "innbyggere_per_navkontor" and not table["navkontor"].isna().any():
                row[DISPLAY[col][0]] = fmt.number(table["folkemengde"].sum() / table["navkontor"].sum())
            else:
                row[DISPLAY[col][0]] = "–"
        out = pd.concat([out, pd.DataFrame([row])], ignore_index=True)
    return out
