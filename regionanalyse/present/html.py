"""HTML blocks for the appendices: captioned tables, figures and the embedded interactive map."""
from __future__ import annotations

import base64
import html
import io
import numbers
import re

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML

from . import fmt
from .cells import Cell
from .interactive import standalone_html


#: Tables with at most this many rows are kept on one page in the PDF (a longer one, such as
#: the kommune table, may break between rows and repeats its header row on the next page).
WHOLE_TABLE_ROWS = 20


def _fits_a_page(frame: pd.DataFrame, notes) -> bool:
    """Whether a table and its notes are kept on one page: at most WHOLE_TABLE_ROWS rows, and
    the notes short enough that the block fits an A4 page below a heading (~46 lines of 9 pt;
    a row of wrapped text counts as two). A longer block may break, so that a heading is never
    left alone at the foot of a page while the whole block moves on."""
    if len(frame) > WHOLE_TABLE_ROWS:
        return False
    note_lines = sum(len(n) // 110 + 1 for n in notes)
    return 2 * len(frame) + 6 + note_lines <= 46


def table_html(frame: pd.DataFrame, caption: str, source: str, notes: list[str] = ()) -> HTML:
    """A captioned HTML table with numbered notes and a «Kilde:» line.

    `frame` holds cells (present/cells.py) or plain values (a label, a count); its first
    column labels the rows. A missing value must be a cell with its SSB symbol (cells.missing):
    a bare None or NaN is refused, never printed with a default wording.

    The caption is the table's <caption>; column headings are <th scope="col"> and the first
    cell of each row a row heading (<th scope="row">), so that a screen reader (and the PDF's
    structure tree) reads every value with its row and column.
    """
    frame = frame.reset_index(drop=True)
    right = _right_aligned(frame)
    printed = frame.map(lambda v: v.printed() if isinstance(v, Cell) else v)
    body = printed.to_html(index=False, escape=True, border=0, classes="vedlegg-tabell")
    body = _mark_text_cells(body, right)
    whole = " hel" if _fits_a_page(frame, notes) else ""
    body = body.replace('class="dataframe vedlegg-tabell"', f'class="dataframe vedlegg-tabell{whole}"', 1)
    head, sep, rest = body.partition("</thead>")
    head = head.replace("<th>", '<th scope="col">')
    rest = re.sub(r"<tr>\s*<td>(.*?)</td>", r'<tr>\n      <th scope="row">\1</th>', rest, flags=re.S)
    body = head + sep + rest
    body = re.sub(r"(<table[^>]*>)", lambda m: m.group(1) + f'\n  <caption class="tabelltittel">'
                  f"<strong>{html.escape(caption)}</strong></caption>", body, count=1)
    parts = [body]
    parts += [f'<p class="fotnote">{html.escape(n)}</p>' for n in notes]
    parts.append(f'<p class="kilde">Kilde: {html.escape(source)}</p>')
    # on a narrow screen (or at 200 % zoom) a wide table scrolls inside its own block, which
    # the keyboard can reach (tabindex) and a screen reader names (the caption)
    return HTML(f'<div class="tabellblokk{whole}" role="region" tabindex="0" '
                f'aria-label="{html.escape(caption)}">' + "\n".join(parts) + "</div>")


def _right_aligned(frame: pd.DataFrame) -> list[bool]:
    """Per data cell (row by row, the row heading left out): right-aligned or not, from the
    cell's kind (Cell.right_aligned: numbers, ranges and symbols right, text left, as SSB sets
    its tables); a plain number is right-aligned, a plain text left."""
    def right(value, row, col) -> bool:
        if isinstance(value, Cell):
            return value.right_aligned
        if fmt.is_missing(value):
            raise ValueError(f"a missing value without its SSB symbol and reason (row {row + 1}, "
                             f"column {col!r}): use cells.missing(symbol, note)")
        return isinstance(value, numbers.Number) and not isinstance(value, bool)

    for col in frame.columns[:1]:  # the row headings: printed, never aligned, never missing
        for i, value in enumerate(frame[col]):
            right(value, i, col)
    return [right(v, i, col) for i, row in enumerate(frame.itertuples(index=False))
            for col, v in zip(frame.columns[1:], row[1:])]


def _mark_text_cells(body: str, right: list[bool]) -> str:
    """Mark data cells holding text (not the first cell of a row, a row heading) class="tekst"."""
    text = iter([not r for r in right])
    head, sep, rest = body.partition("</thead>")

    def row(match):
        cells = match.group(0).split("<td>")
        return cells[0] + "<td>" + cells[1] + "".join(
            ('<td class="tekst">' if next(text) else "<td>") + c for c in cells[2:])
    return head + sep + re.sub(r"<tr>.*?</tr>", row, rest, flags=re.S)


def figure_out(fig, caption: str, source: str, heading: str | None = None, note: str | None = None,
               alt: str | None = None, max_height_mm: int = 170) -> HTML:
    """A matplotlib figure as one unbreakable block: optional heading, image, caption, source.

    `alt` says what a sighted reader learns from the figure (generated from the data); the
    caption stays separate. Without it, the caption is the alt text.
    """
    buffer = io.BytesIO()
    # zlib level 1, not 6: ~20 ms less per figure for 4-16 % more bytes in the HTML; the
    # PDF is the same size (WeasyPrint re-encodes every image)
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight", pil_kwargs={"compress_level": 1})
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    head = f"<h2>{html.escape(heading)}</h2>" if heading else ""
    # <figure>/<figcaption>: the caption belongs to the image for a screen reader (and is a
    # Caption in the PDF's structure tree); the alt text says what the image shows
    return HTML(f'<div class="figurblokk">{head}<figure class="figur"><img alt="{html.escape(alt or caption)}" '
                f'src="data:image/png;base64,{data}" style="max-width:100%;max-height:{max_height_mm}mm">'
                f'<figcaption class="figurtekst"><strong>{html.escape(caption)}</strong><br>'
                + (f"{html.escape(note)}<br>" if note else "")
                + f'Kilde: {html.escape(source)}</figcaption></figure></div>')


def interactive_block(fmap, title: str = "Interaktivt kart", text_alternative: str = "") -> HTML:
    """The interactive map in a self-contained iframe, below the static map (HTML only).

    The iframe is sandboxed (scripts only: no same origin, so nothing in it reaches this page).

    The iframe has an accessible name (`title`); the map can be moved and zoomed with the
    keyboard (Leaflet: Tab to the map, arrow keys, + and −); `text_alternative` says where the
    same information is given as text (the kommune table).
    """
    page = html.escape(standalone_html(fmap), quote=True)
    alternative = f" {html.escape(text_alternative)}" if text_alternative else ""
    return HTML("<h3>Interaktivt kart</h3><p>Flytt og zoom med mus eller tastatur (Tab til kartet, "
                "piltaster, + og −); pek på en kommune for navn, region og folkemengde."
                f"{alternative} Kartgrunnlag: © Kartverket (CC BY 4.0); kartbibliotek: Leaflet.</p>"
                f'<iframe title="{html.escape(title)}" sandbox="allow-scripts" srcdoc="{page}" '
                'style="width:100%;height:75vh;min-height:520px;border:1px solid #767676">'
                "</iframe>")
