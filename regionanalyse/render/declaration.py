"""The accessibility statement (tilgjengelighetserklæring) written beside a build's appendices.

It says which checks ran on which file, with their results, and the known limits, so that a
public body can publish the appendices and file its statement on uustatus.no. Checks:

- every PDF: regionanalyse.render.pdfcheck (tagged, structure, alt texts, table headers,
  language, title, PDF/UA identifier, untagged content, fonts);
- every HTML appendix: static checks of the page (language, title, alt texts that are more
  than the caption, table header cells with scope, heading order, frames with a title);
- axe-core (WCAG 2.1 A/AA rules) in headless Chromium when REGIONANALYSE_AXE=1 and Node,
  Chromium and the runner (config.AXE_SCRIPT: tests/browser/axe.mjs in a checkout, or
  $REGIONANALYSE_AXE_SCRIPT) with its node_modules are present (the test suite always runs it).
"""
from __future__ import annotations

import datetime as dt
import html
import json
import logging
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from .. import config
from ..sources.cache import file_hash

log = logging.getLogger(__name__)

FILE_NAME = "tilgjengelighetserklaering.html"
AXE_ENV = "REGIONANALYSE_AXE"


class _PageScan(HTMLParser):
    """Collects what the static HTML checks need (outside the map's srcdoc page)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lang = None
        self.title = ""
        self._in_title = False
        self.images: list[str | None] = []
        self.iframes: list[str | None] = []
        self.headings: list[int] = []
        self.th_total = 0
        self.th_scoped = 0
        self.tables = 0
        self.captions: list[str] = []
        self._in_caption = False
        self._text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html" and self.lang is None:
            self.lang = a.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "img":
            self.images.append(a.get("alt"))
        elif tag == "iframe":
            self.iframes.append(a.get("title"))
        elif re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        elif tag == "th":
            self.th_total += 1
            self.th_scoped += "scope" in a
        elif tag == "table":
            self.tables += 1
        elif tag in ("figcaption", "caption") or (tag == "p" and "figurtekst" in (a.get("class") or "")):
            self._in_caption = True
            self._text = []

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif self._in_caption and tag in ("figcaption", "caption", "p"):
            self._in_caption = False
            self.captions.append(" ".join("".join(self._text).split()))

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_caption:
            self._text.append(data)


# The checks read tags, alt texts and titles, never the map page in an iframe's srcdoc or an
# inline image's data: URL (together ~97 % of a page): those values are emptied before parsing.
_PAYLOADS = re.compile(r'(\ssrcdoc="|\ssrc="data:)[^"]*"')


def html_checks(path: Path) -> list[str]:
    """Problems found by the static checks of one HTML appendix (empty list: none)."""
    scan = _PageScan()
    scan.feed(_PAYLOADS.sub(r'\1"', Path(path).read_text(encoding="utf-8")))
    problems = []
    if (scan.lang or "").split("-")[0] != "nb":
        problems.append(f"språk (lang) er {scan.lang!r}, ikke «nb»")
    if not scan.title.strip():
        problems.append("siden mangler tittel")
    missing_alt = sum(1 for alt in scan.images if not (alt or "").strip())
    if missing_alt:
        problems.append(f"{missing_alt} bilde(r) uten alternativ tekst")
    caption_only = sum(1 for alt in scan.images  # the caption text (before «Kilde: …») again
                       if alt and any(c.strip().startswith(alt.strip()) for c in scan.captions))
    if caption_only:
        problems.append(f"{caption_only} bilde(r) der alternativ tekst bare gjentar figurteksten")
    untitled = sum(1 for t in scan.iframes if not (t or "").strip())
    if untitled:
        problems.append(f"{untitled} innebygd ramme (iframe) uten tittel")
    if scan.th_total != scan.th_scoped:
        problems.append(f"{scan.th_total - scan.th_scoped} tabelloverskriftscelle(r) uten scope")
    for before, after in zip([0] + scan.headings, scan.headings):
        if after > before + 1:
            problems.append(f"overskriftsnivå hoppet over (h{before or '-'} → h{after})")
            break
    return problems


def run_axe(paths: list[Path]) -> dict[str, list[dict]] | None:
    """axe-core violations per HTML file, or None when axe cannot run here or is not asked for."""
    if os.environ.get(AXE_ENV) != "1":
        return None
    if config.AXE_SCRIPT is None:
        log.warning("axe-core: ingen axe-kjører i en installert pakke (sett REGIONANALYSE_AXE_SCRIPT "
                    "til tests/browser/axe.mjs i en utsjekk); hoppet over")
        return None
    node, script = shutil.which("node"), config.AXE_SCRIPT
    if not node or not script.exists() or not (script.parent / "node_modules").exists():
        log.warning("axe-core: node, %s or its node_modules mangler; hoppet over", script)
        return None
    result = subprocess.run([node, str(script), *map(str, paths)], capture_output=True,
                            text=True, timeout=900)
    if result.returncode not in (0, 1):
        log.warning("axe-core feilet: %s", result.stderr.strip()[-500:])
        return None
    return {Path(r["file"]).name: r["violations"] for r in json.loads(result.stdout)}


def file_checks(path: Path, variant: str | None = None,
                page_scans: dict | None = None) -> list[tuple[str, list[str], str]]:
    """The static checks of one appendix file: [(check, problems, detail)] (PDF or HTML);
    `page_scans` as for `pdfcheck.check_pdf`."""
    path = Path(path)
    if path.suffix == ".html":
        return [("HTML, statisk kontroll", html_checks(path), "")]
    from .variant import pdf_variant
    from .pdfcheck import check_pdf

    variant = pdf_variant(variant)
    report = check_pdf(path, variant=variant, page_scans=page_scans)
    s = report.stats
    detail = (f"{_count(s['pages'], 'side', 'sider')}, {_count(s['tables'], 'tabell', 'tabeller')}, "
              f"{_count(s['figures'], 'figur', 'figurer')} med alternativ tekst, overskrifter "
              f"{_heading_summary(s['headings'])}")
    return [("PDF-struktur (" + variant.upper() + ")", report.problems, detail)]


def _count(n: int, one: str, many: str) -> str:
    """«1 figur», «3 figurer»."""
    return f"{n} {one if n == 1 else many}"


def checked_files(paths: list[Path], variant: str | None = None) -> dict[str, dict]:
    """`file_checks` of each file, with the file's SHA-256: what a worker hands the statement
    (a PDF's entry also holds its page scans under "pages", for checking the combined file)."""
    checked = {}
    for path in map(Path, paths):
        scans = {} if path.suffix == ".pdf" else None
        checked[path.name] = {"sha256": file_hash(path), "checks": file_checks(path, variant, scans)}
        if scans:
            checked[path.name]["pages"] = scans
    return checked


def write_declaration(out_dir: Path, title: str, known: dict[str, dict] | None = None,
                      page_scans: dict | None = None) -> Path:
    """Check every HTML and PDF in `out_dir` and write tilgjengelighetserklaering.html there.

    `known` holds checks already made (`checked_files`, e.g. by the build's workers as they
    wrote the files); one is used only while the file's SHA-256 is still the one checked.
    `page_scans` (as for `pdfcheck.check_pdf`) spares rescanning pages already scanned in the
    appendices when the combined vedlegg.pdf is checked.
    """
    from .variant import pdf_variant

    out_dir = Path(out_dir)
    known = known or {}
    htmls = sorted(p for p in out_dir.glob("*.html") if p.name != FILE_NAME)
    pdfs = sorted(out_dir.glob("*.pdf"))
    variant = pdf_variant()
    rows = []
    for path in pdfs + htmls:
        entry = known.get(path.name)
        checks = (entry["checks"] if entry and entry.get("sha256") == file_hash(path)
                  else file_checks(path, variant, page_scans))
        rows += [(path.name, check, list(problems), detail) for check, problems, detail in checks]
    axe = run_axe(htmls) if htmls else None
    if axe is not None:
        for path in htmls:
            found = [f"{v['id']}: {v['help']} ({len(v['nodes'])} steder)" for v in axe.get(path.name, [])]
            rows.append((path.name, "axe-core, WCAG 2.1 A/AA", found, ""))
    text = _page(title, variant, rows, axe is not None)
    tmp = out_dir / f".{FILE_NAME}.{os.getpid()}.tmp"
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out_dir / FILE_NAME)
    failed = sum(1 for r in rows if r[2])
    (log.warning if failed else log.info)(
        "%s: %s skrevet (%d kontroller, %d med funn)", out_dir.name, FILE_NAME, len(rows), failed)
    return out_dir / FILE_NAME


def _heading_summary(headings: str) -> str:
    levels = re.findall(r"H(\d)", headings)
    counts = {lvl: levels.count(lvl) for lvl in sorted(set(levels))}
    return ", ".join(f"H{lvl}×{n}" for lvl, n in counts.items()) or "ingen"


def _page(title: str, variant: str, rows, axe_ran: bool) -> str:
    e = html.escape
    today = dt.date.today().strftime("%d.%m.%Y")
    passed = sum(1 for r in rows if not r[2])
    body_rows = "\n".join(
        f"<tr><th scope=\"row\">{e(name)}</th><td>{e(check)}</td>"
        f"<td>{'Ingen funn' if not problems else 'Funn: ' + e('; '.join(problems))}</td>"
        f"<td>{e(detail)}</td></tr>" for name, check, problems, detail in rows)
    standard = ("PDF/UA-1 (ISO 14289-1)" if variant == "pdf/ua-1" else
                "PDF/A-2a (ISO 19005-2, nivå a) og PDF/UA-1 (ISO 14289-1)")
    axe_line = ("axe-core (regler for WCAG 2.1 nivå A og AA) kjørt i hodeløs Chromium på hver HTML-fil."
                if axe_ran else
                "axe-core (regler for WCAG 2.1 nivå A og AA) ble ikke kjørt ved denne byggingen "
                "(den kan slås på, se dokumentasjonen); testsuiten kjører den på alle HTML-vedlegg.")
    return f"""<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Tilgjengelighetserklæring: {e(title)}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; font-size: 16px; line-height: 1.5;
       color: #111; max-width: 60rem; margin: 0 auto; padding: 1rem; }}
h1, h2 {{ color: #1f3a5f; }}
table {{ border-collapse: collapse; width: 100%; font-size: 14px; }}
th, td {{ border: 1px solid #767676; padding: 4px 6px; text-align: left; vertical-align: top; }}
thead th {{ background: #e8edf3; }}
</style>
</head>
<body>
<header><h1>Tilgjengelighetserklæring for vedleggene: {e(title)}</h1>
<p>Laget {e(today)} av regionanalyse ved byggingen av vedleggene i denne mappen.</p></header>
<main>
<h2>Krav</h2>
<p>Vedleggene skal oppfylle forskrift om universell utforming av informasjons- og
kommunikasjonsteknologiske (IKT)-løsninger, det vil si WCAG 2.1 nivå A og AA. HTML-filene er
laget for dette; PDF-filene er laget som {e(standard)} fra den samme kilden.</p>
<h2>Kontroller og resultater</h2>
<p>{passed} av {len(rows)} kontroller uten funn.</p>
<ul>
<li>PDF: maskinell kontroll av struktur (merket og tagget, strukturtre med overskrifter i riktig
rekkefølge, alternativ tekst på alle figurer, tabeller med overskriftsceller og scope, språk nb,
dokumenttittel vist i vinduet, PDF/UA-identifikator i metadata, all tekst enten tagget eller
merket som artefakt, innebygde fonter, bokmerker).</li>
<li>HTML: statisk kontroll (språk, sidetittel, alternativ tekst som beskriver mer enn figurteksten,
tabelloverskrifter med scope, overskriftsnivåer, tittel på innebygde rammer).</li>
<li>{e(axe_line)}</li>
</ul>
<table>
<caption>Resultat per fil og kontroll</caption>
<thead><tr><th scope="col">Fil</th><th scope="col">Kontroll</th><th scope="col">Resultat</th>
<th scope="col">Omfang</th></tr></thead>
<tbody>
{body_rows}
</tbody>
</table>
<h2>Kjente begrensninger</h2>
<ul>
<li>Maskinelle kontroller finner bare en del av bruddene på WCAG. Vedleggene er ikke testet
manuelt med skjermleser, og PDF-filene er ikke validert med veraPDF eller PAC ved byggingen.</li>
<li>Det interaktive kartet i HTML-vedleggene kan flyttes og zoomes med tastatur, men navn og
folkemengde for en kommune vises bare når musepekeren står over den. De samme opplysningene står
som tekst i kommunetabellen (regionvedleggene) og regiontabellen (oversikten).</li>
<li>Kartene skiller regioner med farger som er valgt for å kunne skilles også ved nedsatt
fargesyn, og hver region er nummerert som i tabellene; farge er ikke eneste kjennetegn.
Kartenes alternative tekst beskriver hovedinnholdet (regioner, sete, delte BA-regioner), ikke
hver kommune.</li>
<li>I kartrammen kan axe-core ikke avgjøre tre forhold: hopp forbi gjentatte blokker (rammen
har bare kartet), kontrast på en deaktivert zoomknapp (unntatt fra kravet) og at knappene «+» og
«−» har navnene «Zoom inn» og «Zoom ut» (symboler, ikke tekst). Disse er vurdert manuelt som i
orden.</li>
<li>Lange tabeller som går over flere sider er ett tabellelement i PDF-en; overskriftsraden
gjentas på hver side som artefakt. Tabeller som får plass på én side holdes samlet.</li>
<li>Tall som mangler, står som SSBs tegn «..» (finnes ikke i kildene) eller «.» (kan ikke
oppgis), med forklaring i fotnote.</li>
</ul>
<h2>Publisering</h2>
<p>Last opp HTML-vedleggene (eller PDF-filene) og denne erklæringens resultater. Virksomheten
fyller ut og publiserer sin tilgjengelighetserklæring for nettstedet i Uutilsynets løsning på
uustatus.no; resultatene og begrensningene over kan brukes der.</p>
</main>
</body>
</html>
"""
