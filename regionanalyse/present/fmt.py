"""Norwegian number formatting for reports: 1 234 567, 12,3 %, «ikke oppgitt» for missing."""
from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
from babel.numbers import format_decimal

from .. import inert

MISSING = "ikke oppgitt"
NBSP = "\u00a0"  # keeps "1 234 567" on one line (babel's nb_NO group separator)
LOCALE = "nb_NO"


def is_missing(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def number(value, decimals: int = 0, missing: str = MISSING) -> str:
    """1234567.8 → '1 234 568' (decimals=0) or '1 234 567,8' (decimals=1)."""
    if is_missing(value):
        return missing
    value = float(value)
    if not math.isfinite(value):  # ±inf: as Python writes it (CLDR would write ∞)
        return f"{value:.{decimals}f}"
    # the float's exact value (Decimal(float)), so halves round as Python's own formatting
    # rounds them (2.675 → 2,67: the float is 2.67499…), not as its shortest repr would
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return format_decimal(Decimal(value), format=pattern, locale=LOCALE)


def percent(value, decimals: int = 1, missing: str = MISSING) -> str:
    """12.34 → '12,3 %'."""
    return missing if is_missing(value) else f"{number(value, decimals)}{NBSP}%"


def counted(n: int, singular: str, plural: str) -> str:
    """1 → '1 alternativ', 85040 → '85 040 alternativer'."""
    return f"{number(n)} {singular if n == 1 else plural}"


md_text = inert.md_text  # the one inert path for Markdown (regionanalyse/inert.py)
