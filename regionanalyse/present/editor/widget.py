"""The editor as a notebook widget (anywidget: JupyterLab, VS Code, Voilà), Leaflet served
from the package (no CDN). `regionanalyse.editor(proposal, year)` returns one."""
from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from ...config import DEFAULT_YEAR, LEAFLET_DIR
from ...errors import RegionanalyseError
from ...model import Proposal
from .model import EditorModel
from .view import Colors, map_data, panel_data, state_data

HERE = Path(__file__).parent


def esm_source() -> str:
    """The widget's ES module: the vendored Leaflet (as a local `L`) and editor.js."""
    leaflet = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    leaflet = leaflet.replace('zoomInTitle:"Zoom in"', 'zoomInTitle:"Zoom inn"').replace(
        'zoomOutTitle:"Zoom out"', 'zoomOutTitle:"Zoom ut"')
    wrapped = ("const L = (function () { const exports = {}; const module = { exports };\n"
               f"{leaflet}\nreturn module.exports && module.exports.map ? module.exports : exports; }})();\n")
    return wrapped + (HERE / "editor.js").read_text(encoding="utf-8")


def css_source() -> str:
    """Leaflet's styles (without its image URLs: nothing is fetched) and the editor's."""
    leaflet = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")
    leaflet = re.sub(r"background-image:\s*url\([^)]*\);?", "", leaflet)
    return leaflet + (HERE / "editor.css").read_text(encoding="utf-8")


class Session:
    """The page's messages applied to an EditorModel; state and panel as JSON after each.
    `notify` is called when work started in the background (the alternatives) has finished."""

    def __init__(self, model: EditorModel, notify=None):
        self.model = model
        self.colors = Colors(model)
        self.active = 0
        self.message = ""
        self.last_ms = 0.0
        self.notify = notify or (lambda: None)
        self.background: threading.Thread | None = None
        self._lock = threading.RLock()

    def map(self) -> dict:
        return map_data(self.model.basis, self.model.units)

    def state(self) -> dict:
        busy = self.background is not None and self.background.is_alive()
        return state_data(self.model, self.colors, self.active, self.message, busy)

    def panel(self) -> dict:
        return panel_data(self.model.panel, self.model.year, self.model.shares,
                          self.model.alternatives, self.model.unlike)

    def handle(self, msg: dict) -> None:
        """Apply one message from the page: {op: assign|activate|add|rename|remove|seat|undo|redo|
        ensemble, …}. A refused edit (a name already used, …) leaves the drawing as it was and
        says why."""
        with self._lock:
            self._handle(msg)

    def alternatives(self) -> None:
        """Generate the alternatives for the drawing as it is now (`regionanalyse alternatives`'
        defaults: same K, the default tolerance rule) in a background thread; the
        percentiles then follow every edit."""
        if self.background is not None and self.background.is_alive():
            self.message = "Alternativene regnes allerede ut"
            return
        proposal, year = self.model.proposal, self.model.year

        def work():
            from ...ensemble.run import request_for, run

            try:
                ensemble = run(proposal, request_for(proposal, year))
                with self._lock:
                    self.model.use_ensemble(ensemble)
                    self.message = (f"Alternativer beregnet: {len(ensemble.scores)} planer med "
                                    f"{ensemble.request.regions} regioner")
            except RegionanalyseError as exc:
                with self._lock:
                    self.message = "Feil: " + "; ".join(getattr(exc, "messages", [str(exc)]))
            self.notify()

        self.background = threading.Thread(target=work, name="regionanalyse-alternativer", daemon=True)
        self.background.start()
        self.message = "Regner ut alternativer i bakgrunnen …"

    def _handle(self, msg: dict) -> None:
        ed = self.model
        t0 = time.perf_counter()
        op = msg.get("op") if isinstance(msg, dict) else None
        text = lambda key: msg.get(key) if isinstance(msg.get(key), str) else None  # noqa: E731
        self.message = ""
        try:
            if op == "assign":
                codes = msg.get("codes")
                codes = [c for c in codes if isinstance(c, str)] if isinstance(codes, list) else []
                ed.assign_many(codes, text("region") or "")
                n = len({ed.basis.fylke[ed.basis.index[c]] for c in codes}) if ed.units == "fylke" else len(codes)
                word = ("fylke" if n == 1 else "fylker") if ed.units == "fylke" else ("kommune" if n == 1 else "kommuner")
                self.message = f"{n} {word} lagt i {text('region')}"
            elif op == "activate" and isinstance(msg.get("index"), int):
                self.active = msg["index"]
            elif op == "add":
                ed.add_region(text("name") or "")
                self.active = len(ed.regions) - 1
                self.message = f"Region lagt til: {ed.regions[-1]}"
            elif op == "rename":
                ed.rename(text("old") or "", text("name") or "")
                self.message = f"Omdøpt til {text('name').strip()}"
            elif op == "remove":
                ed.remove_region(text("name") or "", text("to"))
                self.active = 0
                self.message = f"Region fjernet: {text('name')}"
            elif op == "seat":
                ed.set_seat(text("region") or "", text("seat"))
                self.message = "Sete satt" if text("seat") else "Sete fjernet"
            elif op == "undo":
                ed.undo()
                self.message = "Angret"
            elif op == "redo":
                ed.redo()
                self.message = "Gjort om"
            elif op == "ensemble":
                self.alternatives()
        except RegionanalyseError as exc:
            self.message = "Feil: " + "; ".join(getattr(exc, "messages", [str(exc)]))
        self.last_ms = 1000 * (time.perf_counter() - t0)


def editor(proposal: Proposal, year: int = DEFAULT_YEAR, wrap=None, units: str = "kommune"):
    """The editor widget on `proposal` counted in `year` (needs the `lab` extra: anywidget):
    `units="fylke"` paints whole fylker. `wrap` turns the drawing into the caller's Proposal
    class (the API's, with figures())."""
    wrap = wrap or (lambda p: p)
    try:
        import anywidget
        import traitlets
    except ImportError:
        raise RegionanalyseError("editoren trenger anywidget: installer med `make lab` eller "
                                 "`pip install -e '.[lab]'`") from None

    class Editor(anywidget.AnyWidget):
        """Draw a proposal on the map; `proposal`, `save(path)`, and the edits of EditorModel."""

        _esm = esm_source()
        _css = css_source()
        mapdata = traitlets.Dict().tag(sync=True)
        state = traitlets.Dict().tag(sync=True)
        panel = traitlets.Dict().tag(sync=True)

        def __init__(self, model: EditorModel):
            self.session = Session(model, notify=lambda: self._sync())
            super().__init__(mapdata=self.session.map(), state=self.session.state(),
                             panel=self.session.panel())
            self.on_msg(lambda _widget, msg, _buffers: self._apply(msg))

        def _apply(self, msg: dict) -> None:
            self.session.handle(msg)
            self._sync()

        def _sync(self) -> None:
            self.state = self.session.state()
            self.panel = self.session.panel()

        @property
        def model(self) -> EditorModel:
            return self.session.model

        @property
        def proposal(self) -> Proposal:
            return wrap(self.model.proposal)

        def save(self, path, id: str | None = None, name: str | None = None) -> Proposal:
            return wrap(self.model.save(path, id=id, name=name))

        def __getattr__(self, name):
            # the edits of EditorModel (assign, add_region, …, undo), the page redrawn after each
            if name in ("assign", "assign_many", "add_region", "rename", "remove_region", "set_seat",
                        "undo", "redo", "use_ensemble"):
                method = getattr(self.session.model, name)

                def edit(*args, **kwargs):
                    method(*args, **kwargs)
                    self._sync()
                    return self
                return edit
            raise AttributeError(name)

    return Editor(EditorModel(proposal, year, units))
