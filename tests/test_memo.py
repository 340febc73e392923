"""One memo policy (regionanalyse/memo.py): no caller of a memoised function can change what the
next caller gets. The memoised functions are found by introspection, called with the arguments
a small workload gave them, and every result is changed in every way a caller could."""
import dataclasses
import importlib
import pkgutil
import re
import types
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import regionanalyse
from regionanalyse import memo

PACKAGE = Path(regionanalyse.__file__).parent


def _import_all() -> list[types.ModuleType]:
    return [importlib.import_module(info.name)
            for info in pkgutil.walk_packages([str(PACKAGE)], "regionanalyse.")
            if not info.name.endswith("__main__")]


def test_every_memo_of_the_package_is_under_the_one_policy():
    bare = [f"{p.relative_to(PACKAGE)}:{n}" for p in PACKAGE.rglob("*.py") if p.name != "memo.py"
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"lru_cache|functools\.cache\b|^from functools import .*\bcache\b|^@cache\b", line)]
    assert not bare, "use regionanalyse.memo.memo, not functools' caches: " + ", ".join(bare)
    modules = _import_all()
    registered = set(memo.memos())
    for module in modules:
        for name, value in vars(module).items():
            if callable(value) and hasattr(value, "cache_info") and getattr(value, "__module__", "") == module.__name__:
                assert value in registered, f"{module.__name__}.{name}"
    assert len(registered) >= 40


def _snapshot(value):
    """A deep, comparable picture of a memo's value."""
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        return (type(value), value.copy(deep=True))
    if isinstance(value, np.ndarray):
        return (np.ndarray, value.copy())
    if isinstance(value, (dict, types.MappingProxyType)):
        return {k: _snapshot(v) for k, v in value.items()}
    if isinstance(value, (tuple, list, set, frozenset)):
        return (type(value), [_snapshot(v) for v in value])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value), {f.name: _snapshot(getattr(value, f.name)) for f in dataclasses.fields(value)})
    if isinstance(value, nx.Graph):
        return (nx.Graph, sorted(map(repr, value.nodes(data=True))), sorted(map(repr, value.edges(data=True))))
    return value


def _same(a, b) -> bool:
    if isinstance(a, tuple) and len(a) == 2 and isinstance(a[1], (pd.DataFrame, pd.Series, pd.Index)):
        return (isinstance(b, tuple) and a[0] is b[0] and a[1].equals(b[1])
                and list(getattr(a[1], "columns", [])) == list(getattr(b[1], "columns", []))
                and a[1].index.equals(b[1].index) and getattr(a[1], "name", None) == getattr(b[1], "name", None))
    if isinstance(a, tuple) and len(a) == 2 and a[0] is np.ndarray:
        return b[0] is np.ndarray and a[1].dtype == b[1].dtype and np.array_equal(
            a[1], b[1], equal_nan=a[1].dtype.kind in "fc")
    if isinstance(a, dict):
        return isinstance(b, dict) and a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, tuple):
        return isinstance(b, tuple) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, list):
        return isinstance(b, list) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) and a != a:
        return isinstance(b, float) and b != b
    return a == b


def _change(value) -> None:
    """Change `value` in place every way a caller could; a change the policy refuses raises."""
    if isinstance(value, pd.DataFrame):
        value["__changed__"] = 1
        value.index.name = "__changed__"
        value.attrs["__changed__"] = 1
        if len(value):
            for column in value.columns[:3]:
                try:
                    value.iloc[0, value.columns.get_loc(column)] = value[column].iloc[-1]
                except (TypeError, ValueError):
                    pass
        del value[value.columns[0]]
    elif isinstance(value, pd.Series):
        value.name = "__changed__"
        if len(value):
            try:
                value.iloc[0] = value.iloc[-1]
            except (TypeError, ValueError):
                pass
    elif isinstance(value, np.ndarray):
        if value.size:
            with pytest.raises(ValueError):
                value.flat[0] = value.flat[-1]
    elif isinstance(value, types.MappingProxyType):
        with pytest.raises(TypeError):
            value["__changed__"] = 1  # type: ignore[index]
        for v in value.values():
            _change(v)
    elif isinstance(value, (dict, list, set)):
        pytest.fail(f"a memo returned a mutable {type(value).__name__}")
    elif isinstance(value, tuple):
        for v in value:
            _change(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            _change(getattr(value, f.name))
        if not type(value).__dataclass_params__.frozen:
            for f in dataclasses.fields(value):
                setattr(value, f.name, None)
    elif isinstance(value, nx.Graph):
        with pytest.raises(nx.NetworkXError):
            value.add_node("__changed__")


def _workload() -> None:
    """Calls that reach most memos of the package with real data (from the processed cache)."""
    from regionanalyse.indicators import areas, ba_cohesion, history, keyfigures
    from regionanalyse.model import load
    from regionanalyse.present import interactive, maps
    from regionanalyse.present.editor.model import EditorModel
    from regionanalyse.territory import adjacency, membership, validate
    from regionanalyse.pipeline.plan import plan

    proposal = load("nav-2016-11")
    validate.validate(proposal)
    keyfigures.key_figures(proposal, 2016)
    history.population_history(proposal)
    ba_cohesion.ba_cohesion(proposal, 2016)
    areas.region_areas(proposal, 2016)
    areas.moved_land(2016)
    membership.counted_elsewhere(proposal, 2024)
    membership.coverage(proposal, [2016])
    maps.region_colors(proposal)
    maps.polsby_popper_outlines(proposal)
    interactive.interactive_map(proposal, None, 2016)
    EditorModel(proposal, 2016)
    plan(proposal, 2016, ("html",), Path("reports"))
    adjacency.crossings(2024)
    adjacency._layer_edges(2024)  # else reached only when the processed-data cache is cold


def test_no_caller_can_change_what_the_next_caller_gets():
    _import_all()
    _workload()
    checked, unreached = [], []
    for function in memo.memos():
        name = f"{function.__module__}.{function.__qualname__}"
        if function.last_call is None or function.memo_shared:
            unreached.append(name)
            continue
        args, kwargs = function.last_call
        reference = _snapshot(function(*args, **kwargs))
        _change(function(*args, **kwargs))
        assert _same(reference, _snapshot(function(*args, **kwargs))), name
        checked.append(name)
    # the data layers are all reached: every memo there returns a table or a structure of them
    layers = ("regionanalyse.sources.", "regionanalyse.territory.", "regionanalyse.indicators.")
    missed = [n for n in unreached if n.startswith(layers) and "_warn_uncached" not in n]
    assert not missed, missed
    assert len(checked) >= 30, (checked, unreached)


@pytest.mark.parametrize("value", [
    pd.DataFrame({"a": [1, 2]}), pd.Series([1.0, 2.0], name="x"), np.arange(3),
    {"a": [1, 2], "b": {"c": pd.DataFrame({"x": [1]})}}, [np.zeros(2), {1, 2}],
    (pd.DataFrame({"a": [1]}), None),
])
def test_the_policy_by_kind_of_value(value):
    calls = []

    @memo.memo()
    def make():
        calls.append(1)
        return value

    reference = _snapshot(make())
    _change(make())
    assert _same(reference, _snapshot(make())) and len(calls) == 1
    make.cache_clear()


def test_a_value_the_policy_cannot_freeze_is_refused_unless_shared():
    class Service:
        pass

    @memo.memo()
    def refused():
        return Service()

    @memo.memo(shared=True)
    def service():
        return Service()

    with pytest.raises(TypeError, match="memo cannot freeze a Service"):
        refused()
    assert service() is service()


def test_a_dataclass_is_a_new_instance_per_call():
    @dataclasses.dataclass
    class Figures:
        table: pd.DataFrame
        sources: dict

    @memo.memo()
    def figures():
        return Figures(pd.DataFrame({"x": [1]}), {"x": "SSB"})

    first = figures()
    first.table = None
    assert figures().table["x"].tolist() == [1] and figures().sources["x"] == "SSB"


def test_clear_all_empties_every_memo():
    counter = []

    @memo.memo()
    def counted():
        counter.append(1)
        return len(counter)

    assert counted() == counted() == 1
    memo.clear_all()
    assert counted() == 2


# ---- process-wide state: importing the package changes none of it -------------------------

_IMPORT_EVERYTHING = r"""
import gc, json, logging, pkgutil, importlib, warnings
import matplotlib

def state():
    root, ours = logging.getLogger(), logging.getLogger("regionanalyse")
    return {"rcParams": {k: repr(v) for k, v in matplotlib.rcParams.items()},
            "root logger": [root.level, [repr(h) for h in root.handlers]],
            "regionanalyse logger": [ours.level, ours.propagate, [repr(h) for h in ours.handlers]],
            "logging.raiseExceptions": logging.raiseExceptions,
            "gc": [gc.isenabled(), gc.get_threshold(), gc.get_freeze_count()],
            "warnings filters": len(warnings.filters)}

import bleach.html5lib_shim, scipy.special, scipy.sparse  # add warning filters of their own on import
before = state()
import regionanalyse
names = [m.name for m in pkgutil.walk_packages(regionanalyse.__path__, "regionanalyse.")
         if not m.name.endswith("__main__")]
for name in names:
    importlib.import_module(name)
after = state()
changed = {k: ([x for x in before[k] if before[k][x] != after[k].get(x)] if isinstance(before[k], dict)
               else [before[k], after[k]]) for k in before if before[k] != after[k]}
print(json.dumps({"modules": len(names), "changed": changed}))
"""


def test_importing_any_module_leaves_the_process_settings_alone():
    """matplotlib's settings, logging, the garbage collector and the warning filters are the
    analyst's: no module of the package changes them on import (issue 20 item 4)."""
    import json
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _IMPORT_EVERYTHING], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["modules"] > 80 and report["changed"] == {}, report["changed"]


def test_logging_is_configured_by_the_command_line_and_gc_frozen_only_in_pool_workers():
    """The functions that change process-wide state are called from one place each: the
    log handlers by the CLI (api.build takes them as an argument), gc.freeze by a pool worker
    after its first appendix (never in the analyst's process, not by the inline executor)."""
    def callers(pattern: str) -> set[str]:
        return {p.relative_to(PACKAGE).as_posix() for p in PACKAGE.rglob("*.py")
                if re.search(pattern, p.read_text(encoding="utf-8"))}

    assert callers(r"import .*\bsetup_logging\b|\bsetup_logging\(") == {"cli.py", "pipeline/publish.py"}
    assert callers(r"logging\.basicConfig|\.addHandler\(|\.setLevel\(") == {"pipeline/publish.py"}
    assert callers(r"gc\.freeze\(") == {"pipeline/worker.py"}
    assert callers(r"\b_settle\(") == {"pipeline/worker.py"}
    assert callers(r"\brun_in_worker\b") == {"pipeline/worker.py", "pipeline/build.py"}
    build = (PACKAGE / "pipeline" / "build.py").read_text(encoding="utf-8")
    assert re.search(r"pool\.submit\(partial\(run_in_worker", build)
    assert callers(r"rcParams\[|matplotlib\.rc\(|plt\.rc\(|style\.use\(|sns\.set(_theme|_style|_context)?\(") == set()


def test_the_memos_follow_the_data_folder_in_use(tmp_path, monkeypatch):
    """Pointing the loaders at another raw folder (REGIONANALYSE_RAW, or a data update that
    switches the active set) clears every memo: no table of the old data set is served."""
    import shutil

    from regionanalyse.config import SHIPPED_RAW_DIR
    from regionanalyse.sources import codes

    raw = tmp_path / "raw"
    shutil.copytree(SHIPPED_RAW_DIR, raw)
    path = raw / codes.CODE_FILE
    path.write_text(path.read_text(encoding="utf-8").replace(",Stavanger,", ",Stavangerx,", 1), encoding="utf-8")
    assert codes.code_list().loc["1103", "kommunenavn"] == "Stavanger"
    monkeypatch.setenv("REGIONANALYSE_RAW", str(raw))
    assert codes.code_list().loc["1103", "kommunenavn"] == "Stavangerx"
    monkeypatch.delenv("REGIONANALYSE_RAW")
    assert codes.code_list().loc["1103", "kommunenavn"] == "Stavanger"
