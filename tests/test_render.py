"""Tests for regionanalyse.render: HTML and PDF vedlegg, and PDF combining."""

import base64
import io
import re
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402
from pypdf import PdfReader  # noqa: E402

from regionanalyse.render import combine_pdfs, render_html, render_pdf  # noqa: E402
from regionanalyse.render.pdf import OfflineFetcher  # noqa: E402

TITLE = "Sogn & Fjordane_100% \"test\" <x> 'y' æøå ÆØÅ"
ESCAPED_TITLE = "Sogn &amp; Fjordane_100% \"test\" &lt;x&gt; 'y' æøå ÆØÅ"
SUBTITLE = "Forslag A: Vestland delt i to"
DATE = "25.11.2026"
CODE = "befolkning_tabell_kildekode = 1"


def _png() -> str:
    fig, ax = plt.subplots(figsize=(4, 2.5), dpi=80)
    ax.bar(["Bergen", "Førde"], [291_000, 13_000])
    ax.set_title("Folketal")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _notebook():
    table = pd.DataFrame(
        {"Region": ["Sogn og Fjordane", "Hordaland"], "Folketal": ["110 000", "240 088"]}
    ).to_html(index=False)
    cells = [
        new_markdown_cell("# Befolkning i Vestland\n\nFolketalet i fylka, med æøå og ÆØÅ."),
        new_code_cell(CODE, execution_count=1, outputs=[
            new_output("execute_result", {"text/html": table, "text/plain": "df"}, execution_count=1)]),
        new_code_cell("plt.plot()", execution_count=2, outputs=[
            new_output("display_data", {"image/png": _png(), "text/plain": "<Figure>"})],
            metadata={"caption": "Figur 1: Folketal"}),
        new_code_cell("warn()", execution_count=3, outputs=[
            new_output("stream", name="stderr", text="UserWarning: stderr-melding\n"),
            new_output("stream", name="stdout", text="stdout-melding\n")]),
        new_code_cell("hidden()", execution_count=4, metadata={"tags": ["hide"]}, outputs=[
            new_output("display_data", {"text/html": "<p>skjult-celle</p>"})]),
        new_code_cell("kart()", execution_count=5, metadata={"tags": ["html-only"]}, outputs=[
            new_output("display_data", {"text/html": "<div>interaktivt-kart</div><script>var m = 1;</script>"})]),
        new_code_cell("statisk_kart()", execution_count=6, metadata={"tags": ["pdf-only"]}, outputs=[
            new_output("display_data", {"text/html": "<p>statisk-kart</p>"})]),
    ]
    return new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})


KW = {"title": TITLE, "subtitle": SUBTITLE, "date": DATE, "source_note": "Kjelde: SSB & Kartverket"}


@pytest.fixture(scope="module")
def html():
    return render_html(_notebook(), **KW)


@pytest.fixture(scope="module")
def pdf_bytes():
    return render_pdf(_notebook(), **KW)


@pytest.fixture(scope="module")
def pdf_text(pdf_bytes):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)


def test_html_is_offline_and_clean(html):
    assert '<html lang="nb">' in html
    assert "<script src=" not in html
    assert "http://" not in html and "https://" not in html  # nothing to fetch, no CDN
    assert "require" not in html and "MathJax" not in html
    assert "In [" not in html and "In&nbsp;[" not in html and "Out[" not in html
    assert CODE not in html and "statisk_kart()" not in html


def test_html_title_block_escaped_once(html):
    block = re.search(r'<header class="title-block">(.*?)</header>', html, re.S).group(1)
    assert block.count(ESCAPED_TITLE) == 1
    assert SUBTITLE in block and DATE in block
    assert TITLE not in html  # never unescaped


def test_html_content(html):
    assert "<table" in html and "240 088" in html
    assert "data:image/png;base64," in html and "<figcaption>Figur 1: Folketal</figcaption>" in html
    assert "Folketalet i fylka, med æøå og ÆØÅ." in html
    assert "stderr-melding" not in html and "stdout-melding" not in html
    assert "Kjelde: SSB &amp; Kartverket" in html


def test_html_tags(html):
    assert "skjult-celle" not in html
    assert "interaktivt-kart" in html and "<script>" in html
    assert "statisk-kart" not in html


def test_pdf_text(pdf_text):
    assert TITLE in pdf_text
    assert SUBTITLE in pdf_text and DATE in pdf_text
    assert "240 088" in pdf_text and "æøå og ÆØÅ" in pdf_text
    assert "Side 1 av" in pdf_text
    assert CODE not in pdf_text and "stderr-melding" not in pdf_text
    assert "skjult-celle" not in pdf_text
    assert "statisk-kart" in pdf_text and "interaktivt-kart" not in pdf_text


def test_pdf_a4_and_metadata(pdf_bytes):
    reader = PdfReader(io.BytesIO(pdf_bytes))
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(595, abs=1)
        assert float(page.mediabox.height) == pytest.approx(842, abs=1)
    assert reader.metadata.title == TITLE
    assert reader.trailer["/Root"]["/Lang"] == "nb"


def test_combine_pdfs(tmp_path, pdf_bytes):
    one, two = tmp_path / "a.pdf", tmp_path / "b.pdf"
    one.write_bytes(pdf_bytes)
    two.write_bytes(render_pdf(_notebook(), title="Vedlegg 2", subtitle=SUBTITLE, date=DATE))
    out = tmp_path / "vedlegg.pdf"
    combine_pdfs([("Vedlegg 1: Sogn & Fjordane", one), ("Vedlegg 2: Hordaland", two)], out)
    reader = PdfReader(out)
    n1, n2 = len(PdfReader(one).pages), len(PdfReader(two).pages)
    assert len(reader.pages) == n1 + n2
    assert [item.title for item in reader.outline] == ["Vedlegg 1: Sogn & Fjordane", "Vedlegg 2: Hordaland"]
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [0, n1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf", "vedlegg.pdf"]


def test_nbconvert_cli(tmp_path):
    nb = _notebook()
    nb.metadata["regionanalyse"] = {"title": "Vedlegg 9: Cli", "subtitle": SUBTITLE, "date": DATE}
    path = tmp_path / "x.ipynb"
    nbformat.write(nb, path)
    exporters = "regionanalyse.render.exporters."
    for cls, ext in [("VedleggHTMLExporter", ".html"), ("VedleggPDFExporter", ".pdf")]:
        subprocess.run([sys.executable, "-m", "nbconvert", "--to", exporters + cls, str(path)],
                       check=True, capture_output=True)
    assert "Vedlegg 9: Cli" in (tmp_path / "x.html").read_text(encoding="utf-8")
    assert PdfReader(tmp_path / "x.pdf").metadata.title == "Vedlegg 9: Cli"


def test_pdf_fetcher_is_offline():
    fetcher = OfflineFetcher()
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("https://example.com/x.png")
    with pytest.raises(ValueError, match="disallowed protocol"):
        fetcher("file:///etc/hostname")
    assert fetcher("data:text/plain;base64,aGk=").read() == b"hi"
