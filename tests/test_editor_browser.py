"""The editor widget in headless Chromium (issue 18): its page (editor.js with the vendored
Leaflet) on a stand-in for the notebook's widget model whose messages reach the editor's real
Python session over HTTP on a free local port. A kommune clicked into another region and one
moved with the keyboard change the panel to the figures of `table`; axe-core finds no WCAG 2.1
A/AA violation; a hostile region name typed in stays text. JupyterLab itself is not started
here (see the README: what was checked by hand)."""
import json
import shutil
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import regionanalyse as ra
from regionanalyse.present import fmt
from regionanalyse.present.editor import EditorModel
from regionanalyse.present.editor.widget import Session, css_source, esm_source
from tests.conftest import assert_painted

BROWSER = Path(__file__).parent / "browser"
HOSTILE = '<img src=x onerror=alert(1)>{{ 7*7 }}'

pytestmark = pytest.mark.skipif(
    not shutil.which("node") or not (BROWSER / "node_modules").exists() or not Path("/usr/bin/chromium").exists(),
    reason="needs node, tests/browser/node_modules (scripts/setup.sh test) and chromium")


def page_html() -> str:
    """The widget on a page, with a model that sends each edit to /msg and applies the answer."""
    esm = json.dumps(esm_source()).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"""<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>Regioneditor</title><style>{css_source()}</style></head>
<body><main><h1>Regioneditor</h1><div id="widget"></div></main>
<script type="application/json" id="esm">{esm}</script>
<script type="module">
const values = await (await fetch("/init")).json();
const handlers = {{}};
const model = {{
  get: (k) => values[k], set: (k, v) => {{ values[k] = v; }}, save_changes: () => {{}}, off: () => {{}},
  on: (ev, fn) => {{ (handlers[ev] = handlers[ev] || []).push(fn); }},
  send: async (msg) => {{
    const r = await (await fetch("/msg", {{ method: "POST", body: JSON.stringify(msg) }})).json();
    for (const k of ["state", "panel"]) {{ values[k] = r[k]; (handlers["change:" + k] || []).forEach((f) => f()); }}
  }},
}};
const src = JSON.parse(document.getElementById("esm").textContent);
const mod = await import(URL.createObjectURL(new Blob([src], {{ type: "text/javascript" }})));
mod.default.render({{ model, el: document.getElementById("widget") }});
</script></body></html>"""


def serve(session: Session):
    html = page_html().encode("utf-8")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _send(self, body: bytes, kind: str):
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            if self.path == "/init":
                body = {"mapdata": session.map(), "state": session.state(), "panel": session.panel()}
                return self._send(json.dumps(body).encode(), "application/json")
            return self._send(html, "text/html; charset=utf-8")

        def do_POST(self):
            msg = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            session.handle(msg)
            self._send(json.dumps({"state": session.state(), "panel": session.panel()}).encode(),
                       "application/json")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def driven(tmp_path_factory):
    session = Session(EditorModel(ra.proposal("nav-2016-11"), 2016))
    server = serve(session)
    shot = tmp_path_factory.mktemp("editor") / "editor.png"
    try:
        result = subprocess.run(["node", str(BROWSER / "editor.mjs"), f"http://127.0.0.1:{server.server_port}/",
                                 str(shot)], capture_output=True, text=True, timeout=300,
                                env={**__import__("os").environ, "HOSTILE_NAME": HOSTILE})
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), session, shot


def population(table, region):
    return fmt.number(int(table.set_index("region").loc[region, "folkemengde"]))


def test_a_click_and_the_keyboard_change_the_panel_to_the_figures_of_table(driven):
    out, session, shot = driven
    p = ra.proposal("nav-2016-11")
    clicked = p.move("0219", to="Oslo").move("1902", to="Nordland").move("1931", to="Nordland")
    keyed = clicked.move("0220", to="Oslo")
    for rows, q in [(out["before"], p), (out["afterClick"], clicked), (out["afterKeyboard"], keyed)]:
        table = q.figures(2016)
        for region in ("Oslo", "Østfold og Akershus", "Nordland", "Finnmark og Troms"):
            assert rows[region][0] == population(table, region)
    assert out["afterClick"]["Oslo"][2] == "2"       # kommuner: Oslo and Bærum
    # the open tooltip follows the click (it named the old region until the pointer moved)
    assert out["tooltipBefore"] == "BærumØstfold og Akershus" and out["tooltipAfter"] == "BærumOslo"
    assert out["keyboardButton"] == "Flytt"
    assert session.model.region_of("1902") == "Nordland"
    for _ in range(3):   # the new region, the keyboard move, the painted stroke (one step)
        session.handle({"op": "undo"})
    assert session.model.region_of("1902") == session.model.region_of("1931") == "Finnmark og Troms"
    assert session.model.region_of("0219") == "Oslo"
    for _ in range(3):
        session.handle({"op": "redo"})
    assert out["repaintMs"] < 200
    assert_painted(shot, min_ink=0.05)  # the map and the panel, not a blank page


def test_axe_finds_no_violation_in_the_widget(driven):
    out, _, _ = driven
    assert out["violations"] == []


def test_the_zoom_buttons_have_norwegian_names(driven):
    """Named through Leaflet's public API (L.control.zoom options in editor.js), not by
    editing the vendored Leaflet."""
    out, _, _ = driven
    assert out["zoomButtons"] == [["Zoom inn", "Zoom inn", "+"], ["Zoom ut", "Zoom ut", "−"]]


def test_a_hostile_region_name_stays_text(driven):
    out, session, _ = driven
    assert out["regionLabels"][-1] == HOSTILE
    assert session.model.regions[-1] == HOSTILE
    assert out["payloadElements"] == [] and out["dialogs"] == []
    assert any(w.startswith(f"region «{HOSTILE}» er tom") for w in out["warnings"])
    assert out["flags"][-1] == "– tom"   # the warning also where it arises, in the region list


def test_by_fylker_a_click_paints_the_whole_fylke():
    """units="fylke": 19 fylke shapes; a click on the one holding Bærum puts all of Akershus
    in Oslo (the panel as `table` of p.move("02")); the keyboard form offers the 19 fylker
    only; axe-core finds no violation."""
    p = ra.proposal("nav-2016-11")
    server = serve(Session(EditorModel(p, 2016, units="fylke")))
    try:
        result = subprocess.run(["node", str(BROWSER / "editor_fylke.mjs"), f"http://127.0.0.1:{server.server_port}/"],
                                capture_output=True, text=True, timeout=300)
    finally:
        server.shutdown()
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["shapes"] == 19 and out["status"] == "1 fylke lagt i Oslo"
    for rows, q in [(out["before"], p), (out["afterClick"], p.move("02", to="Oslo"))]:
        table = q.figures(2016)
        for region in ("Oslo", "Østfold og Akershus"):
            assert rows[region][0] == population(table, region)
    assert out["moveLabel"] == "Fylke" and len(out["choices"]) == 19 and all(len(c) == 2 for c in out["choices"])
    assert out["violations"] == []
