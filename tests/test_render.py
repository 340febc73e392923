"""Tests for regionanalyse.render: HTML and PDF vedlegg, and PDF combining."""

import base64
from html import unescape
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
from regionanalyse.render.pdf import OfflineFetcher, html_to_pdf  # noqa: E402

sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
from pdfcheck import check_pdf  # noqa: E402

TITLE = "Sogn & Fjordane_100% \"test\" <x> 'y' æøå ÆØÅ"
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
    heading = re.search(r"<h1>(.*?)</h1>", block, re.S).group(1)
    assert unescape(heading) == TITLE  # escaped exactly once: unescaping once gives the title
    assert "<x>" not in block
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
    top = [item for item in reader.outline if not isinstance(item, list)]
    assert [item.title for item in top] == ["Vedlegg 1: Sogn & Fjordane", "Vedlegg 2: Hordaland"]
    assert [reader.get_destination_page_number(item) for item in top] == [0, n1]
    # each part's own bookmarks (its headings) are nested under its title
    nested = [item for item in reader.outline if isinstance(item, list)]
    assert [[child.title for child in group] for group in nested] == [
        [TITLE, "Befolkning i Vestland"], ["Vedlegg 2", "Befolkning i Vestland"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf", "b.pdf", "vedlegg.pdf"]
    # the combined file stays tagged: both parts' structure trees, headings, tables and figures
    report = check_pdf(out, require_headings=("H1",))  # the test notebook has no H2
    assert report.problems == []
    assert report.stats["tables"] == 2 * check_pdf(one).stats["tables"]
    assert report.stats["headings"] == check_pdf(one).stats["headings"] + check_pdf(two).stats["headings"]
    assert report.stats["title"] == "Vedlegg 1: Sogn & Fjordane"


def _table_ids(path):
    """(IDs listed in the IDTree, /Headers entries of the cells) of a tagged PDF."""
    import pikepdf

    with pikepdf.open(path) as pdf:
        names = pdf.Root.StructTreeRoot.IDTree.Names
        listed = [str(names[i]) for i in range(0, len(names), 2)]
        headers = [str(h) for obj in pdf.objects
                   if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.StructElem
                   for a in ([obj.A] if isinstance(obj.get("/A"), pikepdf.Dictionary) else list(obj.get("/A", [])))
                   if isinstance(a, pikepdf.Dictionary) and "/Headers" in a for h in a.Headers]
    return listed, headers


@pytest.mark.parametrize("same", [False, True], ids=["two appendices", "one appendix twice"])
def test_combine_keeps_header_ids_unique(tmp_path, pdf_bytes, same):
    """Header-cell IDs are unique per rendered document, so combining keeps them as they are;
    when two parts share IDs (the same file twice) they are renamed per part. Either way every
    /Headers entry points at an ID of the combined IDTree, and every ID is listed once."""
    one, two = tmp_path / "a.pdf", tmp_path / "b.pdf"
    one.write_bytes(pdf_bytes)
    two.write_bytes(pdf_bytes if same else render_pdf(_notebook(), title="Vedlegg 2", subtitle=SUBTITLE, date=DATE))
    out = tmp_path / "vedlegg.pdf"
    combine_pdfs([("Vedlegg 1", one), ("Vedlegg 2", two)], out)
    listed, headers = _table_ids(out)
    ids_one, _ = _table_ids(one)
    assert len(listed) == 2 * len(ids_one) > 0
    assert len(set(listed)) == len(listed) and listed == sorted(listed)
    assert headers and set(headers) <= set(listed)
    ids_two, _ = _table_ids(two)
    if same:  # the first part's IDs are kept, the second's renamed
        assert set(ids_one) < set(listed) and not set(listed) - set(ids_one) & set(ids_two)
    else:  # both kept as rendered
        assert listed == sorted(ids_one + ids_two)


def test_check_reuses_page_scans_of_the_parts(tmp_path, pdf_bytes):
    """Checking the combined file with the parts' page scans scans no page again and reports
    exactly what a check from scratch reports."""
    one, two = tmp_path / "a.pdf", tmp_path / "b.pdf"
    one.write_bytes(pdf_bytes)
    two.write_bytes(render_pdf(_notebook(), title="Vedlegg 2", subtitle=SUBTITLE, date=DATE))
    out = tmp_path / "vedlegg.pdf"
    combine_pdfs([("Vedlegg 1", one), ("Vedlegg 2", two)], out)
    scans: dict = {}
    check_pdf(one, page_scans=scans)
    check_pdf(two, page_scans=scans)
    known = dict(scans)
    reused = check_pdf(out, require_headings=("H1",), page_scans=scans)
    assert scans == known  # every page of vedlegg.pdf was found among the parts' pages
    fresh = check_pdf(out, require_headings=("H1",))
    assert (reused.problems, reused.stats) == (fresh.problems, fresh.stats)
    # a scan is used only for the same content: a wrong memo entry shows up in the result
    digest = next(iter(scans))
    scans[digest] = ([], 5, 0)
    assert "5 text operation(s) neither tagged nor artifact" in " ".join(
        check_pdf(out, require_headings=("H1",), page_scans=scans).problems)


def _long_table_notebook():
    nb = _notebook()
    rows = pd.DataFrame({"Kommune": [f"Kommune {i}" for i in range(120)],
                         "Folkemengde": [f"{1000 + i}" for i in range(120)]})
    nb.cells.insert(1, new_markdown_cell("## Kommunene\n\nÉn rad per kommune."))
    nb.cells.insert(2, new_code_cell("kommuner", execution_count=8, outputs=[
        new_output("execute_result", {"text/html": rows.to_html(index=False), "text/plain": "df"},
                   execution_count=8)]))
    return nb


def test_pdf_is_tagged_pdfua(tmp_path):
    """PDF/UA-1 by default: the checker finds no problem, the long table is one Table element
    (WeasyPrint alone emits one per page), and running headers/footers are artifacts."""
    path = tmp_path / "ua.pdf"
    path.write_bytes(render_pdf(_long_table_notebook(), **KW))
    report = check_pdf(path)
    assert report.problems == []
    assert report.stats["pages"] >= 3  # the 120-row table crosses pages
    assert report.stats["tables"] == 2  # the long one and the small one, not one per page
    assert report.stats["headings"].startswith("H1")
    assert report.stats["alts"] == ["Figur 1: Folketal"]
    assert report.stats["artifact_text_ops"] > 0  # "Side n av N" and the running title


def test_pdf_without_fixes_fails_the_checker(tmp_path):
    """The checker can fail: WeasyPrint's plain output (untagged) and its own tagging both fail."""
    import weasyprint

    html = render_html(_long_table_notebook(), **KW)
    doc = weasyprint.HTML(string=html, url_fetcher=OfflineFetcher())
    plain, raw = tmp_path / "plain.pdf", tmp_path / "raw.pdf"
    plain.write_bytes(doc.write_pdf())
    raw.write_bytes(doc.write_pdf(pdf_variant="pdf/ua-1"))
    assert any("not tagged" in p for p in check_pdf(plain).problems)
    raw_report = check_pdf(raw)
    assert any("not reachable" in p for p in raw_report.problems)  # running headers
    assert any("without /Scope" in p for p in raw_report.problems)
    assert raw_report.stats["tables"] > 2  # one Table per page fragment


def _write(tmp_path, data, name="x.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_pdf_a2a_option(tmp_path, monkeypatch):
    html = render_html(_long_table_notebook(), **KW)
    path = tmp_path / "a2a.pdf"
    path.write_bytes(html_to_pdf(html, variant="pdf/a-2a"))
    report = check_pdf(path, variant="pdf/a-2a")
    assert report.problems == []
    assert report.stats["xmp"]["pdfuaid:part"] == "1"  # declared as PDF/UA-1 as well
    assert any("expected 2/A" in p for p in check_pdf(_write(tmp_path, render_pdf(_notebook(), **KW)),
                                                        variant="pdf/a-2a").problems)
    monkeypatch.setenv("REGIONANALYSE_PDF_VARIANT", "pdf/a-2a")
    path.write_bytes(html_to_pdf(html))
    assert check_pdf(path, variant="pdf/a-2a").stats["xmp"]["pdfaid:conformance"] == "A"
    monkeypatch.setenv("REGIONANALYSE_PDF_VARIANT", "pdf/x-4")
    with pytest.raises(ValueError, match="unknown PDF variant"):
        html_to_pdf(html)


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


def test_combine_keeps_pdfa_2a(tmp_path):
    """Parts made as PDF/A-2a combine into a PDF/A-2a (output intent copied, identification kept)."""
    html = render_html(_long_table_notebook(), **KW)
    parts = []
    for i in (1, 2):
        parts.append((f"Vedlegg {i}", _write(tmp_path, html_to_pdf(html, variant="pdf/a-2a"), f"p{i}.pdf")))
    out = tmp_path / "vedlegg.pdf"
    combine_pdfs(parts, out)
    report = check_pdf(out, variant="pdf/a-2a")
    assert report.problems == []
    assert report.stats["xmp"]["pdfuaid:part"] == "1"
    import pikepdf

    with pikepdf.open(out) as pdf:
        assert "/OutputIntents" in pdf.Root


def test_statement_html_checks_find_caption_only_alt_texts(html, tmp_path):
    """The build's static HTML check can fail: this notebook's image has its caption as alt."""
    from regionanalyse.render.declaration import html_checks

    path = _write(tmp_path, html.encode("utf-8"), "x.html")
    found = html_checks(path)
    assert "1 bilde(r) der alternativ tekst bare gjentar figurteksten" in found
    assert "2 tabelloverskriftscelle(r) uten scope" in found  # a plain pandas table: Region, Folketal


def test_statement_html_checks_skip_only_the_payloads(tmp_path):
    """The check empties srcdoc pages and data: URLs before parsing, and nothing else: an image
    without alt text is still found (its src a data: URL), a frame without a title too, while
    what the map page inside srcdoc holds (its own headings, images) is not the page's."""
    from regionanalyse.render.declaration import html_checks

    inner = '&lt;h5&gt;kart&lt;/h5&gt;&lt;img src=&quot;data:image/png;base64,AAAA&quot;&gt;'
    page = ('<!DOCTYPE html><html lang="nb"><head><title>T</title></head><body><h1>T</h1>'
            f'<iframe title="Kart" srcdoc="{inner}"></iframe><iframe srcdoc="{inner}"></iframe>'
            '<h2>Figur</h2><img src="data:image/png;base64,iVBORw0KGgo="><img alt="Et kart over Norge" '
            'src="data:image/png;base64,iVBORw0KGgo="></body></html>')
    path = tmp_path / "side.html"
    path.write_text(page, encoding="utf-8")
    assert html_checks(path) == ["1 bilde(r) uten alternativ tekst", "1 innebygd ramme (iframe) uten tittel"]


def test_axe_runner_is_not_looked_for_in_an_installed_package(monkeypatch, caplog):
    """A wheel carries no tests/: without a runner (config.AXE_SCRIPT) axe is skipped with a
    message that says how to name one, and nothing under tests/ is read."""
    import logging

    from regionanalyse import config
    from regionanalyse.render import declaration

    monkeypatch.setattr(config, "AXE_SCRIPT", None)
    monkeypatch.setenv("REGIONANALYSE_AXE", "1")
    with caplog.at_level(logging.WARNING):
        assert declaration.run_axe([config.PROJECT_ROOT / "vedlegg.html"]) is None
    assert "REGIONANALYSE_AXE_SCRIPT" in caplog.text
