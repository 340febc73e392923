"""The editor in a real JupyterLab (issue 18): JupyterLab started on a free local port, the
exploration notebook `utforsk` opened in headless Chromium and run down to its editor
(`ra.editor("nav-2016-11", year)`), Bærum clicked into Oslo; the panel's population for both
regions equals `table`'s, a hostile region name typed in stays text, and axe-core finds no
WCAG 2.1 A/AA violation in the widget. Needs the `lab` extra (`scripts/setup.sh test`, as
`make test`, installs it from requirements-lab.lock)."""
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

import regionanalyse as ra
from regionanalyse.present import fmt
from tests.conftest import assert_painted

BROWSER = Path(__file__).parent / "browser"
BIN = Path(sys.executable).parent
NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "utforsk.ipynb"
HOSTILE = '<img src=x onerror=alert(1)>{{ 7*7 }}'

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (BIN / "jupyter-lab").exists(), reason="needs JupyterLab (scripts/setup.sh test installs it)"),
    pytest.mark.skipif(not shutil.which("node") or not (BROWSER / "node_modules").exists()
                       or not Path("/usr/bin/chromium").exists(),
                       reason="needs node, tests/browser/node_modules and chromium"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.metadata.pop("jupytext", None)  # the copy is not paired with a .py file
    nbformat.write(nb, root / "utforsk.ipynb")
    # no «get notified about news?» toast over the widget
    settings = root / ".settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}', encoding="utf-8")
    port, token = free_port(), secrets.token_hex(16)
    args = [str(BIN / "jupyter-lab"), "--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
            f"--LabApp.workspaces_dir={root / '.ws'}", f"--LabApp.user_settings_dir={root / '.settings'}",
            "--LabApp.news_url=None"]
    if os.geteuid() == 0:
        args.append("--allow-root")
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen(args, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail(f"JupyterLab did not start: {(root / 'lab.log').read_text()[-2000:]}")
                time.sleep(1)
        yield f"http://127.0.0.1:{port}/lab/tree/utforsk.ipynb?token={token}", root
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="module")
def clicked(lab):
    url, root = lab
    result = subprocess.run(["node", str(BROWSER / "editor_lab.mjs"), url, str(root / "editor.png")],
                            capture_output=True, text=True, timeout=600,
                            env={**os.environ, "HOSTILE_NAME": HOSTILE})
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout), root


def test_a_click_in_jupyterlab_changes_the_panel_to_the_figures_of_table(clicked):
    out, root = clicked
    p = ra.proposal("nav-2016-11")
    for rows, q in [(out["before"], p), (out["afterClick"], p.move("0219", to="Oslo"))]:
        table = q.figures(2016).set_index("region")
        for region in ("Oslo", "Østfold og Akershus"):
            assert rows[region][0] == fmt.number(int(table.loc[region, "folkemengde"]))
    assert_painted(root / "editor.png", min_ink=0.05)  # the widget in the notebook, not blank


def test_axe_finds_no_violation_in_the_widget_in_jupyterlab(clicked):
    out, _ = clicked
    assert out["violations"] == []


def test_a_hostile_region_name_typed_in_jupyterlab_stays_text(clicked):
    out, _ = clicked
    assert out["regionLabels"][-1] == HOSTILE
    assert out["payloadElements"] == [] and out["dialogs"] == []
