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


@pytest.mark.parametrize("kind", ["oversikt", "region", "sammenligning", "alternativer"])
def test_appendix_notebook_parameters_are_the_declared_ones(kind):
    """An appendix's notebook assigns exactly the parameters declared for it, in order, and
    passes each to its module's build; the worker builds that kind with the same function."""
    import ast
    import importlib

    from regionanalyse.appendix import APPENDICES
    from regionanalyse.pipeline.worker import builder

    spec = APPENDICES[kind]
    cells = notebook_cells(ROOT / "notebooks" / spec.notebook)
    (parameters,) = [source for _, source, tags in cells if "parameters" in tags]
    assigned = [node.targets[0].id for node in ast.parse(parameters).body]
    assert tuple(assigned) == spec.parameters
    code = "\n".join(source for kind_, source, _ in cells if kind_ == "code")
    assert f"from regionanalyse.appendix.{spec.module} import build" in code
    (call,) = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.Call)
               and getattr(n.func, "id", None) == "build"]
    passed = {k.value: v.id for k, v in zip(call.args[0].keys, call.args[0].values)}
    assert passed == {name: name for name in spec.parameters}
    assert builder(kind) is importlib.import_module(f"regionanalyse.appendix.{spec.module}").build


def test_planned_jobs_carry_the_declared_parameters(tmp_path):
    from regionanalyse.appendix import APPENDICES
    from regionanalyse.model import load
    from regionanalyse.pipeline.plan import plan, plan_comparison

    jobs = plan(load("nav-2016-11"), 2016, ("html",), tmp_path)
    jobs += plan_comparison([load("nav-2016-11"), load("nav-2019-12")], 2016, ("html",), tmp_path)
    for job in jobs:
        assert set(job.parameters) == set(APPENDICES[job.kind].parameters), job.kind
        assert job.notebook == APPENDICES[job.kind].notebook_path
