"""Universal design of a real build (issue 11): every PDF passes the PDF/UA checker, every HTML
appendix has 0 axe-core violations (WCAG 2.1 A/AA) in headless Chromium, the build writes its
accessibility statement, and the data files hold the printed tables for Norwegian Excel."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from pdfcheck import check_pdf  # noqa: E402

from regionanalyse.model import load  # noqa: E402
from tests.conftest import build_once, nav_cut  # noqa: E402

pytestmark = pytest.mark.slow
BROWSER = Path(__file__).parent / "browser"


def small_proposal():
    """nav-2016-11 with Telemark, Vestfold og Buskerud (53 kommuner: the kommune table crosses
    pages; two BA-regions split) and the rest as one region."""
    tvb = load("nav-2016-11").region("Telemark, Vestfold og Buskerud")
    return nav_cut("uu", "Tilgjengelighetstest", tvb.name, list(tvb.members), "Resten av landet",
                   seat="Drammen")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_once(tmp_path_factory, small_proposal(), jobs=1)


def test_every_pdf_passes_the_checker(built):
    pdfs = sorted(built.glob("*.pdf"))
    assert [p.name for p in pdfs] == ["vedlegg-00-oversikt.pdf", "vedlegg-01-telemark-vestfold-og-buskerud.pdf",
                                      "vedlegg-02-resten-av-landet.pdf", "vedlegg.pdf"]
    reports = {p.name: check_pdf(p) for p in pdfs}
    assert {name: r.problems for name, r in reports.items()} == {name: [] for name in reports}
    region = reports["vedlegg-01-telemark-vestfold-og-buskerud.pdf"].stats
    # the kommune table crosses a page, yet each table of the HTML is one Table in the PDF
    html = (built / "vedlegg-01-telemark-vestfold-og-buskerud.html").read_text(encoding="utf-8")
    assert region["pages"] >= 4
    assert region["tables"] == html.count("<table class=\"dataframe")
    # alt texts describe (generated from the data), not just repeat the caption
    alts = region["alts"]
    assert alts[0].startswith("Kart: Telemark, Vestfold og Buskerud består av 53 kommuner; setet Drammen")
    assert "deles av regiongrensen" in alts[0]
    assert alts[1].startswith("Linjediagram: folkemengden i Telemark, Vestfold og Buskerud økte")
    assert "i hele landet" in alts[1]
    combined = reports["vedlegg.pdf"].stats
    assert combined["pages"] == sum(reports[n].stats["pages"] for n in reports if n != "vedlegg.pdf")
    assert combined["tables"] == sum(reports[n].stats["tables"] for n in reports if n != "vedlegg.pdf")


@pytest.mark.skipif(not shutil.which("node") or not (BROWSER / "node_modules").exists()
                    or not Path("/usr/bin/chromium").exists(),
                    reason="needs node, tests/browser/node_modules (scripts/setup.sh test) and chromium")
def test_axe_finds_no_violation_in_any_html_appendix(built):
    htmls = sorted(str(p) for p in built.glob("vedlegg-*.html")) + [str(built / "tilgjengelighetserklaering.html")]
    assert len(htmls) == 4
    result = subprocess.run(["node", str(BROWSER / "axe.mjs"), *htmls], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode in (0, 1), result.stderr
    found = {Path(r["file"]).name: [(v["id"], [n["target"] for n in v["nodes"]]) for v in r["violations"]]
             for r in json.loads(result.stdout)}
    assert found == {Path(h).name: [] for h in htmls}


def test_axe_harness_can_fail(tmp_path):
    """The harness reports what it should: an image without alt and a frame without a title."""
    if not shutil.which("node") or not (BROWSER / "node_modules").exists():
        pytest.skip("needs node and tests/browser/node_modules")
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html lang="nb"><head><title>x</title></head><body><main>'
                    '<img src="data:image/png;base64,iVBORw0KGgo="><iframe srcdoc="<p>x</p>"></iframe>'
                    "</main></body></html>", encoding="utf-8")
    result = subprocess.run(["node", str(BROWSER / "axe.mjs"), str(page)], capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 1
    assert {v["id"] for v in json.loads(result.stdout)[0]["violations"]} == {"image-alt", "frame-title"}


def test_accessibility_statement_beside_the_appendices(built):
    text = (built / "tilgjengelighetserklaering.html").read_text(encoding="utf-8")
    assert '<html lang="nb">' in text
    for name in ("vedlegg.pdf", "vedlegg-00-oversikt.pdf", "vedlegg-01-telemark-vestfold-og-buskerud.html"):
        assert name in text
    assert "7 av 7 kontroller uten funn" in text  # 4 PDFs + 3 HTML appendices
    assert "Kjente begrensninger" in text and "uustatus.no" in text


def test_data_files_hold_the_printed_tables(built):
    stem = built / "vedlegg-01-telemark-vestfold-og-buskerud"
    raw = (stem.with_suffix(".csv")).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads æøå
    csv = pd.read_csv(stem.with_suffix(".csv"), sep=";", decimal=",", encoding="utf-8-sig")
    assert list(csv.columns) == ["Kommune", "Folkemengde (personer)", "0–15 år (%)", "16–66 år (%)",
                                 "67 år og eldre (%)"]
    assert csv["Kommune"].iloc[-1] == "Sum 53 kommuner"
    assert csv["Folkemengde (personer)"].iloc[:-1].sum() == csv["Folkemengde (personer)"].iloc[-1]
    assert csv["0–15 år (%)"].map(lambda v: round(v, 1) == v).all()  # rounded as printed
    sheets = pd.read_excel(stem.with_suffix(".xlsx"), sheet_name=None)
    names = list(sheets)
    assert names[-1] == "Kilder" and len(names) >= 6
    assert any(n.startswith("Figur 2") for n in names)  # the trend series is there too
    key = sheets[names[0]]
    assert "Merknad" in key.columns
    sete = key[key["Nøkkeltall"] == "Sete"]
    assert sete.iloc[0, 1] == "Drammen"
    arsverk = key[key["Nøkkeltall"] == "Årsverk"]
    assert arsverk.iloc[0, 1:3].isna().all() and "årsverk" in arsverk["Merknad"].iloc[0].lower()
    kilder = sheets["Kilder"]
    assert list(kilder.columns) == ["Ark", "Tabell", "Kilde", "Merknader"]
    assert kilder["Kilde"].notna().all()
    # no English internal columns or Python values anywhere
    for name, frame in sheets.items():
        values = {str(v) for col in frame.columns for v in frame[col].dropna()}
        assert not set(frame.columns) & {"eksakt", "merknad", "folkemengde", "region", "members"}, name
        assert not values & {"True", "False", "nan", "<NA>", "None"}, name


def test_no_heading_left_at_a_page_bottom(built):
    """Layout: a section heading never ends a page (its table or figure moved on without it)."""
    import html as htmllib
    import re

    stranded = []
    for pdf in sorted(built.glob("vedlegg-*.pdf")):
        page_html = pdf.with_suffix(".html").read_text(encoding="utf-8")
        headings = {htmllib.unescape(re.sub("<[^>]+>", "", h)).strip()
                    for h in re.findall(r"<h[23][^>]*>(.*?)</h[23]>", page_html, re.S)}
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        for number, page in enumerate(text.split("\f"), 1):
            lines = [ln.strip() for ln in page.splitlines() if ln.strip() and not ln.strip().startswith("Side ")]
            if lines and lines[-1] in headings:
                stranded.append((pdf.name, number, lines[-1]))
    assert stranded == []


@pytest.mark.skipif(not shutil.which("node") or not (BROWSER / "node_modules").exists()
                    or not Path("/usr/bin/chromium").exists(),
                    reason="needs node, tests/browser/node_modules and chromium")
def test_statement_with_axe_when_asked(built, tmp_path, monkeypatch):
    """REGIONANALYSE_AXE=1: the statement also reports axe-core per HTML file."""
    from regionanalyse.render.declaration import write_declaration

    for name in ("vedlegg-00-oversikt.html", "vedlegg-00-oversikt.pdf"):
        shutil.copy(built / name, tmp_path / name)
    monkeypatch.setenv("REGIONANALYSE_AXE", "1")
    text = write_declaration(tmp_path, "test").read_text(encoding="utf-8")
    assert "3 av 3 kontroller uten funn" in text
    assert "axe-core, WCAG 2.1 A/AA</td><td>Ingen funn" in text


def test_alt_text_of_a_one_kommune_region_reads_as_norwegian():
    from regionanalyse.model import load
    from regionanalyse.present.maps import region_map_alt

    alt = region_map_alt(load("nav-2016-11"), "Oslo", 2016, 1, ["Oslo/Bærum"])
    assert alt.startswith("Kart: Oslo består av én kommune, Oslo. Én BA-region (Oslo/Bærum) deles")
    assert "1 kommuner" not in alt
