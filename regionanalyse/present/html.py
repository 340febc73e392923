"""HTML blocks for the appendices: captioned tables, figures and the embedded interactive map."""
from __future__ import annotations

import base64
import html
import io

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import HTML

from . import fmt
from .interactive import standalone_html


def table_html(frame: pd.DataFrame, caption: str, source: str, notes: list[str] = ()) -> HTML:
    """A captioned HTML table with numbered notes and a «Kilde:» line."""
    body = frame.to_html(index=False, escape=True, border=0, classes="vedlegg-tabell", na_rep=fmt.MISSING)
    parts = [f'<p class="tabelltittel"><strong>{html.escape(caption)}</strong></p>', body]
    parts += [f'<p class="fotnote">{html.escape(n)}</p>' for n in notes]
    parts.append(f'<p class="kilde">Kilde: {html.escape(source)}</p>')
    return HTML("\n".join(parts))


def figure_out(fig, caption: str, source: str, heading: str | None = None) -> HTML:
    """A matplotlib figure as one unbreakable block: optional heading, image, caption, source."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    head = f"<h2>{html.escape(heading)}</h2>" if heading else ""
    return HTML(f'<div class="figurblokk">{head}<img alt="{html.escape(caption)}" '
                f'src="data:image/png;base64,{data}" style="max-width:100%;max-height:170mm">'
                f'<p class="figurtekst"><strong>{html.escape(caption)}</strong><br>'
                f'Kilde: {html.escape(source)}</p></div>')


def interactive_block(fmap) -> HTML:
    """A folium map in a self-contained iframe, below the static map (HTML only)."""
    page = html.escape(standalone_html(fmap), quote=True)
    return HTML("<h3>Interaktivt kart</h3><p>Flytt og zoom; pek på en kommune for navn, region og "
                "folkemengde. Kartgrunnlag: © Kartverket (CC BY 4.0); kartbibliotek: Leaflet.</p>"
                f'<iframe srcdoc="{page}" style="width:100%;height:560px;border:1px solid #ccc">'
                "</iframe>")
