import contextlib
import inspect
import io
import logging
import os
import re
import subprocess
import sys
import traceback
from pathlib import Path

import pytest

# Nothing is written into the checkout: the tests' processed-data cache lives in the user's
# cache (set before regionanalyse.config is imported; subprocesses inherit it).
os.environ.setdefault("REGIONANALYSE_PROCESSED", str(
    Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "regionanalyse" / "tests"))

ROOT = Path(__file__).resolve().parents[1]
# Tests read the shipped snapshot, never a data set refreshed into the user's data folder.
os.environ["REGIONANALYSE_DATA"] = str(ROOT / "tests" / ".no-user-data")
FIXTURES = Path(__file__).with_name("fixtures")


def run_cli(*args, env=None):
    """Run the console script as a user would; return CompletedProcess."""
    return subprocess.run([sys.executable, "-m", "regionanalyse.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env)


# Read once, when regionanalyse.config is imported: a test that sets one runs the CLI in a process.
IMPORT_TIME_ENV = {"REGIONANALYSE_HOME", "REGIONANALYSE_DATA", "REGIONANALYSE_RAW",
                   "REGIONANALYSE_PROCESSED", "REGIONANALYSE_NOTEBOOKS", "REGIONANALYSE_AXE_SCRIPT",
                   "REGIONANALYSE_HTTP_TIMEOUT", "XDG_CACHE_HOME", "XDG_DATA_HOME"}


def cli_main(*args, cwd=None, env=None) -> subprocess.CompletedProcess:
    """`regionanalyse.cli.main(args)` in this process, read as `run_cli` reads a process: exit
    code, stdout, stderr (warnings logged without a handler included, an uncaught exception as a
    traceback with exit 1). The working directory, environment and logging are restored. For
    kills, signals, a lock held by another process, a case that could hang or crash the
    interpreter, and settings read at import (IMPORT_TIME_ENV), use `run_cli`."""
    from regionanalyse.cli import main

    if set(env or ()) & IMPORT_TIME_ENV:
        raise ValueError(f"{sorted(set(env) & IMPORT_TIME_ENV)} are read at import: use run_cli")
    args = [str(a) for a in args]
    out, err = io.StringIO(), io.StringIO()
    with _restored_state():
        os.chdir(cwd or ROOT)
        os.environ.update(env or {})
        fallback = logging.StreamHandler(err)  # what logging's last resort prints in a process
        fallback.setLevel(logging.WARNING)
        logging.getLogger().addHandler(fallback)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(args)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) or exc.code is None else 1
                if not isinstance(exc.code, int) and exc.code is not None:
                    print(exc.code, file=sys.stderr)
            except Exception:  # noqa: BLE001 - a process would print it and exit 1
                traceback.print_exc()
                code = 1
    return subprocess.CompletedProcess(["regionanalyse", *args], code or 0, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _restored_state():
    """Put back what a command may change in the process: cwd, os.environ, logging."""
    cwd, environ = os.getcwd(), dict(os.environ)
    loggers = {name: logging.getLogger(name) for name in ("", "regionanalyse")}
    saved = {name: (list(lg.handlers), lg.level, lg.propagate) for name, lg in loggers.items()}
    raise_exceptions = logging.raiseExceptions
    try:
        yield
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(environ)
        for name, lg in loggers.items():
            handlers, level, propagate = saved[name]
            for handler in [h for h in lg.handlers if h not in handlers]:
                lg.removeHandler(handler)
                handler.close()
            lg.handlers[:] = handlers
            lg.setLevel(level)
            lg.propagate = propagate
        logging.raiseExceptions = raise_exceptions


def assert_painted(png: Path, min_colours: int = 16, min_ink: float = 0.01) -> None:
    """`png` shows something: at least `min_colours` colours, and at least `min_ink` of its
    pixels differ from the most common (background) colour. A blank or one-colour page fails."""
    from PIL import Image

    with Image.open(png) as image:
        rgb = image.convert("RGB")
    colours = rgb.getcolors(maxcolors=rgb.width * rgb.height)
    background = max(count for count, _ in colours)
    ink = 1 - background / (rgb.width * rgb.height)
    assert len(colours) >= min_colours and ink >= min_ink, \
        f"{png.name}: {len(colours)} colours, {ink:.1%} of the pixels off the background"


def nav_cut(pid: str, name: str, region: str, members: list[str], rest: str = "Resten",
            seat: str | None = None):
    """nav-2016-11 cut to two regions, so an end-to-end build stays quick: `region` made of
    `members`, and every other member of nav-2016-11 as `rest`."""
    from regionanalyse.model import from_dict, load

    others = [c for r in load("nav-2016-11").regions for c in r.members if c not in members]
    first = {"name": region, "members": list(members), **({"seat": seat} if seat else {})}
    return from_dict({"id": pid, "name": name, "vintage": 2016, "source": "test",
                      "regions": [first, {"name": rest, "members": others}]}, f"{pid}.yaml")


def build_once(tmp_path_factory, proposal, jobs: int) -> Path:
    """Build `proposal` for 2016 as HTML and PDF into a new folder; return its output folder."""
    from regionanalyse.pipeline.build import build_proposal

    out = tmp_path_factory.mktemp("reports")
    assert build_proposal(proposal, 2016, ("html", "pdf"), out, jobs=jobs)
    return out / proposal.id


def _shared_root(tmp_path_factory) -> Path:
    """The session's temporary folder all xdist workers share (their own ones are inside it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def nav_enumerated(tmp_path_factory):
    """`nav_enumerated(tolerance)` → (Ensemble, folder): `alternatives` for nav-2016-11 in 2016
    with that tolerance (None: the default rule) and otherwise its defaults (every fylke plan
    counted, and the sweep; up to a minute), run once per test session and written to the
    folder, which tests only read. Under xdist the first worker to ask runs it and the others
    read its pickle."""
    import pickle

    from filelock import FileLock

    from regionanalyse.ensemble.run import request_for, run, write
    from regionanalyse.model import load

    root = _shared_root(tmp_path_factory)

    def get(tolerance=None):
        name = f"nav-2016-11-enumerated-{tolerance or 'standard'}"
        folder, stored = root / name, root / f"{name}.pickle"
        with FileLock(str(root / f"{name}.lock")):
            if stored.exists():
                return pickle.loads(stored.read_bytes()), folder
            proposal = load("nav-2016-11")
            ens = run(proposal, request_for(proposal, 2016, tolerance=tolerance))
            write(ens, folder)
            stored.write_bytes(pickle.dumps(ens))
        return ens, folder

    return get


@pytest.fixture(scope="session")
def nav_alternatives(tmp_path_factory):
    """(CompletedProcess, folder) of the command line `regionanalyse alternatives nav-2016-11
    --year 2016 --to none` (the default rule, fylke units: every plan counted, and the sweep),
    run once per test session by `cli_main` in the process of the first test to ask; its folder
    is only read. Under xdist the other workers read the stored result."""
    import json

    from filelock import FileLock

    root = _shared_root(tmp_path_factory)
    folder, stored = root / "nav-2016-11-alternatives-cli", root / "nav-2016-11-alternatives-cli.json"
    with FileLock(str(root / "nav-2016-11-alternatives-cli.lock")):
        if not stored.exists():
            done = cli_main("alternatives", "nav-2016-11", "--year", "2016", "--to", "none",
                            "--out", folder)
            stored.write_text(json.dumps([done.args, done.returncode, done.stdout, done.stderr]),
                              encoding="utf-8")
        args, code, stdout, stderr = json.loads(stored.read_text(encoding="utf-8"))
    return subprocess.CompletedProcess(args, code, stdout, stderr), folder


@pytest.fixture
def write_yaml(tmp_path):
    def write(text: str, name: str = "forslag.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path
    return write


# Tests that start the command line (or another program) as a separate process are marked
# `cli`; `make test-fast` leaves them and the `slow` end-to-end builds out. `cli_main` runs the
# command line in the test's own process: not `cli`.
PROCESS_WORDS = ("run_cli(", "subprocess.run(", "subprocess.check_", "Popen(", "process=")


def _starts_a_process(function, seen: set) -> bool:
    """Whether `function`, or a function of its module that it calls by name, starts one."""
    seen.add(function)
    if any(word in inspect.getsource(function) for word in PROCESS_WORDS):
        return True
    called = (function.__globals__.get(name) for name in function.__code__.co_names)
    return any(_starts_a_process(f, seen) for f in called if inspect.isfunction(f)
               and f.__module__ == function.__module__ and f not in seen)


# Under `--dist loadgroup` (the Makefile's) a test module runs in one worker process, as with
# loadfile, so its module-scoped builds are made once. The modules of a group below run in the
# same process: they run `alternatives` for nav-2016-11 with fylke units, whose counted plans and
# their scores (the sweep's, kept per process) and the session's runs (nav_enumerated,
# nav_alternatives) are then computed once instead of once per worker.
XDIST_GROUPS = {"nav-2016-11-fylke-plans": ("test_alternatives", "test_tolerance", "test_enumerate",
                                            "test_sea_annex", "test_editor")}
_GROUP_OF = {module: group for group, modules in XDIST_GROUPS.items() for module in modules}
# The groups that take longest (a 2-worker run, December 2026), longest first: collected first,
# so that with --no-loadscope-reorder (the Makefile's) xdist hands them out first and the short
# ones fill in at the end, instead of a long module starting last and running alone.
LONGEST_FIRST = ("nav-2016-11-fylke-plans", "test_pipeline", "test_backcasting", "test_hostile",
                 "test_build", "test_safety_state", "test_dataupdate", "test_safety_writers",
                 "test_accessibility", "test_safety_processes", "test_inputs", "test_notebooks",
                 "test_render", "test_consistency", "test_editor_lab", "test_compare",
                 "test_editor_browser", "test_install")


def _group(item) -> str:
    module = item.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    return _GROUP_OF.get(module, module)


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the xdist_group marks
def pytest_collection_modifyitems(items):
    for item in items:
        function = getattr(item, "function", None)
        if function is not None and _starts_a_process(function, set()):
            item.add_marker(pytest.mark.cli)
        if not any(item.iter_markers("xdist_group")):
            item.add_marker(pytest.mark.xdist_group(_group(item)))
    rank = {group: i for i, group in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(_group(item), len(rank)))  # stable: a module stays whole


# --------------------------------------------------------------------------------------------
# Nothing written into the checkout: `git status` of each test module's start and end agree
# (the virtualenv, bytecode, the browser tools' node_modules and egg-info are left out)
# --------------------------------------------------------------------------------------------
_NOT_OURS = re.compile(r"(^|/)(\.venv|__pycache__|node_modules|[^/]*\.egg-info)(/|$)")


def _checkout_state(root: Path = ROOT) -> set[str] | None:
    try:
        done = subprocess.run(["git", "status", "--porcelain", "--ignored", "--untracked-files=all"],
                              cwd=root, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:  # not a git checkout (an unpacked sdist): nothing to compare
        return None
    return {line for line in done.stdout.splitlines() if not _NOT_OURS.search(line[3:])}


@pytest.fixture(scope="module", autouse=True)
def checkout_untouched(request):
    before = _checkout_state()
    yield
    after = _checkout_state()
    if before is not None and after is not None and after != before:
        pytest.fail(f"{request.node.name} (or a test run beside it) changed the checkout: "
                    f"{sorted(after ^ before)[:10]}", pytrace=False)
