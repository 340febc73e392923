"""A table cell: a number with its format, a text, or SSB's symbol for a missing value with its
reason. The HTML prints it; the data files take the number itself (nothing is parsed back)."""
from __future__ import annotations

from dataclasses import dataclass

from ..indicators import symbols
from . import fmt


@dataclass(frozen=True)
class Format:
    """How a number is printed: decimals, and whether it is a percentage («12,3 %»)."""

    decimals: int = 0
    percent: bool = False

    def text(self, value) -> str:
        return fmt.percent(value, self.decimals) if self.percent else fmt.number(value, self.decimals)

    def rounded(self, value):
        """The number as printed: rounded to the decimals shown (an int without decimals)."""
        return round(float(value), self.decimals) if self.decimals else int(round(float(value)))


@dataclass(frozen=True)
class Cell:
    """`value` is a number (printed with `format`), a text, or None (printed as `symbol`).
    `mark` is a footnote mark printed after it, `note` that footnote's text."""

    value: object = None
    format: Format | None = None
    symbol: str = ""
    mark: str = ""
    note: str = ""

    @property
    def kind(self) -> str:
        """'number', 'percent', 'missing' or 'text'."""
        if self.value is None:
            return "missing"
        if self.format is None:
            return "text"
        return "percent" if self.format.percent else "number"

    def printed(self) -> str:
        if self.value is None:
            text = self.symbol
        elif self.format is None:
            text = str(self.value)
        else:
            text = self.format.text(self.value)
        return f"{text}{fmt.NBSP}{self.mark}" if self.mark else text

    def reason(self) -> str | None:
        """Why the cell is as it is, for the data files: its footnote, else the symbol's meaning."""
        if self.note:
            return self.note
        if self.value is None and self.symbol:
            return symbols.MEANING.get(self.symbol, "tallet mangler")
        return None


def number(value, decimals: int = 0, missing: str = symbols.NOT_AVAILABLE) -> Cell:
    """A number (or `missing` when it is missing)."""
    return Cell(symbol=missing) if fmt.is_missing(value) else Cell(value, Format(decimals))


def percent(value, decimals: int = 1, missing: str = symbols.NOT_AVAILABLE) -> Cell:
    """A percentage, 12.34 → «12,3 %»."""
    return Cell(symbol=missing) if fmt.is_missing(value) else Cell(value, Format(decimals, True))


def missing(symbol: str, note: str = "", mark: str = "") -> Cell:
    return Cell(symbol=symbol, note=note, mark=mark)


def text(value: str) -> Cell:
    return Cell(str(value))
