"""HTML to tagged PDF (PDF/UA-1 or PDF/A-2a) with WeasyPrint.

WeasyPrint (>= 66) writes the structure tree from the HTML (`pdf_variant="pdf/ua-1"`). Three
gaps of its tagging are closed here, while WeasyPrint builds the tree (`_TagFixes`):

- an element that crosses a page break (a long table, a paragraph) is emitted as one structure
  element per page (WeasyPrint issues #2902/#2903); fragments of the same HTML element are merged
  back into one element, and a table's header row repeated on the next page becomes an artifact;
- running headers and footers (CSS margin boxes) are tagged content outside the tree; they are
  turned into pagination artifacts (`/Artifact <</Type /Pagination /Subtype /Header>>`);
- header cells get `/Scope` (`/Column`, or `/Row` for `<th scope="row">`); the IDs WeasyPrint
  gives them (and the cells' `/Headers` pointing at them) get a prefix unique to the document
  (from a hash of its HTML), and are listed in an IDTree, so that appendices can be combined
  without renaming them.

Concatenating the appendices into one tagged PDF is `combine.py`; the variants are `variant.py`.
"""

from __future__ import annotations

import hashlib
import logging
import threading

import weasyprint

from .variant import pdf_variant

log = logging.getLogger(__name__)


class OfflineFetcher(weasyprint.URLFetcher):
    """URL fetcher that only resolves inline data: URLs."""

    def __init__(self):
        super().__init__(allowed_protocols={"data"})


def html_to_pdf(html: str, *, variant: str | None = None) -> bytes:
    """Render self-contained HTML to tagged PDF bytes (PDF/UA-1 by default) without network access."""
    chosen = pdf_variant(variant)
    document = weasyprint.HTML(string=html, url_fetcher=OfflineFetcher())
    with _TagFixes(id_prefix=hashlib.sha256(html.encode()).hexdigest()[:8] + "-"):
        pdf = document.write_pdf(pdf_variant=chosen, pdf_tags=True)
    if chosen == "pdf/a-2a":
        pdf = _add_pdfua_identifier(pdf)
    return pdf


def _add_pdfua_identifier(pdf: bytes) -> bytes:
    """Declare PDF/UA-1 beside PDF/A-2a in the XMP metadata (the file is tagged to the same rules)."""
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as doc:
        with doc.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfuaid:part"] = "1"
        out = io.BytesIO()
        doc.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------------------------
# Fixes applied while WeasyPrint builds the structure tree (pydyf objects, before writing).

_PATCH_LOCK = threading.RLock()


class _TagFixes:
    """Wrap WeasyPrint's tag-tree builder for the duration of one write_pdf call.

    When WeasyPrint's internals differ from what this expects (another major version), the
    wrapper steps aside and WeasyPrint's own tagging is used unchanged, with a warning.
    """

    def __init__(self, id_prefix: str = ""):
        self.id_prefix = id_prefix

    def __enter__(self):
        _PATCH_LOCK.acquire()
        self._saved = None
        try:
            import weasyprint.pdf as wpdf
            import weasyprint.pdf.tags as wtags

            build, add = wtags._build_box_tree, wpdf.add_tags
        except (ImportError, AttributeError):
            log.warning("WeasyPrint %s: tag fixes not applied (unknown internals)", weasyprint.__version__)
            return self
        state = _FixState(self.id_prefix)
        wtags._build_box_tree = state.wrap_build(build)
        wpdf.add_tags = state.wrap_add_tags(add)
        self._saved = (wtags, build, wpdf, add)
        return self

    def __exit__(self, *exc):
        try:
            if self._saved:
                wtags, build, wpdf, add = self._saved
                wtags._build_box_tree = build
                wpdf.add_tags = add
        finally:
            _PATCH_LOCK.release()
        return False


class _FixState:
    def __init__(self, id_prefix: str = ""):
        self.id_prefix = id_prefix
        self.sources = {}  # id(StructElem dict) -> HTML element it was made from
        self.margin_mcids = {}  # page number -> {mcid: "Header" | "Footer"}

    # -- while building --------------------------------------------------------------------
    def wrap_build(self, build):
        from weasyprint.formatting_structure import boxes

        def wrapped(box, parent, pdf, page_number, nums, annotations, tags):
            if isinstance(box, boxes.MarginBox):
                kind = "Footer" if str(getattr(box, "at_keyword", "")).startswith("@bottom") else "Header"
                marks = self.margin_mcids.setdefault(page_number, {})
                for child in _descendants(box):
                    if child in tags:
                        marks[tags[child]["mcid"]] = kind
            for element in build(box, parent, pdf, page_number, nums, annotations, tags):
                if id(element) not in self.sources:
                    self.sources[id(element)] = (element, box.element)
                    if element.get("S") == "/TH" and box.element is not None:
                        scope = "/Row" if box.element.get("scope") == "row" else "/Column"
                        element["A"]["Scope"] = scope
                yield element

        return wrapped

    def wrap_add_tags(self, add_tags):
        def wrapped(pdf, document, pdf_version, page_streams):
            add_tags(pdf, document, pdf_version, page_streams)
            try:
                self.finish(pdf, page_streams)
            except Exception:  # never lose the PDF over a tagging refinement
                log.exception("tagged PDF: fixing the structure tree failed; WeasyPrint's tree kept")

        return wrapped

    # -- after WeasyPrint's tree is complete ------------------------------------------------
    def finish(self, pdf, page_streams):
        import pydyf

        objects = pdf.objects

        def obj(ref):
            return objects[int(bytes(ref).split()[0])]

        root = obj(pdf.catalog["StructTreeRoot"])
        parent_tree = obj(root["ParentTree"])
        nums = parent_tree["Nums"]
        page_arrays = {nums[i]: nums[i + 1] for i in range(0, len(nums), 2)
                       if isinstance(nums[i + 1], pydyf.Array)}
        page_refs = list(pdf.page_references)

        # 1. Running headers/footers: pagination artifacts instead of orphan tagged content.
        artifacts = {page: dict(marks) for page, marks in self.margin_mcids.items()}

        # 2. Merge fragments of one HTML element split over pages.
        redirect = {}  # reference of a removed fragment -> reference of the element kept

        def source(el):
            entry = self.sources.get(id(el))
            return entry[1] if entry else None

        def mcids_under(el):
            """(page, mcid) of every marked-content item below `el`."""
            page = page_refs.index(el["Pg"]) if "Pg" in el else None
            for kid in el.get("K", []):
                if isinstance(kid, int):
                    yield page, kid
                elif isinstance(kid, bytes) and kid.endswith(b" R"):  # a reference
                    child = obj(kid)
                    if isinstance(child, dict) and child.get("Type") == "/StructElem":
                        yield from mcids_under(child)

        def absorb(keep, gone):
            """Move the kids of `gone` (a later fragment) into `keep`."""
            for kid in gone["K"]:
                if isinstance(kid, int):  # bare MCID on gone's page: needs an MCR to keep its page
                    mcr = pydyf.Dictionary({"Type": "/MCR", "Pg": gone["Pg"], "MCID": kid})
                    pdf.add_object(mcr)
                    keep["K"].append(mcr.reference)
                    page_arrays[page_refs.index(gone["Pg"])][kid] = keep.reference
                    continue
                child = obj(kid)
                if isinstance(child, dict) and child.get("Type") == "/StructElem":
                    child["P"] = keep.reference
                keep["K"].append(kid)
            redirect[bytes(gone.reference)] = keep.reference

        def merge_children(el):
            kids = el.get("K")
            if not isinstance(kids, pydyf.Array):
                return
            i = 0
            while i + 1 < len(kids):
                a, b = kids[i], kids[i + 1]
                if isinstance(a, int) or isinstance(b, int):
                    i += 1
                    continue
                ea, eb = obj(a), obj(b)
                same = (isinstance(ea, dict) and isinstance(eb, dict)
                        and ea.get("Type") == eb.get("Type") == "/StructElem"
                        and ea.get("S") == eb.get("S") and ea.get("Pg") != eb.get("Pg")
                        and source(ea) is not None and source(ea) is source(eb))
                if not same:
                    i += 1
                    continue
                if ea["S"] == "/Table":
                    # A repeated header row on the later page is a pagination artifact.
                    seen = {id(source(obj(k))) for k in ea["K"] if not isinstance(k, int)}
                    kept = pydyf.Array()
                    for k in eb["K"]:
                        if (not isinstance(k, int) and obj(k).get("S") == "/THead"
                                and id(source(obj(k))) in seen):
                            for page, mcid in mcids_under(obj(k)):
                                artifacts.setdefault(page, {})[mcid] = None
                        else:
                            kept.append(k)
                    eb["K"] = kept
                absorb(ea, eb)
                del kids[i + 1]
            for k in kids:
                if not isinstance(k, int):
                    child = obj(k)
                    if isinstance(child, dict) and child.get("Type") == "/StructElem":
                        merge_children(child)

        for doc_ref in root["K"]:
            merge_children(obj(doc_ref))

        # 3. Rewrite the artifacts' marked content and drop them from the parent tree.
        streams_by_tags = {}
        for stream in objects:
            tags = getattr(stream, "_tags", None)
            if tags is not None and isinstance(stream, pydyf.Stream):
                streams_by_tags.setdefault(id(tags), []).append(stream)
        missing = 0
        for page, marks in artifacts.items():
            if not marks:
                continue
            page_stream = page_streams[page]
            streams = [page_stream] + [s for s in streams_by_tags.get(id(page_stream._tags), [])
                                       if s is not page_stream]
            found = set()
            for stream in streams:
                ops = stream.stream
                for j, op in enumerate(ops):
                    if isinstance(op, pydyf.Dictionary) and op.get("MCID") in marks and j >= 1:
                        mcid = op["MCID"]
                        kind = marks[mcid]
                        ops[j - 1] = "/Artifact"
                        ops[j] = pydyf.Dictionary(
                            {"Type": "/Pagination", "Subtype": f"/{kind}"} if kind else {"Type": "/Pagination"})
                        found.add(mcid)
            missing += len(set(marks) - found)
            array = page_arrays.get(page)
            for mcid in found:
                if array is not None and mcid < len(array):
                    array[mcid] = "null"
        if missing:
            log.warning("tagged PDF: %d running-header items not found in the page streams", missing)

        # 4. Point the parent tree at the merged elements.
        if redirect:
            for key, value in list(page_arrays.items()):
                for j, ref in enumerate(value):
                    if isinstance(ref, bytes) and ref in redirect:
                        value[j] = redirect[ref]
            for j in range(1, len(nums), 2):
                if isinstance(nums[j], bytes) and nums[j] in redirect:
                    nums[j] = redirect[nums[j]]

        # 5. Header-cell IDs: prefixed (the cells' /Headers hold the same String objects, so
        # they follow), and listed in an IDTree.
        ids = []
        for el, _src in self.sources.values():
            if "ID" in el and isinstance(el["ID"], pydyf.String) and not el["ID"].string.startswith(self.id_prefix):
                el["ID"].string = self.id_prefix + el["ID"].string
            if "ID" in el and el.number is not None:
                ids.append((bytes(el["ID"].data if hasattr(el["ID"], "data") else el["ID"]), el.reference))
        if ids:
            names = pydyf.Array()
            for key, ref in sorted(ids):
                names.append(pydyf.String(key.strip(b"()").decode("latin-1")))
                names.append(ref)
            id_tree = pydyf.Dictionary({"Names": names})
            pdf.add_object(id_tree)
            root["IDTree"] = id_tree.reference
        parent_tree_next = max((nums[i] for i in range(0, len(nums), 2)), default=-1) + 1
        root["ParentTreeNextKey"] = parent_tree_next


def _descendants(box):
    for child in getattr(box, "children", ()) or ():
        yield child
        yield from _descendants(child)
