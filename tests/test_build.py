"""End to end: papermill + render for real appendices; PDF text read back; incremental; failures."""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from regionanalyse.pipeline.build import build_proposal
from tests.conftest import assert_painted, build_once, nav_cut

pytestmark = pytest.mark.slow


def small_proposal(name_a="Finnmark og Troms"):
    """nav-2016-11 cut to two regions, so an end-to-end build stays quick."""
    return nav_cut("e2e", "Test & «forslag» 100%_x", name_a, ["20", "19"])


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build_once(tmp_path_factory, small_proposal(), jobs=2)


def pdf_text(path: Path) -> str:
    """Text a reader sees (no-break spaces read as spaces)."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages).replace("\u00a0", " ")


def test_region_pdf_reads_back(built):
    text = pdf_text(built / "vedlegg-01-finnmark-og-troms.pdf")
    assert "Vedlegg 1: Finnmark og Troms" in text
    assert "240 088" in text  # SSB 1.1.2016, Norwegian format
    # årsverk missing, never 0: SSB's symbol with its reason in a footnote of the same table
    assert "Ingen offentlige tall for NAV-årsverk" in text and "Tegn: .. = tallet finnes ikke" in text
    assert "Kilde:" in text
    for code in ("import ", "sections.", "build(", "RegionReport", "def ", "Traceback"):
        assert code not in text
    for junk in (" nan", "NaN", "<NA>", "None"):
        assert junk not in text


def test_overview_pdf_and_combined(built):
    text = pdf_text(built / "vedlegg-00-oversikt.pdf")
    assert "Test & «forslag» 100%_x" in text
    assert "5 213 985" in text
    combined = PdfReader(built / "vedlegg.pdf")
    titles = [item.title for item in combined.outline if not isinstance(item, list)]  # top level
    assert titles == ["Vedlegg 0: Oversikt over forslaget", "Vedlegg 1: Finnmark og Troms",
                      "Vedlegg 2: Resten"]
    assert combined.metadata.title == "Vedlegg: Test & «forslag» 100%_x"  # the proposal, not part 0


def test_html_is_self_contained_without_code(built):
    html = (built / "vedlegg-01-finnmark-og-troms.html").read_text(encoding="utf-8")
    assert "<table" in html and "240\u00a0088" in html
    assert "sections.one" not in html and "In&nbsp;[" not in html
    assert "Leaflet" in html  # the interactive map, with its library inlined:
    for remote in ("&lt;script src=&quot;http", "stylesheet&quot; href=&quot;http", '<script src="http',
                   "cdn.jsdelivr", "cdnjs"):
        assert remote not in html
    assert "data:image/png;base64" not in html or "<img" in html


def test_html_in_headless_chromium(built, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium not installed")
    shot = tmp_path / "shot.png"
    shown = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--disable-background-networking", "--disable-component-update",
                            "--no-first-run", f"--user-data-dir={tmp_path / 'prof'}",
                            f"--screenshot={shot}", "--window-size=1000,1400",
                            (built / "vedlegg-01-finnmark-og-troms.html").as_uri()],
                           capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr[-2000:]
    assert_painted(shot, min_ink=0.05)  # the page's text, tables and map, not a blank page


def test_csv_and_xlsx_beside_appendix(built):
    import pandas as pd

    # Norwegian Excel's CSV (";", decimal comma, BOM); the printed table with its Sum row
    csv = pd.read_csv(built / "vedlegg-00-oversikt.csv", sep=";", decimal=",", encoding="utf-8-sig")
    xlsx = pd.read_excel(built / "vedlegg-00-oversikt.xlsx")  # first sheet: Tabell 1
    column = "Folkemengde 1.1. (personer)"
    regions = csv[csv["Region"] != "Hele landet"]
    assert regions[column].sum() == xlsx[xlsx["Region"] != "Hele landet"][column].sum() == 5_213_985
    assert csv.loc[csv["Region"] == "Hele landet", column].item() == 5_213_985


def test_rebuild_with_nothing_changed_does_no_work(built, caplog):
    caplog.set_level("INFO", logger="regionanalyse")
    before = (built / "vedlegg-01-finnmark-og-troms.pdf").stat().st_mtime_ns
    assert build_proposal(small_proposal(), 2016, ("html", "pdf"), built.parent, jobs=2)
    assert "ingenting å bygge" in caplog.text
    assert (built / "vedlegg-01-finnmark-og-troms.pdf").stat().st_mtime_ns == before


def test_failing_notebook_keeps_previous_report(built, monkeypatch):
    """A region whose notebook fails: earlier PDF stays, executed notebook kept, others build."""
    import regionanalyse.pipeline.build as build
    from regionanalyse.config import NOTEBOOK_DIR

    good = (built / "vedlegg-01-finnmark-og-troms.pdf").read_bytes()
    manifest = json.loads((built / "manifest.json").read_text())
    broken = built.parent / "broken.ipynb"
    broken.write_text(Path(NOTEBOOK_DIR / "vedlegg_region.ipynb").read_text().replace(
        'sections.one(\\"kommune_table\\")', "raise RuntimeError('planlagt feil')"))
    real_plan = build.plan

    def plan_with_broken(*args, **kw):
        jobs = real_plan(*args, **kw)
        for job in jobs:
            if job.kind == "region":
                job.notebook = str(broken)
                job.inputs_hash += "-changed"
        return jobs

    monkeypatch.setattr(build, "plan", plan_with_broken)
    assert not build.build_proposal(small_proposal(), 2016, ("html", "pdf"), built.parent, jobs=1)
    assert (built / "vedlegg-01-finnmark-og-troms.pdf").read_bytes() == good
    assert (built / "_feil" / "vedlegg-01-finnmark-og-troms.ipynb").exists()
    after = json.loads((built / "manifest.json").read_text())
    assert after["vedlegg-01-finnmark-og-troms"] == manifest["vedlegg-01-finnmark-og-troms"]


def test_cli_build_bad_format_and_lock(tmp_path):
    from tests.conftest import cli_main
    from filelock import FileLock

    result = cli_main("build", "--to", "docx", "--out", str(tmp_path))
    assert result.returncode == 1 and "ukjent format docx" in result.stderr
    with FileLock(str(tmp_path / ".regionanalyse.lock")):
        result = cli_main("build", "--out", str(tmp_path))
    assert result.returncode == 4 and "en annen bygging pågår" in result.stderr


def _start_build(yaml_path, out, *extra):
    import os
    import sys

    return subprocess.Popen([sys.executable, "-m", "regionanalyse.cli", "build", str(yaml_path), "--out",
                             str(out), "--jobs", "2", *extra], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True,
                            cwd=Path(__file__).resolve().parents[1], env={**os.environ})


def _wait_for(path: Path, text: str, timeout: float = 120) -> None:
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if path.exists() and text in path.read_text(encoding="utf-8"):
            return
        time.sleep(0.2)
    raise AssertionError(f"{text!r} never appeared in {path}")


def test_sigkill_midway_leaves_reports_intact_and_next_build_completes(built, tmp_path):
    import os
    import signal

    yaml_path = tmp_path / "e2e.yaml"
    small_proposal().to_yaml(yaml_path)
    out = tmp_path / "reports"
    folder = out / "e2e"
    shutil.copytree(built, folder)  # a complete 2016 build of the same proposal
    before = {p.name: p.read_bytes() for p in folder.glob("vedlegg*")}
    # a new year changes every input hash: the next build rewrites every appendix
    build = _start_build(yaml_path, out, "--year", "2017")
    _wait_for(out / "build.log", "bygger vedlegg-02-resten")
    import time

    time.sleep(2.0)  # notebooks are running now
    os.killpg(build.pid, signal.SIGKILL)
    build.wait(timeout=30)
    import pandas as pd

    for name in before:  # each file is the old one or a complete new one, never partial
        path = folder / name
        if name.endswith(".pdf"):
            assert len(PdfReader(path).pages) > 0
        elif name.endswith(".html"):
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), name
        elif name.endswith(".xlsx"):
            assert len(pd.read_excel(path)) > 0, name
        else:
            assert len(pd.read_csv(path)) > 0, name
    assert not any(p.name.endswith(".tmp") for p in folder.iterdir())
    # the next build finishes the job and cleans up the killed build's temporary folders
    assert _start_build(yaml_path, out, "--year", "2017").wait(timeout=300) == 0
    manifest = json.loads((folder / "manifest.json").read_text())
    assert len(manifest) == 3 and not list(folder.glob(".tmp-*"))
    assert "1. januar 2017" in pdf_text(folder / "vedlegg-01-finnmark-og-troms.pdf")


def test_two_builds_at_once_second_exits_4(tmp_path):
    yaml_path = tmp_path / "e2e.yaml"
    small_proposal().to_yaml(yaml_path)
    out = tmp_path / "reports"
    first = _start_build(yaml_path, out, "--to", "html")
    _wait_for(out / "build.log", "bygger")
    second = _start_build(yaml_path, out, "--to", "html")
    _, err = second.communicate(timeout=120)
    assert second.returncode == 4 and "en annen bygging pågår" in err
    assert first.wait(timeout=300) == 0
    assert (out / "e2e" / "vedlegg-01-finnmark-og-troms.html").exists()


def test_build_logs_a_detached_region(tmp_path, caplog):
    """The geometry warnings (a region made of separate areas) are computed while the main
    process waits for its workers, and logged with the build: Oslo with Finnmark is two areas."""
    import logging

    proposal = nav_cut("delt", "Delt region", "Oslo og Finnmark", ["03", "20"])
    with caplog.at_level(logging.WARNING, logger="regionanalyse.build"):
        assert build_proposal(proposal, 2016, ("html",), tmp_path, jobs=2)
    warnings = [r.getMessage() for r in caplog.records if "advarsel" in r.getMessage()]
    assert len(warnings) == 1 and "«Oslo og Finnmark» er ikke sammenhengende" in warnings[0]
