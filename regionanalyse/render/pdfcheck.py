"""Accessibility checks for a tagged PDF (PDF/UA-1, or PDF/A-2a), with pikepdf.

    python tests/pdfcheck.py FILE.pdf [...] [--variant pdf/a-2a] [--json]
    python -m regionanalyse.render.pdfcheck FILE.pdf [...]

The build runs the same checks for its accessibility statement (tilgjengelighetserklæring).

prints the problems of each file (exit 1 when any). From tests: `check_pdf(path)` returns a
`PdfReport` with `.problems` (empty when the file passes) and `.stats`.

What is checked (a subset of the Matterhorn protocol that a machine can decide):
- catalog: /MarkInfo /Marked true, /StructTreeRoot, /Lang "nb", ViewerPreferences/DisplayDocTitle
  true, a title in the document info and in the XMP metadata (dc:title);
- identification in the XMP metadata: pdfuaid:part 1 (PDF/UA-1), or pdfaid:part 2 with
  conformance A (PDF/A-2a) when that variant is asked for;
- the structure tree: an H1 and an H2, headings that never skip a level (H1 → H3), every Figure
  with a non-empty /Alt, every Table with TH cells and every TH with a /Scope;
- content: every piece of text on a page is either inside tagged marked content that the parent
  tree maps to an element of the structure tree, or inside an /Artifact; every font embedded;
- bookmarks: an outline with at least one entry.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

TEXT_OPERATORS = {"Tj", "TJ", "'", '"'}
_SCANNED_OPERATORS = " ".join(["BDC", "BMC", "EMC", *sorted(TEXT_OPERATORS)])  # parsed, others skipped


@dataclass
class PdfReport:
    path: Path
    problems: list[str] = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems


def _walk(element, parent_tags, visit, seen):
    """Depth-first over structure elements in reading order."""
    key = element.objgen
    if key != (0, 0):
        if key in seen:
            return
        seen.add(key)
    visit(element, parent_tags)
    kids = element.get("/K")
    if kids is None:
        return
    tag = str(element.get("/S", ""))
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            _walk(kid, parent_tags + [tag], visit, seen)


def _marked_content(page):
    """(mcids used on the page, count of text operators outside any marked content,
    count of text operators inside artifacts)."""
    mcids, untagged, artifact_text = [], 0, 0
    stack = []  # each entry: "artifact", "mcid", or "other"
    for operands, operator in pikepdf.parse_content_stream(page, _SCANNED_OPERATORS):
        op = str(operator)
        if op in ("BDC", "BMC"):
            tag = str(operands[0])
            props = operands[1] if op == "BDC" and len(operands) > 1 else None
            if tag == "/Artifact":
                stack.append("artifact")
            elif isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                mcids.append(int(props.MCID))
                stack.append("mcid")
            else:
                stack.append("other")
        elif op == "EMC":
            if stack:
                stack.pop()
        elif op in TEXT_OPERATORS:
            if "artifact" in stack:
                artifact_text += 1
            elif "mcid" not in stack:
                untagged += 1
    return mcids, untagged, artifact_text


def _page_digest(page) -> str:
    """SHA-256 of a page's content (decoded): a page copied into another file has the same."""
    contents = page.obj.get("/Contents")
    streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents] if contents is not None else []
    digest = hashlib.sha256()
    for stream in streams:
        digest.update(stream.read_bytes())
        digest.update(b"\n")
    return digest.hexdigest()


def _xmp(pdf):
    with pdf.open_metadata() as meta:
        return {key: meta.get(key) for key in
                ("dc:title", "pdfuaid:part", "pdfaid:part", "pdfaid:conformance")}


def check_pdf(path, *, variant: str = "pdf/ua-1", lang: str = "nb",
              require_headings=("H1", "H2"), page_scans: dict | None = None) -> PdfReport:
    """Check one PDF; `variant` is "pdf/ua-1" or "pdf/a-2a".

    `page_scans` (optional) memoises the scan of each page's marked content by the digest of
    its content: scans found there are reused (a combined file's pages are its parts' pages),
    new ones are added. Everything else is checked in this file.
    """
    report = PdfReport(Path(path))
    problems = report.problems
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        mark = root.get("/MarkInfo")
        if mark is None or not bool(mark.get("/Marked", False)):
            problems.append("not marked: /MarkInfo /Marked is not true")
        doc_lang = str(root.get("/Lang", ""))
        if doc_lang.lower().split("-")[0] != lang:
            problems.append(f"/Lang is {doc_lang!r}, expected {lang!r}")
        prefs = root.get("/ViewerPreferences")
        if prefs is None or not bool(prefs.get("/DisplayDocTitle", False)):
            problems.append("ViewerPreferences /DisplayDocTitle is not true")
        info_title = str(pdf.docinfo.get("/Title", "")) if pdf.trailer.get("/Info") is not None else ""
        if not info_title.strip():
            problems.append("no document title in /Info")
        xmp = _xmp(pdf)
        if not (xmp["dc:title"] or "").strip():
            problems.append("no dc:title in the XMP metadata")
        if variant == "pdf/ua-1" and xmp["pdfuaid:part"] != "1":
            problems.append(f"XMP pdfuaid:part is {xmp['pdfuaid:part']!r}, expected '1' (PDF/UA-1)")
        if variant == "pdf/a-2a" and (xmp["pdfaid:part"], xmp["pdfaid:conformance"]) != ("2", "A"):
            problems.append(f"XMP pdfaid is {xmp['pdfaid:part']!r}/{xmp['pdfaid:conformance']!r}, "
                            "expected 2/A (PDF/A-2a)")
        outlines = root.get("/Outlines")
        if outlines is None or "/First" not in outlines:
            problems.append("no bookmarks (/Outlines is empty)")

        tags = Counter()
        headings, figures_without_alt, tables = [], [], []
        alts = []
        reachable = set()
        struct = root.get("/StructTreeRoot")
        if struct is None:
            problems.append("not tagged: no /StructTreeRoot")
        else:
            def visit(el, parents):
                tag = str(el.get("/S", "")).lstrip("/")
                tags[tag] += 1
                reachable.add(el.objgen)
                if tag in ("H1", "H2", "H3", "H4", "H5", "H6"):
                    headings.append(int(tag[1]))
                if tag == "Figure":
                    alt = str(el.get("/Alt", "")).strip()
                    if not alt:
                        figures_without_alt.append(el)
                    else:
                        alts.append(alt)
                if tag == "Table":
                    tables.append(el)

            seen = set()
            kids = struct.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
                _walk(kid, [], visit, seen)
            for need in require_headings:
                if tags[need] == 0:
                    problems.append(f"no {need} in the structure tree")
            for before, after in zip([0] + headings, headings):
                if after > before + 1:
                    problems.append(f"heading level skipped: H{before or '-'} followed by H{after}")
                    break
            if figures_without_alt:
                problems.append(f"{len(figures_without_alt)} Figure element(s) without /Alt")
            th_without_scope = 0
            for table in tables:
                ths = []

                def collect(el, parents, ths=ths):
                    if str(el.get("/S", "")) == "/TH":
                        ths.append(el)
                _walk(table, [], collect, set())
                if not ths:
                    problems.append(f"a Table without TH cells (page {_page_of(pdf, table)})")
                for th in ths:
                    attrs = th.get("/A")
                    attrs = list(attrs) if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []
                    if not any(isinstance(a, pikepdf.Dictionary) and "/Scope" in a for a in attrs):
                        th_without_scope += 1
            if th_without_scope:
                problems.append(f"{th_without_scope} TH cell(s) without /Scope")

        # Content: tagged text must be reachable from the tree, the rest must be artifacts.
        parent_tree = {}
        if struct is not None and "/ParentTree" in struct:
            parent_tree = dict(number_tree(struct.ParentTree))
        orphan, untagged_total, artifact_total, mcid_total = 0, 0, 0, 0
        for number, page in enumerate(pdf.pages, start=1):
            if page_scans is None:
                mcids, untagged, artifact_text = _marked_content(page)
            else:
                digest = _page_digest(page)
                if digest not in page_scans:
                    page_scans[digest] = _marked_content(page)
                mcids, untagged, artifact_text = page_scans[digest]
            untagged_total += untagged
            artifact_total += artifact_text
            mcid_total += len(mcids)
            if not mcids:
                continue
            key = page.obj.get("/StructParents")
            entries = parent_tree.get(int(key)) if key is not None else None
            for mcid in mcids:
                target = None
                if isinstance(entries, pikepdf.Array) and mcid < len(entries):
                    target = entries[mcid]
                if not isinstance(target, pikepdf.Dictionary) or target.objgen not in reachable:
                    orphan += 1
        if untagged_total:
            problems.append(f"{untagged_total} text operation(s) neither tagged nor artifact")
        if orphan:
            problems.append(f"{orphan} marked-content item(s) not reachable from the structure tree")
        unembedded = sorted(_unembedded_fonts(pdf))
        if unembedded:
            problems.append(f"fonts not embedded: {', '.join(unembedded)}")
        report.stats = {
            "pages": len(pdf.pages),
            "tags": dict(tags),
            "headings": "".join(f"H{h}" for h in headings[:40]),
            "figures": tags["Figure"],
            "tables": tags["Table"],
            "marked_content": mcid_total,
            "artifact_text_ops": artifact_total,
            "alts": alts,
            "xmp": xmp,
            "lang": doc_lang,
            "title": info_title,
        }
    return report


def number_tree(node):
    """(key, value) pairs of a PDF number tree (e.g. the structure tree's ParentTree)."""
    if "/Nums" in node:
        nums = node.Nums
        for i in range(0, len(nums), 2):
            yield int(nums[i]), nums[i + 1]
    for kid in node.get("/Kids", pikepdf.Array()):
        yield from number_tree(kid)


def name_tree(node):
    """(key, value) pairs of a PDF name tree (e.g. the structure tree's IDTree)."""
    if "/Names" in node:
        names = node.Names
        for i in range(0, len(names), 2):
            yield str(names[i]), names[i + 1]
    for kid in node.get("/Kids", pikepdf.Array()):
        yield from name_tree(kid)


def _page_of(pdf, element):
    page = element.get("/Pg")
    if page is None:
        return "?"
    for i, p in enumerate(pdf.pages, start=1):
        if p.obj.objgen == page.objgen:
            return i
    return "?"


def _unembedded_fonts(pdf):
    missing = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for _name, font in fonts.items():
            descendants = font.get("/DescendantFonts")
            for f in ([font] if descendants is None else list(descendants)):
                if str(f.get("/Subtype", "")) == "/Type3":
                    continue
                desc = f.get("/FontDescriptor")
                if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    missing.add(str(f.get("/BaseFont", "?")))
    return missing


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--variant", default="pdf/ua-1", choices=["pdf/ua-1", "pdf/a-2a"])
    parser.add_argument("--json", action="store_true", help="print stats and problems as JSON")
    args = parser.parse_args(argv)
    failed = 0
    results = []
    for path in args.files:
        report = check_pdf(path, variant=args.variant)
        failed += not report.ok
        if args.json:
            results.append({"file": str(path), "problems": report.problems, "stats": report.stats})
        else:
            status = "OK" if report.ok else "FEIL"
            print(f"{status} {path} ({report.stats.get('pages')} s., {report.stats.get('tables')} tabeller, "
                  f"{report.stats.get('figures')} figurer, {report.stats.get('headings', '')[:30]})")
            for problem in report.problems:
                print(f"   - {problem}")
    if args.json:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=1)
        print()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
