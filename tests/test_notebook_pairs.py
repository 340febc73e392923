"""The appendix and exploration notebooks are kept as jupytext pairs (.ipynb and a .py in the
percent format): both files of a pair hold the same cells, so a review of the .py is a review
of what runs."""
import json
import re

import nbformat
import pytest

from tests.conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_CELL = re.compile(r"^# %%(?: \[(?P<kind>\w+)\])?(?: (?P<meta>.*))?$")


def percent_cells(text: str) -> list[tuple[str, str, list[str]]]:
    """(cell type, source, tags) of each cell of a jupytext percent-format script."""
    lines = text.splitlines()
    if lines and lines[0] == "# ---":  # the jupytext header
        lines = lines[lines.index("# ---", 1) + 1:]
    cells: list[list] = []
    for line in lines:
        match = _CELL.match(line)
        if match:
            tags = re.search(r"tags=(\[.*?\])", match["meta"] or "")
            cells.append([match["kind"] or "code", [], json.loads(tags.group(1)) if tags else []])
        elif cells:
            cells[-1][1].append(line)
    out = []
    for kind, body, tags in cells:
        if kind == "markdown":
            body = [re.sub(r"^# ?", "", line) for line in body]
        out.append((kind, "\n".join(body).strip("\n"), tags))
    return out


def notebook_cells(path) -> list[tuple[str, str, list[str]]]:
    nb = nbformat.read(path, as_version=4)
    return [(c.cell_type, c.source.strip("\n"), list(c.metadata.get("tags", []))) for c in nb.cells]


def test_every_notebook_has_its_pair():
    assert len(NOTEBOOKS) >= 5
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.py")) == [p.stem for p in NOTEBOOKS]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_pair_holds_the_same_cells(notebook):
    script = notebook.with_suffix(".py").read_text(encoding="utf-8")
    assert percent_cells(script) == notebook_cells(notebook)


def test_a_changed_cell_is_found():
    script = (ROOT / "notebooks" / "vedlegg_region.py").read_text(encoding="utf-8")
    changed = script.replace('sections.one("history")', 'sections.one("peers")')
    assert percent_cells(changed) != notebook_cells(ROOT / "notebooks" / "vedlegg_region.ipynb")
