"""Every output writer keeps hostile text inert (issue 22, black box).

The writers are enumerated, not listed by hand where they can be found: every `--format` choice
of every command (from the CLI's own parser), every file `alternatives` writes, and every public
section of every appendix report class. A new command, format or section without a case here
fails `test_every_*_is_covered`, so it cannot ship untested.
"""
from __future__ import annotations

import csv
import html.parser
import inspect
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import cli_main

FYLKER_2016 = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "14", "15",
               "16", "17", "18", "19", "20"]
GROUPS = [["20", "19"], ["18", "17", "16"], ["15", "14", "12", "11"],
          [f for f in FYLKER_2016 if f not in ("20", "19", "18", "17", "16", "15", "14", "12", "11")]]
NAMES = ["=cmd|' /C calc'!A0", "@SUM(1) <img src=x onerror=alert(1)>", "+1+2 | a | b",
         "-3+4 **fet** [lenke](javascript:alert(2)) <script>alert(3)</script>"]
PROPOSAL_NAME = "<img src=x onerror=alert(4)> =HYPERLINK(\"x\") | * _ $x$"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def hostile_yaml(folder: Path) -> Path:
    data = {"id": "fiendtlig", "name": PROPOSAL_NAME, "vintage": 2016, "source": "test",
            "regions": [{"name": n, "members": g} for n, g in zip(NAMES, GROUPS)]}
    path = folder / "fiendtlig.yaml"
    path.write_text(json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return path


def run(cwd: Path, *args) -> subprocess.CompletedProcess:
    """The command line in `cwd` (its main() in this process: conftest.cli_main)."""
    result = cli_main(*args, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    return result


# --------------------------------------------------------------------------------------------
# Every place in the package that writes a table or a Markdown section, and what covers it
# --------------------------------------------------------------------------------------------
WRITER_CALLS = {"to_csv", "to_excel", "to_markdown", "Markdown", "markdown"}  # markdown: a Section
WRITERS = {  # (module, function, call) → the test here that runs hostile names through it
    ("cli", "_cmd_table", "to_csv"): "test_cli_format_keeps_names_inert[table-csv]",
    ("cli", "_cmd_history", "to_csv"): "test_cli_format_keeps_names_inert[history-csv]",
    ("cli", "_cmd_score", "to_csv"): "test_cli_format_keeps_names_inert[score-csv]",
    ("inert", "markdown_table", "to_markdown"): "test_cli_format_keeps_names_inert[*-markdown]",
    ("ensemble.run", "write", "to_csv"): "test_alternatives_files_inert",
    ("present.datafiles", "write_csv", "to_csv"): "test_alternatives_appendix_end_to_end_inert",
    ("present.datafiles", "write_xlsx", "to_excel"): "test_alternatives_appendix_end_to_end_inert",
    ("appendix.base", "intro", "markdown"): "SECTIONS_IN_HOSTILE_BUILD",
    ("appendix.base", "sources_section", "markdown"): "SECTIONS_IN_HOSTILE_BUILD",
    ("appendix.overview", "balance", "markdown"): "SECTIONS_IN_HOSTILE_BUILD",
    ("appendix.region", "cohesion", "markdown"): "SECTIONS_IN_HOSTILE_BUILD",
    ("appendix.comparison", "intro", "markdown"): "test_comparison_sections_keep_names_inert",
    ("appendix.comparison", "sources_section", "markdown"): "test_comparison_sections_keep_names_inert",
    ("appendix.alternatives", "intro", "markdown"): "test_ensemble_sections_keep_names_inert",
    ("appendix.alternatives", "method", "markdown"): "test_ensemble_sections_keep_names_inert",
    ("appendix.alternatives", "sweep_section", "markdown"): "test_ensemble_sections_keep_names_inert",
    ("appendix.alternatives", "sea_section", "markdown"): "test_ensemble_sections_keep_names_inert",
    ("appendix.alternatives", "rule_section", "markdown"): "test_ensemble_sections_keep_names_inert",
    ("appendix.alternatives", "headlines", "markdown"): "test_ensemble_sections_keep_names_inert",
    ("appendix.alternatives", "diagnostics_table", "markdown"): "test_ensemble_sections_keep_names_inert",
    ("appendix.alternatives", "chain_section", "markdown"): "test_ensemble_sections_keep_names_inert",
    ("appendix.region", "kommune_table", "markdown"): "test_empty_region_sections_keep_names_inert",
    # writers that carry no proposal text: data files and their status, and a hash input
    ("cli", "_cmd_data", "to_csv"): "NO_USER_TEXT: data status (files and provenance of data/raw)",
    ("sources.update.refresh", "_switch", "to_csv"): "NO_USER_TEXT: refreshed SSB/KLASS data files",
    ("pipeline.affected", "fingerprints", "to_csv"): "NO_USER_TEXT: hashed, never written",
}


def _writer_calls() -> set[tuple[str, str, str]]:
    """(module, function, call) of every CSV/XLSX/Markdown writer call in the package source."""
    import ast

    import regionanalyse

    root = Path(regionanalyse.__file__).parent
    found = set()
    for path in sorted(root.rglob("*.py")):
        module = ".".join(path.relative_to(root).with_suffix("").parts)
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(fn):
                if isinstance(node, ast.Call):
                    f = node.func
                    name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", None)
                    if name in WRITER_CALLS:
                        found.add((module, fn.name, name))
    return found


def test_every_writer_is_covered():
    """A new writer (a to_csv/to_excel/to_markdown call or a Markdown section) fails here until
    a hostile-name test covers it and it is listed in WRITERS."""
    assert _writer_calls() == set(WRITERS)


# --------------------------------------------------------------------------------------------
# Command-line formats
# --------------------------------------------------------------------------------------------
def _cli_formats() -> set[tuple[str, str]]:
    from regionanalyse.cli import parser

    top = parser()
    sub = next(a for a in top._actions if a.__class__.__name__ == "_SubParsersAction")
    found = set()
    for name, command in sub.choices.items():
        for action in command._actions:
            if "--format" in action.option_strings:
                found |= {(name, choice) for choice in action.choices}
    return found


COMMANDS = {"table": ["table", "{yaml}", "--year", "2016"],
            "history": ["history", "{yaml}"],
            "score": ["score", "{yaml}", "nav-2016-11", "--year", "2016"]}
COVERED_FORMATS = {(c, f) for c in COMMANDS for f in ("csv", "markdown")}


def test_every_cli_format_is_covered():
    assert _cli_formats() == COVERED_FORMATS


def check_csv(text: str, delimiter: str = ",") -> list[str]:
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert rows, text[:200]
    width = len(rows[0])
    cells = [c for row in rows for c in row]
    assert all(len(row) == width for row in rows), "ragged CSV"
    live = [c for c in cells if c.lstrip().startswith(FORMULA_START)
            and not re.fullmatch(r"-?[0-9.,e]+", c)]
    assert not live, live[:5]
    return cells


def check_markdown(text: str) -> None:
    lines = [line for line in text.splitlines() if line.strip()]
    separators = [len(re.findall(r"(?<!\\)\|", line)) for line in lines]
    assert len(set(separators)) == 1, (separators, lines[:4])  # no name splits a cell
    assert not re.search(r"(?<!\\)<", text), "an unescaped < could open a tag"
    rendered = _render_markdown(text)
    _assert_no_live_markup(rendered)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> tuple[Path, Path]:
    cwd = tmp_path_factory.mktemp("writers")
    return cwd, hostile_yaml(cwd)


@pytest.mark.parametrize("command,fmt", sorted(COVERED_FORMATS))
def test_cli_format_keeps_names_inert(scratch, command, fmt):
    cwd, path = scratch
    args = [a.replace("{yaml}", path.name) for a in COMMANDS[command]]
    result = run(cwd, *args, "--format", fmt)
    assert result.returncode == 0, result.stderr[-2000:]
    if fmt == "csv":
        cells = check_csv(result.stdout)
        if command != "score":  # score shows the id, not the names
            for name in NAMES:  # the name is kept, after one neutralising apostrophe
                assert any(c in (name, "'" + name) for c in cells), name
    else:
        check_markdown(result.stdout)
        if command != "score":
            shown = _render_text(result.stdout)
            for name in NAMES:
                assert re.sub(r"\s+", " ", name) in shown, name


# --------------------------------------------------------------------------------------------
# The files of `alternatives`
# --------------------------------------------------------------------------------------------
ALTERNATIVES_FILES = {"ensemble.csv", "plans.csv", "forslag.csv", "sveip.csv", "innstillinger.json", "forslag",
                      ".regionanalyse-alternativer", ".regionanalyse.lock"}


@pytest.fixture(scope="module")
def ensemble_dir(scratch) -> Path:
    cwd, path = scratch
    result = run(cwd, "alternatives", path.name, "--n", "8", "--to", "none", "--out", "alt",
                 "--tolerance", "0.9")
    assert result.returncode == 0, result.stderr[-2000:]
    return cwd / "alt"


def test_every_alternatives_file_is_covered(ensemble_dir):
    assert {p.name for p in ensemble_dir.iterdir()} == ALTERNATIVES_FILES


def test_alternatives_files_inert(ensemble_dir):
    for path in ensemble_dir.glob("*.csv"):
        check_csv(path.read_text(encoding="utf-8"))
    from regionanalyse.model import read_yaml

    for path in (ensemble_dir / "forslag").glob("alt-*.yaml"):
        alt = read_yaml(path)  # the proposal's name is data in YAML, read back exactly
        assert PROPOSAL_NAME in alt.name


# --------------------------------------------------------------------------------------------
# Appendix sections
# --------------------------------------------------------------------------------------------
# every public section of every report class → where hostile names are run through it
SECTIONS_TESTED_HERE = {"EnsembleReport": {"intro", "headlines", "position", "distributions",
                                           "best_table", "maps", "method", "chain_section",
                                           "diagnostics_table", "chain_histograms", "compactness",
                                           "sweep_section", "sea_section", "rule_section"},
                        "ComparisonReport": {"intro", "maps", "changes", "side_by_side", "balance",
                                             "sources_section"}}
# covered by the end-to-end hostile build in tests/test_hostile.py (slow)
SECTIONS_IN_HOSTILE_BUILD = {
    "ProposalReport": {"intro", "sources_section"},
    "RegionReport": {"intro", "sources_section", "key_table", "map", "interactive_map",
                     "kommune_table", "history", "peers", "cohesion"},
    "OverviewReport": {"intro", "sources_section", "map", "interactive_map", "table", "balance",
                       "against_fylker", "criteria"},
}
NOT_SECTIONS = {"figures", "row", "n", "chains", "name", "unconverged", "chain_percentiles",
                "compactness_number", "sea_figure", "sweep_number"}  # helpers, not sections


def _report_sections() -> dict[str, set[str]]:
    import importlib
    import pkgutil

    import regionanalyse.appendix as appendix

    found = {}
    for info in pkgutil.iter_modules(appendix.__path__):
        module = importlib.import_module(f"regionanalyse.appendix.{info.name}")
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if name.endswith("Report") and cls.__module__ == module.__name__:
                found[name] = {m for m in dir(cls) if not m.startswith("_") and m not in NOT_SECTIONS}
    return found


def test_every_appendix_section_is_covered():
    assert _report_sections() == {**SECTIONS_IN_HOSTILE_BUILD, **SECTIONS_TESTED_HERE}


def _sections_shown(report, sections: set[str]) -> str:
    """Every section's output as HTML (Markdown rendered as the appendix renders it), each
    checked for live markup; the text a reader sees."""
    shown = []
    for name in sorted(sections):
        parts = getattr(report, name)()
        for part in parts if isinstance(parts, (list, tuple)) else [parts]:
            kind = type(part).__name__
            if kind != "Section":
                continue  # data returned beside a section (a DataFrame)
            markup = _render_markdown(part.markdown) if part.markdown else part.data
            _assert_no_live_markup(markup)
            shown.append(_html_text(markup))
    return "\n".join(shown)


def test_ensemble_sections_keep_names_inert(scratch, ensemble_dir):
    from regionanalyse.appendix.alternatives import EnsembleReport

    _, path = scratch
    report = EnsembleReport(str(path), 2016, str(ensemble_dir))
    assert PROPOSAL_NAME in _sections_shown(report, SECTIONS_TESTED_HERE["EnsembleReport"])


def test_comparison_sections_keep_names_inert(scratch):
    from regionanalyse.appendix.comparison import ComparisonReport

    _, path = scratch
    report = ComparisonReport([str(path), "nav-2016-11"], 2016)
    shown = _sections_shown(report, SECTIONS_TESTED_HERE["ComparisonReport"])
    assert PROPOSAL_NAME in shown
    for name in NAMES:
        assert name in shown, name


def test_empty_region_sections_keep_names_inert():
    """A region with no kommune in the year (Haram alone, 2024 codes, read for 2021) explains
    itself in words that name other regions: hostile names there stay text."""
    from regionanalyse.appendix.region import RegionReport
    from regionanalyse.model import Proposal, Region
    from regionanalyse.sources import codes

    k24 = codes.kommune_codes(2024)
    more = tuple(c for c in k24.loc[k24["fylkesnummer"] == "15", "kommunenummer"] if c != "1580")
    rest = tuple(f for f in codes.fylke_codes(2024)["fylkesnummer"] if f != "15")
    proposal = Proposal(id="tom-region", name=PROPOSAL_NAME, vintage=2024, source="test",
                        regions=(Region(NAMES[0], ("1580",)), Region(NAMES[1], more),
                                 Region(NAMES[2], rest)))
    shown = _sections_shown(RegionReport(proposal, NAMES[0], 2021), {"kommune_table", "cohesion"})
    assert "Ålesund (1507)" in shown and NAMES[1] in shown


# --------------------------------------------------------------------------------------------
# Markdown and HTML as a browser would see them
# --------------------------------------------------------------------------------------------
def _render_markdown(text: str) -> str:
    """Markdown → HTML with the renderer of the appendices (nbconvert's mistune)."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    return markdown2html_mistune(text)


def _render_text(text: str) -> str:
    return re.sub(r"\s+", " ", _html_text(_render_markdown(text)))


class _Tags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _assert_no_live_markup(markup: str) -> None:
    parsed = _Tags()
    parsed.feed(markup)
    for tag, attrs in parsed.tags:
        assert tag not in ("script", "iframe", "svg", "b", "em", "strong", "a") or not any(
            "alert" in (v or "") for v in attrs.values()), (tag, attrs)
        assert tag != "script", markup[:300]
        assert not (tag == "img" and attrs.get("src") == "x"), attrs
        for key, value in attrs.items():
            assert not key.startswith("on"), (tag, key)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, key, value)


def _html_text(markup: str) -> str:
    parsed = _Tags()
    parsed.feed(markup)
    return "".join(parsed.text)


@pytest.mark.slow
def test_alternatives_appendix_end_to_end_inert(scratch, ensemble_dir, tmp_path):
    """The published alternatives appendix (HTML, CSV, XLSX) of a hostile proposal: what
    `alternatives … --to html` does after writing the files of `ensemble_dir` (the same command
    with --to none), on a copy of them. The command line's own --to html:
    test_alternatives.test_ensemble_appendix_and_best_alternative_build."""
    import openpyxl

    from regionanalyse.model import load
    from regionanalyse.pipeline.build_alternatives import build_ensemble_appendix

    _, path = scratch
    out = tmp_path / "alt"
    shutil.copytree(ensemble_dir, out)
    written = build_ensemble_appendix(load(str(path)), 2016, out, ("html",))
    assert {p.name for p in written} >= {"vedlegg-alternativer.html", "vedlegg-alternativer.csv",
                                         "vedlegg-alternativer.xlsx"}, written
    page = (out / "vedlegg-alternativer.html").read_text(encoding="utf-8")
    parsed = _Tags()
    parsed.feed(page)
    for tag, attrs in parsed.tags:
        assert not (tag == "img" and attrs.get("src") == "x"), attrs
        for key, value in attrs.items():
            assert not (key.startswith("on") and "alert" in (value or "")), (tag, key, value)
    assert "alert(" not in "".join(re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.S))
    assert PROPOSAL_NAME in _html_text(page)
    check_csv((out / "vedlegg-alternativer.csv").read_text(encoding="utf-8-sig"), ";")
    for sheet in openpyxl.load_workbook(out / "vedlegg-alternativer.xlsx").worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
