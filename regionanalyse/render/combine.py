"""Concatenate tagged appendix PDFs into one (vedlegg.pdf) with pikepdf.

Every part's structure tree is kept (each part becomes a `/Part` of one `/Document`), with its
bookmarks (nested under the part's title), its `/Lang`, and its PDF/UA (and PDF/A)
identification.
"""
from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from pathlib import Path

from .variant import PDF_LANG

log = logging.getLogger(__name__)


def combine_pdfs(parts: list[tuple[str, Path]], out: Path, *, title: str | None = None) -> None:
    """Concatenate tagged PDFs into `out`, one top-level bookmark per (title, path).

    Each part's structure tree becomes a `/Part` (titled) of one `/Document`; page and annotation
    parent-tree keys are renumbered, header-cell IDs prefixed per part, bookmarks of each part
    nested under its title. The result keeps `/Lang`, MarkInfo, DisplayDocTitle and the PDF/UA
    (and, when every part has it, PDF/A) identification of the parts. Written atomically.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name, String

    from .pdfcheck import number_tree

    out = Path(out)
    dst = pikepdf.new()
    document = dst.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
    tree_root = dst.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([document])))
    document.P = tree_root
    parent_nums = Array()
    id_names: list[tuple[str, pikepdf.Object]] = []
    taken_ids: set[str] = set()
    next_key = 0
    outline_plan = []
    tagged_all, pdfa_all = True, True
    output_intents = None
    sources = []
    for index, (part_title, path) in enumerate(parts):
        src = pikepdf.open(path)
        sources.append(src)
        first = len(dst.pages)
        src_pages = {p.obj.objgen: i for i, p in enumerate(src.pages)}
        dst.pages.extend(src.pages)
        with src.open_metadata() as meta:
            pdfa_all = pdfa_all and meta.get("pdfaid:part") == "2" and meta.get("pdfaid:conformance") == "A"
        if output_intents is None and "/OutputIntents" in src.Root:
            intents = src.Root.OutputIntents
            # WeasyPrint writes the array direct; copy_foreign needs an indirect object
            output_intents = dst.copy_foreign(intents if intents.is_indirect else src.make_indirect(intents))
        outline_plan.append((part_title, first, _outline_items(src, src_pages, first)))
        struct = src.Root.get("/StructTreeRoot")
        if struct is None:
            tagged_all = False
            continue
        struct = dst.copy_foreign(struct)
        offset = next_key
        for page in dst.pages[first:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", []):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        for key, value in number_tree(struct.ParentTree):
            parent_nums.append(key + offset)
            parent_nums.append(value)
            next_key = max(next_key, key + offset + 1)
        listed = _listed_ids(struct)
        unique = listed is not None and not any(key in taken_ids for key, _ in listed)
        kids = list(struct.K) if isinstance(struct.K, pikepdf.Array) else [struct.K]
        for kid in kids:
            if kid.get("/S") == Name.Document:
                kid.S = Name.Part
            kid.P = document
            kid.T = String(part_title)
            document.K.append(kid)
        if unique:  # our parts: IDs unique per document, listed in its IDTree
            id_names += listed
        else:  # otherwise every ID (and /Headers) is renamed per part
            listed = []
            for kid in kids:
                _prefix_ids(kid, f"v{index + 1}-", listed)
            id_names += listed
        taken_ids.update(key for key, _ in listed)
    tree_root.ParentTree = dst.make_indirect(Dictionary(Nums=parent_nums))
    tree_root.ParentTreeNextKey = next_key
    if id_names:
        names = Array()
        for key, ref in sorted(id_names, key=lambda kv: kv[0]):
            names.append(String(key))
            names.append(ref)
        tree_root.IDTree = dst.make_indirect(Dictionary(Names=names))
    if tagged_all:
        dst.Root.StructTreeRoot = tree_root
        dst.Root.MarkInfo = Dictionary(Marked=True)
    else:
        log.warning("combine_pdfs: a part has no structure tree; %s is not tagged", out.name)
    dst.Root.Lang = String(PDF_LANG)
    dst.Root.ViewerPreferences = Dictionary(DisplayDocTitle=True)
    dst.Root.PageMode = Name.UseOutlines
    if pdfa_all and output_intents is not None:
        dst.Root.OutputIntents = output_intents
    doc_title = title or (parts[0][0] if parts else "Vedlegg")
    dst.docinfo["/Title"] = doc_title
    with dst.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = doc_title
        meta["dc:language"] = [PDF_LANG]
        if tagged_all:
            meta["pdfuaid:part"] = "1"
        if pdfa_all and tagged_all:
            meta["pdfaid:part"] = "2"
            meta["pdfaid:conformance"] = "A"
    with dst.open_outline() as outline:
        for part_title, first, children in outline_plan:
            item = pikepdf.OutlineItem(part_title, first)
            item.children.extend(children)
            outline.root.append(item)
    fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=out.name, suffix=".tmp")
    os.close(fd)
    try:
        dst.save(tmp, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    finally:
        for src in sources:
            src.close()


def _listed_ids(struct) -> list[tuple[str, object]] | None:
    """The (ID, element) pairs of a structure tree's IDTree; None when it has none (its IDs,
    if any, are then unknown without walking the tree)."""
    from .pdfcheck import name_tree

    tree = struct.get("/IDTree")
    return None if tree is None else list(name_tree(tree))


def _prefix_ids(element, prefix, id_names, _seen=None):
    """Make structure-element IDs (and the /Headers pointing at them) unique per part."""
    import pikepdf

    seen = _seen if _seen is not None else set()
    if element.objgen in seen and element.objgen != (0, 0):
        return
    seen.add(element.objgen)
    if "/ID" in element:
        element.ID = pikepdf.String(prefix + str(element.ID))
        id_names.append((str(element.ID), element))
    attrs = element.get("/A")
    for attr in attrs if isinstance(attrs, pikepdf.Array) else [attrs] if attrs is not None else []:
        if isinstance(attr, pikepdf.Dictionary) and "/Headers" in attr:
            attr.Headers = pikepdf.Array([pikepdf.String(prefix + str(h)) for h in attr.Headers])
    kids = element.get("/K")
    if kids is None:
        return
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type", pikepdf.Name.StructElem) == pikepdf.Name.StructElem \
                and "/S" in kid:
            _prefix_ids(kid, prefix, id_names, seen)


def _outline_items(src, src_pages, first):
    """A part's bookmarks as new OutlineItems pointing at its pages in the combined file."""
    import pikepdf

    def convert(item):
        dest = item.destination
        page_index, kwargs = None, {}
        if isinstance(dest, pikepdf.Array) and len(dest) >= 1:
            target = dest[0]
            if isinstance(target, pikepdf.Dictionary):
                page_index = src_pages.get(target.objgen)
            if len(dest) >= 2 and dest[1] == pikepdf.Name.XYZ:
                nums = [None if v is None or isinstance(v, pikepdf.Object) and v.is_null else float(v)
                        for v in list(dest[2:5]) + [None] * (5 - len(dest))]
                kwargs = {"page_location": pikepdf.PageLocation.XYZ,
                          "left": nums[0], "top": nums[1], "zoom": nums[2]}
        if page_index is None:
            return None
        new = pikepdf.OutlineItem(item.title, first + page_index, **kwargs)
        for child in item.children:
            converted = convert(child)
            if converted is not None:
                new.children.append(converted)
        return new

    items = []
    with src.open_outline() as outline:
        for item in outline.root:
            converted = convert(item)
            if converted is not None:
                items.append(converted)
    return items
