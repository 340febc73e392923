"""The places where the code relies on a library's internals, each fenced: a test that fails
when the internal it uses disappears or changes (then check the code against the new version
before raising the upper bound in pyproject.toml), and the bounds themselves kept with the lock."""
import hashlib
import inspect
import re
import sys
import tomllib
from pathlib import Path

import matplotlib
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PATCHED = ("weasyprint", "pydyf", "nbconvert", "ipython")


def _params(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_weasyprint_tagging_internals_as_the_tag_fixes_expect():
    """render/pdf.py wraps these two while a PDF is written (the PDF/UA fixes);
    tests/test_render.py checks that the fixes take effect."""
    import weasyprint.pdf as wpdf
    import weasyprint.pdf.tags as wtags

    assert _params(wtags._build_box_tree) == ["box", "parent", "pdf", "page_number", "nums",
                                              "annotations", "tags"]
    assert _params(wpdf.add_tags) == ["pdf", "document", "pdf_version", "page_streams"]


def test_nbconvert_html_export_is_the_one_copied():
    """VedleggHTMLExporter.from_notebook_node is HTMLExporter.from_notebook_node without its
    BeautifulSoup pass: a changed original must be read again before the copy is trusted."""
    from nbconvert.exporters import HTMLExporter

    source = inspect.getsource(HTMLExporter.from_notebook_node)
    assert hashlib.sha256(source.encode()).hexdigest() == \
        "3dccafff45cc4e749766089c7de2f5385ac071e03f4f5a15bfb3b025f54893b9", source


def test_ipython_hooks_the_inline_shell_overrides():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    from regionanalyse.pipeline import inline

    overrides = {DisplayHook: inline._DisplayHook, DisplayPublisher: inline._DisplayPublisher,
                 InteractiveShell: inline.NotebookShell}
    checked = 0
    for base, ours in overrides.items():
        for name, function in vars(ours).items():
            if callable(function) and not name.startswith("__"):
                assert hasattr(base, name), f"{base.__name__}.{name} is gone"
                ours_params = [p for p in _params(function) if p != "kwargs"]
                assert ours_params == [p for p in _params(getattr(base, name)) if p != "kwargs"], name
                checked += 1
    assert checked >= 8
    assert "init_sys_modules" in vars(inline.NotebookShell) and "_showtraceback" in vars(inline.NotebookShell)


def test_kill_pool_kills_the_pools_workers_and_no_other_child():
    """guard.kill_pool finds a pool's workers with multiprocessing.active_children (public),
    not ProcessPoolExecutor._processes; a child that was there before the pool lives on."""
    import multiprocessing
    import time

    from regionanalyse import procguard as guard

    context = multiprocessing.get_context("fork")
    other = context.Process(target=time.sleep, args=(30,))
    other.start()
    try:
        pool = guard.pool(2, context)
        assert [f.result() for f in [pool.submit(abs, -1), pool.submit(abs, -2)]] == [1, 2]
        workers = pool.workers()
        assert 1 <= len(workers) <= 2 and other.pid not in {p.pid for p in workers}
        guard.kill_pool(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        assert not any(p.is_alive() for p in workers) and other.is_alive()
    finally:
        other.kill()
        other.join()


def test_maps_leave_matplotlib_as_they_found_it():
    """No global settings at import; text drawn as written inside the map functions only; no
    patch on the canvas (the maps draw their layers as collections, so nothing renders the
    figure before it is saved: no draw_idle call at all)."""
    matplotlib.use("Agg")
    from unittest import mock

    from matplotlib.backend_bases import FigureCanvasBase

    from regionanalyse.present import html, maps  # noqa: F401
    from tests.conftest import nav_cut

    assert matplotlib.rcParams["text.parse_math"] is True  # matplotlib's default, untouched
    proposal = nav_cut("mathtext", "Mathtext", "Oslo $x^2$", ["03"])
    with mock.patch.object(FigureCanvasBase, "draw_idle", autospec=True) as draw_idle:
        ax = maps.region_map(proposal, "Oslo $x^2$", 2016)
        maps.overview_map(proposal, 2016)
    assert draw_idle.call_count == 0
    texts = ax.get_legend().get_texts()
    assert texts[0].get_text() == "Oslo $x^2$: kommuner" and not texts[0].get_parse_math()
    assert matplotlib.rcParams["text.parse_math"] is True
    assert "draw_idle" not in vars(ax.figure.canvas)


def test_zoom_buttons_named_through_leaflets_public_api():
    from regionanalyse.config import LEAFLET_DIR
    from regionanalyse.present.interactive import _MAP_SCRIPT

    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    assert "Leaflet 1.9.4" in js and "1.9.4" in (LEAFLET_DIR / "README.md").read_text(encoding="utf-8")
    # the public API used: L.control.zoom(options) with zoomInTitle/zoomOutTitle, the map option zoomControl
    assert re.search(r"\.zoom=function\(t\)\{return new \w+\(t\)\}", js)
    assert 'zoomInTitle:"Zoom in"' in js and 'zoomOutTitle:"Zoom out"' in js
    assert "mergeOptions({zoomControl:!0})" in js
    assert 'zoomControl: false' in _MAP_SCRIPT
    assert 'L.control.zoom({zoomInTitle: "Zoom inn", zoomOutTitle: "Zoom ut"})' in _MAP_SCRIPT
    # the editor likewise (tests/test_editor_browser.py reads the names in Chromium), and it
    # ships Leaflet as it is: no string of the library is replaced
    from regionanalyse.present.editor import widget

    editor_js = (widget.HERE / "editor.js").read_text(encoding="utf-8")
    assert "zoomControl: false" in editor_js
    assert 'L.control.zoom({ zoomInTitle: "Zoom inn", zoomOutTitle: "Zoom ut" })' in editor_js
    assert js in widget.esm_source()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_patched_libraries_have_upper_bounds_the_lock_meets():
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import lock
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    pins = lock.locked_versions((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    project = _project()
    deps = [Requirement(d) for d in project["dependencies"] + project["optional-dependencies"]["test"]]
    for dep in deps:
        name = canonicalize_name(dep.name)
        assert name in pins, f"{dep.name} is not in requirements.lock"
        assert dep.specifier.contains(pins[name]), f"{dep.name}=={pins[name]} does not meet {dep}"
    bounded = {canonicalize_name(d.name) for d in deps if any(s.operator == "<" for s in d.specifier)}
    assert set(PATCHED) <= bounded
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == lock.environment_yml(), \
        "environment.yml is not what scripts/lock.py --environment writes from the lock"
    assert re.search(r"^  - weasyprint==", lock.environment_yml(), re.M)


def test_a_library_build_leaves_logging_alone(tmp_path, monkeypatch):
    """Only the command line sets up logging (stderr and build.log); build() called from
    Python leaves the caller's logging as it was."""
    import logging

    from regionanalyse.pipeline import build
    from regionanalyse.pipeline.settings import resolve

    monkeypatch.setattr(build, "build_proposal", lambda *args, **kwargs: True)
    logger = logging.getLogger("regionanalyse")
    before = (list(logger.handlers), logger.level, logging.raiseExceptions)
    assert build.build(resolve(proposals=("nav-2016-11",), out=tmp_path / "ut", jobs=1,
                               config_path=tmp_path / "ingen.toml"))
    assert (list(logger.handlers), logger.level, logging.raiseExceptions) == before
    assert not (tmp_path / "ut" / "build.log").exists()


@pytest.mark.parametrize("name", PATCHED)
def test_patched_library_is_installed_at_the_locked_version(name):
    from importlib import metadata

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import lock
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    pins = lock.locked_versions((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    assert metadata.version(name) == pins[name]
