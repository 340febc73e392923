"""Hostile input, black box: a proposal, data file, option or environment from anyone.

Every case runs the command line in a scratch working directory (its `main()` in this process,
`conftest.cli_main`; as a separate process, `python -m regionanalyse.cli`, where the case builds
for real or could hang or crash the interpreter) and checks: the documented exit code (1 invalid
input or environment, 3 an appendix failed, 4 locked, 130/143 interrupted), a message naming the
file/option and the fault, no traceback, a short message, nothing written outside --out (the whole
scratch tree is snapshotted), and an earlier report in --out byte-identical afterwards.

The `slow` part builds one small proposal whose names carry template, HTML, script, `javascript:`
links, formulas and mathtext, and checks that they reach PDF, HTML, CSV and XLSX verbatim and inert
(the HTML also in headless Chromium: tests/browser/hostile_dom.mjs), and that killed or interrupted
builds leave no process behind.
"""
from __future__ import annotations

import csv
import hashlib
import html.parser
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from proctable import alive as _alive, descendants as _descendants

from tests.conftest import cli_main

ROOT = Path(__file__).resolve().parents[1]
BROWSER_DIR = Path(__file__).with_name("browser")
FYLKER_2016 = ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12", "14", "15",
               "16", "17", "18", "19", "20"]
NORTH, SOUTH = ["20", "19"], [f for f in FYLKER_2016 if f not in ("20", "19")]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------------------------
# Running the command line and checking what it left behind
# --------------------------------------------------------------------------------------------
def cli(cwd: Path, *args, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m regionanalyse.cli ARGS` in `cwd` in its own process group; kill it all on timeout."""
    cmd = [sys.executable, "-m", "regionanalyse.cli", *map(str, args)]
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, **(env or {})})
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        pytest.fail(f"{' '.join(map(str, args))[:200]} ran more than {timeout} s; "
                    f"stderr tail: {err.decode('utf-8', 'replace')[-500:]}")
    return subprocess.CompletedProcess(cmd, proc.returncode, out.decode("utf-8", "replace"),
                                       err.decode("utf-8", "replace"))


def snapshot(root: Path, skip: tuple[Path, ...] = ()) -> dict[str, tuple]:
    """Every path under root (not following symlinks, not opening FIFOs) with type, mode and content hash."""
    result = {}
    skip = tuple(p.resolve() if p.exists() else p for p in skip)

    def walk(folder: Path):
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (PermissionError, NotADirectoryError):
            return
        for entry in entries:
            path = Path(entry.path)
            if any(path == s for s in skip):
                continue
            st = os.lstat(path)
            rel = str(path.relative_to(root))
            if stat.S_ISLNK(st.st_mode):
                result[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                result[rel] = ("dir", stat.S_IMODE(st.st_mode))
                walk(path)
            elif stat.S_ISREG(st.st_mode):
                result[rel] = ("file", stat.S_IMODE(st.st_mode),
                               hashlib.sha256(path.read_bytes()).hexdigest())
            else:
                result[rel] = ("other", stat.S_IFMT(st.st_mode))

    walk(root)
    return result


EARLIER = {"manifest.json": b'{"vedlegg-01-tidligere": {"inputs": "x"}}',
           "vedlegg-01-tidligere.html": "<html><body>Tidligere rapport æøå</body></html>".encode(),
           "vedlegg-01-tidligere.pdf": b"%PDF-1.4 not a real pdf, only bytes to compare\n"}


@dataclass
class Box:
    """A scratch working directory `cwd` with an output folder `out` holding an earlier report,
    and a sentinel folder beside it that nothing may touch."""

    root: Path

    @property
    def cwd(self) -> Path:
        return self.root / "work"

    @property
    def out(self) -> Path:
        return self.cwd / "out"

    @property
    def sentinel(self) -> Path:
        return self.root / "sentinel"

    def setup(self) -> "Box":
        self.cwd.mkdir(parents=True, exist_ok=True)
        self.sentinel.mkdir(exist_ok=True)
        (self.sentinel / "keep.txt").write_text("må ikke endres\n", encoding="utf-8")
        earlier = self.out / "tidligere"
        earlier.mkdir(parents=True, exist_ok=True)
        for name, data in EARLIER.items():
            (earlier / name).write_bytes(data)
        return self

    def write(self, name: str, text: str | bytes) -> Path:
        path = self.cwd / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def earlier_intact(self) -> None:
        for name, data in EARLIER.items():
            path = self.out / "tidligere" / name
            assert path.read_bytes() == data, f"earlier report {path} changed"

    def run(self, *args, code: int, words: tuple[str, ...] = (), timeout: float = 60,
            max_stderr: int = 3000, out: Path | None = None, env: dict | None = None,
            process: bool = False) -> subprocess.CompletedProcess:
        """Run the CLI (in this process, or with `process` in its own with `timeout`); check
        exit code, words in stderr (case-insensitive), no traceback, a short message, nothing
        changed outside `out` (default self.out), earlier report intact."""
        out = self.out if out is None else out
        before = snapshot(self.root, skip=(out,))
        result = (cli(self.cwd, *args, timeout=timeout, env=env) if process
                  else cli_main(*args, cwd=self.cwd, env=env))
        after = snapshot(self.root, skip=(out,))
        shown = f"exit {result.returncode}\nstderr: {result.stderr[-1500:]}"
        assert "Traceback" not in result.stderr, shown
        assert result.returncode == code, shown
        for word in words:
            assert word.casefold() in result.stderr.casefold(), f"{word!r} not in message\n{shown}"
        assert len(result.stderr) <= max_stderr, f"message of {len(result.stderr)} chars\n{shown[:600]}"
        changed = sorted(set(before.items()) ^ set(after.items()))
        assert not changed, f"written outside --out: {changed[:5]}"
        if self.out.exists():
            self.earlier_intact()
        return result


@pytest.fixture
def box(tmp_path) -> Box:
    return Box(tmp_path).setup()


def proposal(**changes) -> dict:
    """A valid two-region proposal of 2016 codes, with changes (a key set to None is removed)."""
    data = {"id": "h8-test", "name": "Testforslag", "vintage": 2016, "source": "test",
            "regions": [{"name": "Nord", "members": list(NORTH)},
                        {"name": "Sør", "members": list(SOUTH)}]}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def as_yaml(data) -> str:
    """JSON is YAML: every string double-quoted with escapes, so control and format characters survive."""
    return json.dumps(data, ensure_ascii=True, indent=1)


def two_regions(name_a: str, name_b: str, **changes) -> dict:
    return proposal(regions=[{"name": name_a, "members": list(NORTH)},
                             {"name": name_b, "members": list(SOUTH)}], **changes)


# --------------------------------------------------------------------------------------------
# 1. Proposal files: validate (and build, where the fault is about where files go)
# --------------------------------------------------------------------------------------------
LONG = "x" * 300
BAD_PROPOSALS = {
    # id: path safety
    "id-etc": (proposal(id="/etc"), ("id", "/etc")),
    "id-dotdot": (proposal(id=".."), ("id", "..")),
    "id-dotdot-x": (proposal(id="../x"), ("id", "../x")),
    "id-slash": (proposal(id="a/b"), ("id", "a/b")),
    "id-hidden": (proposal(id=".skjult"), ("id",)),
    "id-empty": (proposal(id=""), ("id",)),
    "id-300": (proposal(id="a" * 300), ("id",)),
    "id-upper-space": (proposal(id="Mitt forslag"), ("id",)),
    "id-list": (proposal(id=["a"]), ("id",)),
    "id-null-byte": (proposal(id="a\x00b"), ("id",)),
    # types
    "name-list": (proposal(name=["a", "b"]), ("name",)),
    "vintage-fraction": (proposal(vintage=2016.9), ("vintage", "2016.9")),
    "vintage-bool": (proposal(vintage=True), ("vintage",)),
    "source-dict": (proposal(source={"a": 1}), ("source",)),
    "note-list": (proposal(note=["a"]), ("note",)),
    "regions-dict": (proposal(regions={"Nord": ["20"]}), ("regions",)),
    "region-name-list": (two_regions("Nord", "Sør") | {"regions": [
        {"name": ["Nord"], "members": NORTH}, {"name": "Sør", "members": SOUTH}]}, ("name",)),
    "members-dict-item": (proposal(regions=[{"name": "Nord", "members": [{"a": 1}, "19"]},
                                            {"name": "Sør", "members": SOUTH + ["20"]}]), ("Nord",)),
    "member-float": (proposal(regions=[{"name": "Nord", "members": [20.5, "19"]},
                                       {"name": "Sør", "members": SOUTH + ["20"]}]), ("Nord", "20.5")),
    "seat-list": (proposal(regions=[{"name": "Nord", "members": NORTH, "seat": ["Tromsø"]},
                                    {"name": "Sør", "members": SOUTH}]), ("seat",)),
    # unknown keys
    "unknown-top-key": (proposal(regionz=[]), ("regionz",)),
    "unknown-region-key": (proposal(regions=[{"name": "Nord", "members": NORTH, "memebers": ["01"]},
                                             {"name": "Sør", "members": SOUTH}]), ("memebers",)),
    # names as people read them
    "dup-case": (two_regions("Nord", "NORD"), ("NORD",)),
    "dup-nfc-nfd": (two_regions("\u00c5lesund", "A\u030alesund"), ("lesund",)),
    "dup-angstrom-sign": (two_regions("\u00c5sen", "\u212bsen"), ("sen",)),
    "dup-fullwidth": (two_regions("Nord", "\uff2e\uff4f\uff52\uff44"), ("Nord",)),
    "dup-zero-width": (two_regions("Nord", "No\u200brd"), ("Nord",)),
    "dup-soft-hyphen": (two_regions("Nordland", "Nord\u00adland"), ("Nordland",)),
    "name-500": (two_regions("N" * 500, "Sør"), ("120",)),
    "name-control-bell": (two_regions("Nord\x07", "Sør"), ("Nord",)),
    "name-newline": (two_regions("Nord\nSør", "Sør"), ("Nord",)),
    "name-escape-seq": (two_regions("Nord\x1b[31m", "Sør"), ("Nord",)),
    "name-empty": (two_regions("", "Sør"), ("name",)),
    "proposal-name-control": (proposal(name="Forslag\x08\x08"), ("name",)),
    # names that display as other text (issue 22)
    "name-bidi-rlo": (two_regions("Nord\u202eSør", "Sør"), ("\\u202e", "skriveretningen")),
    "name-bidi-isolate": (two_regions("N\u2066ord\u2069", "Sør"), ("\\u2066", "skriveretningen")),
    "name-bidi-lrm": (two_regions("Nord\u200e", "Sør"), ("skriveretningen",)),
    "proposal-name-bidi": (proposal(name="Forslag \u202egalf"), ("name", "skriveretningen")),
    "source-bidi": (proposal(source="kilde \u2067x\u2069"), ("source", "skriveretningen")),
    "name-noncharacter": (two_regions("Nord\uffff", "Sør"), ("\\uffff",)),
    "name-noncharacter-fdd0": (two_regions("Nord\ufdd0", "Sør"), ("\\ufdd0",)),
    "name-zero-width-joiner": (two_regions("No\u200drd", "Sør"), ("\\u200d", "usynlige")),
    "name-leading-tab": (two_regions("\tNord", "Sør"), ("\\u0009", "mellomrom")),
    "name-leading-space": (two_regions(" =Nord", "Sør"), ("=Nord", "mellomrom")),
    "name-trailing-space": (two_regions("Nord ", "Sør"), ("Nord", "mellomrom")),
    "proposal-name-trailing-tab": (proposal(name="Forslag\t"), ("name", "mellomrom")),
    # members
    "code-repeated": (proposal(regions=[{"name": "Nord", "members": NORTH + ["20"]},
                                        {"name": "Sør", "members": SOUTH}]), ("Nord", "20", "én gang")),
    "code-long-quoted-short": (proposal(regions=[{"name": "Nord", "members": NORTH + ["9" * 5000]},
                                                 {"name": "Sør", "members": SOUTH}]), ("Nord",)),
    "code-markup": (proposal(regions=[{"name": "Nord", "members": NORTH + ["<script>"]},
                                      {"name": "Sør", "members": SOUTH}]), ("<script>",)),
}


@pytest.mark.parametrize("case", sorted(BAD_PROPOSALS))
def test_validate_refuses_bad_proposal(box, case):
    data, words = BAD_PROPOSALS[case]
    path = box.write(f"{case}.yaml", as_yaml(data))
    result = box.run("validate", path.name, code=1, words=(path.name, *words))
    for line in result.stderr.splitlines():  # a message quotes at most ~80 chars of a value
        assert not re.search(r"(.)\1{100,}", line), line[:200]


@pytest.mark.parametrize("a,b", [("Sør", "So\u0338r"), ("Nord", "N\u043erd"),
                                 ("Oslo", "\u039fslo"), ("Romsdal", "Rornsdal"), ("Bodø", "Bod\u043e\u0338")])
def test_validate_warns_on_confusable_names(box, a, b):
    """Names that are different text but look alike (UTS #39 skeletons): valid, with a warning."""
    path = box.write("forveksling.yaml", as_yaml(two_regions(a, b)))
    result = box.run("validate", path.name, code=0, words=("advarsel", "forveksl"))
    assert b in result.stderr


def test_validate_does_not_warn_on_different_names(box):
    path = box.write("ulike.yaml", as_yaml(two_regions("Nord-Norge", "Sør-Norge")))
    result = box.run("validate", path.name, code=0)
    assert "advarsel" not in result.stderr


RAW_YAML = {
    "empty-file": ("", ()),
    "not-a-mapping": ("- a\n- b\n", ()),
    "python-tag": ("!!python/object/apply:os.system ['id']\n", ()),
    "syntax-error": ("id: [unclosed\nname: x\n", ("linje",)),
    "nul-bytes": ("id: a\x00\x00\n", ()),
}
# Strict YAML (issue 22): a repeated key, and numbers YAML 1.1 would silently change
_BODY = 'name: "T"\nvintage: 2016\nregions:\n  - name: "Nord"\n    members: ["20", "19"]\n' \
    '  - name: "Sør"\n    members: [%s]\n' % ", ".join(f'"{f}"' for f in SOUTH)
RAW_YAML |= {
    "dup-id": ('id: "a"\nid: "b"\n' + _BODY, ("id", "to ganger", "linje 1 og 2")),
    "dup-region-name": ('id: "a"\n' + _BODY.replace('name: "Nord"', 'name: "Nord"\n    name: "X"'),
                        ("name", "to ganger")),
    "members-octal": ('id: "a"\n' + _BODY.replace('["20", "19"]', '["20", "19", 0301]'),
                      ("members", "0301", "anførselstegn")),
    "member-hex": ('id: "a"\n' + _BODY.replace('["20", "19"]', '["20", "19", 0x3]'),
                   ("members", "0x3", "anførselstegn")),
    "member-int": ('id: "a"\n' + _BODY.replace('["20", "19"]', '["20", 19]'),
                   ("Nord", "19", "anførselstegn")),
    "vintage-underscore": ('id: "a"\n' + _BODY.replace("vintage: 2016", "vintage: 2_016"),
                           ("vintage", "2_016")),
    "vintage-sexagesimal": ('id: "a"\n' + _BODY.replace("vintage: 2016", "vintage: 33:36"),
                            ("vintage", "33:36")),
    "id-int": ("id: 17\n" + _BODY, ("id", "anførselstegn")),
    "seat-int": ('id: "a"\n' + _BODY.replace('members: ["20", "19"]',
                                             'seat: 5401\n    members: ["20", "19"]'),
                 ("seat", "5401", "anførselstegn")),
}


@pytest.mark.parametrize("case", sorted(RAW_YAML))
def test_validate_refuses_broken_yaml(box, case):
    text, words = RAW_YAML[case]
    path = box.write(f"{case}.yaml", text.encode("utf-8"))
    box.run("validate", path.name, code=1, words=(path.name, *words))


def test_latin1_proposal_file(box):
    path = box.write("latin1.yaml", as_yaml(two_regions("Tromsø", "Sør")).replace("\\u00f8", "ø")
                     .encode("latin-1"))
    box.run("validate", path.name, code=1, words=(path.name, "UTF-8"))


def test_yaml_alias_bomb_refused_fast(box):
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    lines.append("id: bomb\nname: *j\nvintage: 2016\nregions: []")
    path = box.write("bomb.yaml", "\n".join(lines) + "\n")
    start = time.monotonic()
    box.run("validate", path.name, code=1, words=(path.name,), timeout=20, max_stderr=600,
            process=True)  # a regression would fill the memory of the test process
    assert time.monotonic() - start < 5


def test_any_alias_refused(box):
    text = ('id: alias\nname: &n "Forslag"\nvintage: 2016\nsource: *n\nregions:\n'
            ' - {name: Nord, members: ["20", "19"]}\n'
            f' - {{name: Sør, members: {json.dumps(SOUTH)}}}\n')
    path = box.write("alias.yaml", text)
    box.run("validate", path.name, code=1, words=(path.name, "alias"))


def test_file_over_1mb_refused_fast(box):
    path = box.write("stor.yaml", as_yaml(proposal()) + "\n#" + "x" * 1_100_000 + "\n")
    start = time.monotonic()
    box.run("validate", path.name, code=1, words=(path.name, "MB"), max_stderr=600)
    assert time.monotonic() - start < 5


def test_two_million_codes_refused_fast(box):
    data = proposal(regions=[{"name": "Nord", "members": ["20"] * 2_000_000},
                             {"name": "Sør", "members": SOUTH + ["19"]}])
    path = box.write("mange.yaml", json.dumps(data, separators=(",", ":")))
    start = time.monotonic()
    box.run("validate", path.name, code=1, words=(path.name,), max_stderr=600)
    assert time.monotonic() - start < 5


def test_many_repeated_codes_linear(box):
    """190 000 repeats of one code (under 1 MB; codes are quoted text): reported as a repeat,
    fast, in a short message."""
    data = proposal(regions=[{"name": "Nord", "members": ["20"] * 190_000 + ["19"]},
                             {"name": "Sør", "members": SOUTH}])
    text = json.dumps(data, separators=(",", ":"))
    assert len(text) < 1_000_000
    path = box.write("gjentatt.yaml", text)
    start = time.monotonic()
    box.run("validate", path.name, code=1, words=(path.name, "Nord", "20", "én gang"),
            max_stderr=1500)
    assert time.monotonic() - start < 10


def test_deep_nesting_refused(box):
    path = box.write("dyp.yaml", "id: " + "[" * 100_000 + "]" * 100_000 + "\n")
    box.run("validate", path.name, code=1, words=(path.name,), max_stderr=600,
            process=True)  # a regression could overflow the interpreter's stack


def test_moderate_nesting_refused(box):
    data = proposal()
    nested = "x"
    for _ in range(60):
        nested = [nested]
    data["note"] = nested
    path = box.write("nesting.yaml", as_yaml(data))
    box.run("validate", path.name, code=1, words=(path.name,))


def test_proposal_path_is_directory_or_missing(box):
    (box.cwd / "mappe.yaml").mkdir()
    box.run("validate", "mappe.yaml", code=1, words=("mappe.yaml",))
    box.run("validate", "finnes-ikke.yaml", code=1, words=("finnes-ikke.yaml",))


def test_fifo_proposal_does_not_hang(box):
    os.mkfifo(box.cwd / "fifo.yaml")
    box.run("validate", "fifo.yaml", code=1, words=("fifo.yaml",), timeout=20, process=True)


# Ids that would write outside --out: build must refuse before writing anything.
@pytest.mark.parametrize("bad_id", ["..", "../x", "ABS", "../../sentinel", "."])
def test_build_refuses_id_outside_out(box, bad_id):
    bad_id = str(box.root / "flukt") if bad_id == "ABS" else bad_id
    path = box.write("flukt.yaml", as_yaml(proposal(id=bad_id)))
    box.run("build", path.name, "--out", box.out, "--to", "html", "--jobs", "1", code=1,
            words=("flukt.yaml", "id"))
    assert not (box.root / "flukt").exists()
    assert not (box.cwd / "forslag.yaml").exists() and not (box.cwd / "manifest.json").exists()


def test_build_same_id_twice(box):
    a = box.write("a.yaml", as_yaml(proposal(id="samme")))
    b = box.write("b.yaml", as_yaml(two_regions("Nordre", "Søndre", id="samme")))
    box.run("build", a.name, b.name, "--out", box.out, "--to", "html", "--jobs", "1", code=1,
            words=("samme",))
    assert not (box.out / "samme").exists()


def test_build_same_builtin_twice(box):
    box.run("build", "fylker-2016", "fylker-2016", "--out", box.out, "--to", "html", "--jobs", "1",
            code=1, words=("fylker-2016",))


def test_build_rejects_bad_proposal_before_any_kernel(box):
    path = box.write("dup.yaml", as_yaml(two_regions("Nord", "nord")))
    start = time.monotonic()
    box.run("build", path.name, "--out", box.out, "--to", "html", "--jobs", "1", code=1,
            words=("dup.yaml",))
    assert time.monotonic() - start < 15


# --------------------------------------------------------------------------------------------
# 2. Options and regionanalyse.toml: checked before any kernel starts
# --------------------------------------------------------------------------------------------
BAD_OPTIONS = {
    "to-docx": (["--to", "docx"], ("--to", "docx")),
    "to-empty": (["--to", ""], ("--to",)),
    "to-commas": (["--to", ",,"], ("--to",)),
    "year-0": (["--year", "0"], ("--year", "0")),
    "year-1999": (["--year", "1999"], ("--year", "1999")),
    "year-3000": (["--year", "3000"], ("--year", "3000")),
    "year-text": (["--year", "abc"], ("--year",)),
    "jobs-0": (["--jobs", "0"], ("--jobs",)),
    "jobs-negative": (["--jobs", "-3"], ("--jobs",)),
    "jobs-text": (["--jobs", "two"], ("--jobs",)),
    "jobs-huge": (["--jobs", "100000"], ("--jobs",)),
}


@pytest.mark.parametrize("case", sorted(BAD_OPTIONS))
def test_build_bad_option(box, case):
    args, words = BAD_OPTIONS[case]
    path = box.write("ok.yaml", as_yaml(proposal()))
    start = time.monotonic()
    box.run("build", path.name, "--out", box.out, *args, code=1, words=words)
    assert time.monotonic() - start < 15  # refused before any kernel starts


# every command that takes these options checks them the same way (issue 22)
BAD_ALTERNATIVES_OPTIONS = {
    "jobs-0": (["--jobs", "0"], ("--jobs", "1–64")),
    "jobs-negative": (["--jobs", "-1"], ("--jobs", "1–64")),
    "jobs-huge": (["--jobs", "100000"], ("--jobs", "1–64")),
    "n-0": (["--n", "0"], ("--n",)),
    "n-billion": (["--n", "1000000000"], ("--n", "100 000")),
    "regions-0": (["--regions", "0"], ("--regions", "minst 2")),
    "regions-negative": (["--regions", "-4"], ("--regions", "minst 2")),
    "regions-1": (["--regions", "1"], ("--regions", "minst 2")),
    "regions-too-many": (["--regions", "500"], ("500", "19")),
    "year-1999": (["--year", "1999"], ("--year", "1999")),
    "tolerance-0": (["--tolerance", "0"], ("toleransen",)),
}


@pytest.mark.parametrize("case", sorted(BAD_ALTERNATIVES_OPTIONS))
def test_alternatives_bad_option(box, case):
    args, words = BAD_ALTERNATIVES_OPTIONS[case]
    start = time.monotonic()
    box.run("alternatives", "nav-2016-11", "--to", "none", "--out", box.out / "alt", *args, code=1,
            words=words)
    assert time.monotonic() - start < 15  # refused before any plan is drawn
    assert not (box.out / "alt" / "plans.csv").exists()


def _alternatives(box: Box, out: Path, code: int, words=(), extra=()):
    """A quick run (8 kommune plans in short chains; fylke units would count all 85 040)."""
    return box.run("alternatives", "nav-2016-11", "--units", "kommune", "--n", "8", "--steps", "20",
                   "--to", "none", "--out", out, *extra, code=code, words=words, max_stderr=10_000)


def test_alternatives_never_overwrites_a_folder_it_did_not_write(box):
    foreign = box.out / "annet"
    (foreign / "forslag").mkdir(parents=True)
    (foreign / "plans.csv").write_text("ikke vår\n", encoding="utf-8")
    (foreign / "forslag" / "alt-1.yaml").write_text("ikke vår\n", encoding="utf-8")
    before = snapshot(foreign)
    _alternatives(box, foreign, 1, ("annet", "ikke tom"))
    assert snapshot(foreign) == before
    (foreign / "innstillinger.json").write_text('{"x": []}', encoding="utf-8")  # not its own either
    before = snapshot(foreign)
    _alternatives(box, foreign, 1, ("ikke tom",))
    assert snapshot(foreign) == before


def test_alternatives_writes_again_into_its_own_folder(box):
    own = box.out / "alt"
    _alternatives(box, own, 0)
    first = (own / "plans.csv").read_bytes()
    _alternatives(box, own, 0)
    assert (own / "plans.csv").read_bytes() == first  # same seed, same plans


def test_alternatives_refuses_symlinked_out(box):
    target = box.out / "mål"
    target.mkdir()
    link = box.out / "lenke"
    link.symlink_to(target, target_is_directory=True)
    _alternatives(box, link, 1, ("lenke", "symbolsk lenke"))
    assert list(target.iterdir()) == []


def test_alternatives_refuses_symlink_inside_its_folder(box):
    own = box.out / "alt"
    _alternatives(box, own, 0)
    (own / "plans.csv").unlink()
    (own / "plans.csv").symlink_to(box.sentinel / "keep.txt")
    _alternatives(box, own, 1, ("plans.csv", "symbolsk lenke"))
    assert (box.sentinel / "keep.txt").read_text(encoding="utf-8") == "må ikke endres\n"


def test_alternatives_locked_out_while_another_runs(box):
    import fcntl

    own = box.out / "alt"
    own.mkdir()
    with open(own / ".regionanalyse.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        _alternatives(box, own, 4, ("låsfil",))
    assert not (own / "plans.csv").exists()


def test_compare_with_one_proposal(box):
    box.run("compare", "fylker-2016", "--out", box.out, "--to", "html", code=1,
            words=("to forslag",))


BAD_TOML = {
    "year-text": ('year = "abc"\n', ("regionanalyse.toml", "year")),
    "year-float": ("year = 2016.5\n", ("regionanalyse.toml", "year")),
    "year-old": ("year = 1999\n", ("regionanalyse.toml", "1999")),
    "jobs-text": ('jobs = "two"\n', ("regionanalyse.toml", "jobs")),
    "jobs-zero": ("jobs = 0\n", ("regionanalyse.toml", "jobs")),
    "out-int": ("out = 5\n", ("regionanalyse.toml", "out")),
    "formats-string": ('formats = "html"\n', ("regionanalyse.toml", "formats")),
    "formats-unknown": ('formats = ["docx"]\n', ("regionanalyse.toml", "docx")),
    "proposals-int": ("proposals = 5\n", ("regionanalyse.toml", "proposals")),
    "comparisons-flat": ('comparisons = ["a", "b"]\n', ("regionanalyse.toml", "comparisons")),
    "unknown-key": ("yaer = 2016\n", ("regionanalyse.toml", "yaer")),
    "syntax": ("year = \n", ("regionanalyse.toml",)),
    "latin1": ("# Tromsø\nyear = 2016\n".encode("latin-1"), ("regionanalyse.toml", "UTF-8")),
}


@pytest.mark.parametrize("case", sorted(BAD_TOML))
def test_bad_config_file(box, case):
    text, words = BAD_TOML[case]
    box.write("regionanalyse.toml", text)
    path = box.write("ok.yaml", as_yaml(proposal()))
    box.run("build", path.name, "--out", box.out, "--to", "html", code=1, words=words)


def test_config_out_is_a_file(box):
    box.write("fil", "x")
    box.write("regionanalyse.toml", 'out = "fil"\n')
    path = box.write("ok.yaml", as_yaml(proposal()))
    box.run("build", path.name, "--to", "html", code=1, words=("fil",))
    assert (box.cwd / "fil").read_text() == "x"


# --------------------------------------------------------------------------------------------
# 3. The output folder and its log and lock
# --------------------------------------------------------------------------------------------
def test_out_is_a_file(box):
    target = box.write("utfil", "x")
    path = box.write("ok.yaml", as_yaml(proposal()))
    box.run("build", path.name, "--out", target, "--to", "html", code=1, words=("utfil",),
            out=box.root / "ingen")
    assert target.read_text() == "x"


def test_out_under_a_file(box):
    target = box.write("utfil", "x")
    path = box.write("ok.yaml", as_yaml(proposal()))
    box.run("build", path.name, "--out", target / "under", "--to", "html", code=1,
            words=("utfil",), out=box.root / "ingen")


def test_out_read_only(box):
    path = box.write("ok.yaml", as_yaml(proposal()))
    if os.geteuid() == 0:  # root writes through 0555; /sys is read-only even for root
        box.run("build", path.name, "--out", "/sys", "--to", "html", code=1, words=("/sys",),
                out=box.root / "ingen")
        box.run("build", path.name, "--out", "/sys/regionanalyse-h8", "--to", "html", code=1,
                words=("/sys/regionanalyse-h8",), out=box.root / "ingen")
    else:
        ro = box.cwd / "skrivebeskyttet"
        ro.mkdir()
        ro.chmod(0o555)
        box.run("build", path.name, "--out", ro, "--to", "html", code=1, words=("skrivebeskyttet",),
                out=box.root / "ingen")


def test_disk_full_output(box):
    """--out on a full file system (a 16 kB tmpfs in a private mount namespace): exit 1 naming
    --out, no traceback, no temporary file left."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare to mount a full tmpfs")
    full = box.root / "full"
    full.mkdir()
    path = box.write("ok.yaml", as_yaml(proposal()))
    script = (f"mount -t tmpfs -o size=16k tmpfs {full} && "
              f"dd if=/dev/zero of={full}/fyll bs=1k count=16 2>/dev/null; "
              f"{sys.executable} -m regionanalyse.cli build {path.name} --out {full}/out --to html "
              f"--jobs 1; echo \"exit=$?\"; find {full}/out -name '*.tmp'")
    result = subprocess.run(["unshare", "-m", "sh", "-c", script], cwd=box.cwd, capture_output=True,
                            text=True, timeout=120)
    if "mount:" in result.stderr and "exit=" not in result.stdout:
        pytest.skip(f"cannot mount tmpfs here: {result.stderr[:200]}")
    assert "exit=1" in result.stdout, (result.stdout[-500:], result.stderr[-1500:])
    assert "Traceback" not in result.stderr and "--out" in result.stderr, result.stderr[-1500:]
    assert ".tmp" not in result.stdout.replace("exit=1", ""), result.stdout


@pytest.mark.parametrize("name", ["build.log", ".regionanalyse.lock"])
def test_symlinked_log_or_lock_not_followed(box, name):
    target = box.sentinel / "keep.txt"
    (box.out / name).symlink_to(target)
    path = box.write("ok.yaml", as_yaml(proposal()))
    box.run("build", path.name, "--out", box.out, "--to", "html", "--jobs", "1", code=1,
            words=(name,))
    assert target.read_text(encoding="utf-8") == "må ikke endres\n"


def test_symlinked_proposal_folder_not_followed(box):
    """out/<id> as a symlink to a folder outside --out: refused, nothing written there."""
    escape = box.root / "utenfor"
    escape.mkdir()
    (box.out / "h8-test").symlink_to(escape)
    path = box.write("ok.yaml", as_yaml(proposal()))
    box.run("build", path.name, "--out", box.out, "--to", "html", "--jobs", "1", code=1,
            words=("h8-test",))
    assert list(escape.iterdir()) == []


def test_default_out_is_reports_of_working_directory(box):
    """Without --out, the lock taken is ./reports/.regionanalyse.lock of the working directory."""
    from filelock import FileLock

    reports = box.cwd / "reports"
    reports.mkdir()
    path = box.write("ok.yaml", as_yaml(proposal()))
    with FileLock(str(reports / ".regionanalyse.lock")):
        box.run("build", path.name, "--to", "html", code=4, words=("reports",),
                out=reports)


# --------------------------------------------------------------------------------------------
# 4. The årsverk file (checked by `table`, and by `build` before any kernel)
# --------------------------------------------------------------------------------------------
ARSVERK_HEAD = "fylker,vintage,aar,arsverk,kilde\n"
BAD_ARSVERK = {
    "inf": (ARSVERK_HEAD + '20;19,2016,2016,inf,"x"\n', ("linje 2", "inf")),
    "huge": (ARSVERK_HEAD + '20;19,2016,2016,1e308,"x"\n', ("linje 2", "1e308")),
    "nan": (ARSVERK_HEAD + '20;19,2016,2016,nan,"x"\n', ("linje 2",)),
    "unknown-fylke": (ARSVERK_HEAD + '99,2016,2016,10,"x"\n', ("linje 2", "99")),
    "unknown-vintage": (ARSVERK_HEAD + '20,1850,2016,10,"x"\n', ("linje 2", "1850")),
    "year-fraction": (ARSVERK_HEAD + '20,2016.5,2016,10,"x"\n', ("linje 2", "2016.5")),
    "semicolons": ("fylker;vintage;aar;arsverk;kilde\n20;2016;2016;10;x\n", ("semikolon",)),
    "cp1252": ((ARSVERK_HEAD + '20,2016,2016,10,"NAV Troms og Finnmark – årsrapport"\n')
               .encode("cp1252"), ("UTF-8",)),
    "missing-source": (ARSVERK_HEAD + '20,2016,2016,10,"x"\n' + '19,2016,2016,10,\n', ("linje 3", "kilde")),
}


@pytest.mark.parametrize("case", sorted(BAD_ARSVERK))
def test_bad_arsverk_file(box, case):
    text, words = BAD_ARSVERK[case]
    path = box.write(f"arsverk-{case}.csv", text if isinstance(text, bytes) else text.encode())
    box.run("table", "nav-2016-11", "--year", "2016", "--arsverk", path.name, code=1,
            words=(path.name, *words))


@pytest.mark.parametrize("kind", ["directory", "fifo", "dev-zero", "missing"])
def test_arsverk_not_a_file(box, kind):
    if kind == "directory":
        target, word = box.cwd / "arsverk-mappe", "mappe"
        target.mkdir()
    elif kind == "fifo":
        target, word = box.cwd / "arsverk-fifo", "vanlig fil"
        os.mkfifo(target)
    elif kind == "dev-zero":
        target, word = Path("/dev/zero"), "vanlig fil"
    else:
        target, word = box.cwd / "arsverk-mangler.csv", "finnes ikke"
    box.run("table", "nav-2016-11", "--year", "2016", "--arsverk", target, code=1,
            words=(target.name, word), timeout=30,
            process=kind in ("fifo", "dev-zero"))  # a regression would hang or fill the memory


def test_build_checks_arsverk_before_kernels(box):
    path = box.write("ok.yaml", as_yaml(proposal()))
    bad = box.write("arsverk.csv", ARSVERK_HEAD + '20;19,2016,2016,inf,"x"\n')
    start = time.monotonic()
    box.run("build", path.name, "--out", box.out, "--to", "html", "--arsverk", bad.name, code=1,
            words=("arsverk.csv",))
    assert time.monotonic() - start < 15


# --------------------------------------------------------------------------------------------
# 5. Formula injection in CSV (fast: `table --format csv`)
# --------------------------------------------------------------------------------------------
def test_table_csv_neutralises_formulas(box):
    names = ["=SUM(1;2)", "+1+2", "-3+4", "@SUM(1)"]
    groups = [["20", "19"], ["18", "17", "16"], ["15", "14", "12"],
              [f for f in FYLKER_2016 if f not in ("20", "19", "18", "17", "16", "15", "14", "12")]]
    path = box.write("formel.yaml", as_yaml(proposal(
        regions=[{"name": n, "members": g} for n, g in zip(names, groups)])))
    result = box.run("table", path.name, "--year", "2016", "--format", "csv", code=0)
    rows = list(csv.reader(io.StringIO(result.stdout)))
    cells = [c for row in rows[1:] for c in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)
                and not re.fullmatch(r"-?[0-9.]+", c)], cells
    for name in names:  # still readable: the name after a neutralising prefix
        assert any(c.endswith(name) and len(c) <= len(name) + 1 for c in cells), name


# --------------------------------------------------------------------------------------------
# 6. One real build of a proposal whose every text is hostile (slow)
# --------------------------------------------------------------------------------------------
NAME_A = "=HYPERLINK(\"http://x\") {{ 7*'7' }} {{ lipsum.__globals__.os.popen('id').read() }}"
NAME_B = "@Sør <img src=x onerror=alert(1)> <script>alert(2)</script> $\\frac{1}{$ {% raw %}{#"
HOSTILE = {
    "id": "fiendtlig",
    "name": "Forslag <b onmouseover=alert(3)>fet</b> & {{ 7*'7' }} {%",
    "vintage": 2016,
    "source": "[lenke](javascript:alert(4)) <iframe src=javascript:alert(5)> \\(x\\) $x$",
    "note": "**ikke fet** <svg onload=alert(6)> {# comment #} $\\frac{1}{$ \\textbf{x}",
    "regions": [{"name": NAME_A, "members": list(NORTH), "seat": "Tromsø"},
                {"name": NAME_B, "members": list(SOUTH)}],
}
PAYLOAD_TRACES = ["uid=", "7777777"]  # what the payloads would print if they ran as templates


class Tags(html.parser.HTMLParser):
    """Collect tags with attributes, script texts and iframe srcdocs of one HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        kind = (dict(attrs).get("type") or "").lower()  # a JSON data block never runs
        self._in_script = tag == "script" and (not kind or "javascript" in kind or kind == "module")
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u00a0", " "))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A --to html,pdf --jobs 1 build of HOSTILE into out/, beside an earlier report."""
    box = Box(tmp_path_factory.mktemp("hostile")).setup()
    path = box.write("fiendtlig.yaml", as_yaml(HOSTILE))
    result = box.run("build", path.name, "--out", box.out, "--to", "html,pdf", "--jobs", "1",
                     code=0, timeout=900, max_stderr=100_000, process=True)
    return box, result, box.out / "fiendtlig"


@pytest.mark.slow
def test_hostile_build_ok_and_complete(hostile):
    box, result, folder = hostile
    assert result.returncode == 0
    names = {p.name for p in folder.iterdir()}
    for stem in ("vedlegg-00-oversikt", "vedlegg-01", "vedlegg-02"):
        for ext in ("html", "pdf", "csv", "xlsx"):
            assert any(n.startswith(stem) and n.endswith("." + ext) for n in names), (stem, ext, names)
    assert "vedlegg.pdf" in names
    for name in names:  # file names are safe slugs
        assert re.fullmatch(r"[A-Za-z0-9._-]+", name), name
    box.earlier_intact()
    assert not any(trace in result.stderr for trace in PAYLOAD_TRACES)
    for page in folder.glob("*.html"):  # every page, also those besides the appendices
        text = page.read_text(encoding="utf-8")
        for raw in ("<img src=x", "<script>alert", "<svg onload", "<b onmouseover", *PAYLOAD_TRACES):
            assert raw not in text, (page.name, raw)


@pytest.mark.slow
def test_hostile_files_are_0644(hostile):
    _, _, folder = hostile
    for path in [*folder.rglob("*"), folder.parent / "build.log"]:
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o644, (path, oct(path.stat().st_mode))


@pytest.mark.slow
def test_hostile_names_verbatim_in_pdf(hostile):
    from pypdf import PdfReader

    _, _, folder = hostile
    overview = squash("\n".join(p.extract_text() for p in
                                PdfReader(next(folder.glob("vedlegg-00-*.pdf"))).pages))
    for text in (NAME_A, NAME_B, HOSTILE["name"], HOSTILE["source"], HOSTILE["note"]):
        assert squash(text) in overview, text
    for i, name in ((1, NAME_A), (2, NAME_B)):
        pdf = next(folder.glob(f"vedlegg-0{i}-*.pdf"))
        text = squash("\n".join(p.extract_text() for p in PdfReader(pdf).pages))
        assert squash(f"Vedlegg {i}: {name}") in text
    assert not any(t in overview for t in PAYLOAD_TRACES)


@pytest.mark.slow
def test_hostile_html_inert(hostile):
    _, _, folder = hostile
    pages = sorted(folder.glob("vedlegg-*.html"))
    assert len(pages) == 3
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for trace in PAYLOAD_TRACES:
            assert trace not in text, (page.name, trace)
        top = Tags()
        top.feed(text)
        frames = [attrs for tag, attrs in top.tags if tag == "iframe"]
        assert frames, page.name
        for frame in frames:
            assert frame.get("sandbox") is not None, "map iframe must be sandboxed"
            assert "allow-same-origin" not in frame["sandbox"] and "allow-scripts" in frame["sandbox"]
        csp = [a for t, a in top.tags if t == "meta" and a.get("http-equiv", "").lower()
               == "content-security-policy"]
        assert csp and "default-src" in csp[0].get("content", ""), page.name
        docs = [top]
        for frame in frames:
            inner = Tags()
            inner.feed(frame.get("srcdoc", ""))
            docs.append(inner)
        for doc in docs:
            for tag, attrs in doc.tags:
                for key, value in attrs.items():
                    assert not (key.startswith("on") and "alert" in (value or "")), (page.name, tag, key)
                    if key in ("href", "src", "action", "formaction"):
                        assert not (value or "").strip().lower().startswith("javascript:"), (page.name, tag)
                assert not (tag == "img" and attrs.get("src") == "x"), page.name
                assert not (tag == "b" and "onmouseover" in attrs), page.name
            for script in doc.scripts:
                assert "alert(" not in script, (page.name, script[:200])
        if "-01-" not in page.name:  # the name is there, as text
            assert "<img src=x onerror=alert(1)>" in html_text(text), page.name


def html_text(markup: str) -> str:
    """Text content of an HTML document (tags removed, entities decoded)."""
    import html as html_mod

    return html_mod.unescape(re.sub(r"<[^>]*>", " ", markup))


@pytest.mark.slow
def test_hostile_csv_and_xlsx_have_no_formulas(hostile):
    import openpyxl

    _, _, folder = hostile
    all_cells = []
    for path in folder.glob("vedlegg-*.csv"):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        for cell in (c for row in rows[1:] for c in row):
            assert not (cell.startswith(FORMULA_START) and not re.fullmatch(r"-?[0-9.]+", cell)), \
                (path.name, cell)
            all_cells.append(cell)
    for path in folder.glob("vedlegg-*.xlsx"):
        book = openpyxl.load_workbook(path)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (path.name, cell.coordinate, cell.value)
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(FORMULA_START), (path.name, cell.value)
                        all_cells.append(cell.value)
    assert any(c.endswith(NAME_A) for c in all_cells)  # the name is kept, after a prefix
    assert any(c.endswith(NAME_B) for c in all_cells)


@pytest.mark.slow
def test_hostile_html_in_chromium(hostile, tmp_path):
    """Every HTML appendix in headless Chromium: hover every map feature; no dialog, no payload element."""
    script = BROWSER_DIR / "hostile_dom.mjs"
    assert (BROWSER_DIR / "node_modules" / "puppeteer-core").exists(), \
        "run `npm ci` in tests/browser (scripts/setup.sh test does)"
    _, _, folder = hostile
    pages = sorted(folder.glob("vedlegg-*.html"))
    result = subprocess.run(["node", str(script), *map(str, pages)], capture_output=True, text=True,
                            timeout=900, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout)
    for page in pages:
        seen = report[str(page)]
        assert seen["dialogs"] == [], (page.name, seen["dialogs"])
        assert seen["payloadElements"] == [], (page.name, seen["payloadElements"])
        assert seen["hovered"] > 0 and seen["hovered"] >= 0.9 * seen["features"], (page.name, seen)
        assert seen["mouse"] > 0, (page.name, "the real mouse reached no feature")
        tips = "\n".join(seen["tooltips"])
        assert NAME_A in tips or NAME_B in tips, (page.name, seen["tooltips"][:3])
        assert not any(t in tips for t in PAYLOAD_TRACES)


@pytest.mark.slow
def test_hostile_rebuild_after_rename_moves_stale_appendices(hostile):
    """Renaming a region: the published folder then holds exactly the current plan's appendices;
    the old one is moved to _tidligere/<date>/ and the log says so."""
    box, _, folder = hostile
    renamed = json.loads(json.dumps(HOSTILE))
    renamed["regions"][1]["name"] = "Sør omdøpt"
    path = box.write("fiendtlig.yaml", as_yaml(renamed))
    old = sorted(p.name for p in folder.glob("vedlegg-02-*"))
    assert old
    box.run("build", path.name, "--out", box.out, "--to", "html,pdf", "--jobs", "1", code=0,
            timeout=900, max_stderr=100_000, process=True)
    now = {p.name for p in folder.glob("vedlegg-*")}
    assert not set(old) & now, now
    assert any(n.startswith("vedlegg-02-sor-omdopt") for n in now), now
    moved = list((folder / "_tidligere").glob(f"*/{old[0]}"))
    assert moved, list((folder / "_tidligere").rglob("*"))
    assert "_tidligere" in (box.out / "build.log").read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# 7. Kill and interrupt: no process left, clean exit, the next build completes (slow)
# --------------------------------------------------------------------------------------------
def _start(box: Box, yaml_name: str, executor: str = "inline") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "regionanalyse.cli", "build", yaml_name, "--out",
                             str(box.out), "--to", "html", "--jobs", "1", "--executor", executor],
                            cwd=box.cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


def _wait_running(box: Box, build: subprocess.Popen, marker: bytes,
                  timeout: float = 180) -> dict[int, str]:
    """Wait until a notebook runs (a process whose command line holds `marker` — a pool worker,
    or a kernel — has lived 3 s after the build started an appendix); return every process of
    the build seen."""
    seen: dict[int, str] = {}
    end = time.monotonic() + timeout
    log = box.out / "build.log"
    kernel_seen_at = None
    while time.monotonic() < end:
        assert build.poll() is None, build.communicate()[1][-2000:]
        seen |= _descendants(build.pid)
        cmdlines = []
        for pid in seen:
            try:
                cmdlines.append(Path(f"/proc/{pid}/cmdline").read_bytes())
            except OSError:
                pass
        if kernel_seen_at is None and any(marker in c for c in cmdlines) and log.exists() \
                and "bygger" in log.read_text(encoding="utf-8"):
            kernel_seen_at = time.monotonic()
        if kernel_seen_at and time.monotonic() - kernel_seen_at > 3:
            return seen
        time.sleep(0.2)
    raise AssertionError(f"no process with {marker!r} started")


@pytest.mark.slow
@pytest.mark.parametrize("how,executor", [("SIGKILL", "inline"), ("SIGTERM", "inline"),
                                          ("SIGINT", "inline"), ("SIGKILL", "fresh")])
def test_killed_build_leaves_no_process_and_next_build_completes(tmp_path, how, executor):
    """Also with a kernel per appendix (fresh): the kernel dies with the worker."""
    box = Box(tmp_path).setup()
    box.write("drept.yaml", as_yaml(proposal(id="drept")))
    build = _start(box, "drept.yaml", executor)
    procs = _wait_running(box, build, b"ipykernel" if executor == "fresh" else b"multiprocessing")
    assert len(procs) >= (2 if executor == "fresh" else 1), procs  # a pool worker (and its kernel)
    killed_at = time.monotonic()
    if how == "SIGINT":  # Ctrl-C on a terminal signals the whole foreground group
        os.killpg(build.pid, signal.SIGINT)
    else:
        os.kill(build.pid, getattr(signal, how))
    _, err = build.communicate(timeout=30)
    stopped = time.monotonic() - killed_at
    time.sleep(max(0.0, 3 - (time.monotonic() - killed_at)))
    assert _alive(procs) == [], f"left running 3 s after {how}: {_alive(procs)}"
    if how != "SIGKILL":
        assert stopped < 2.5, f"{how}: stopped after {stopped:.1f} s"
        assert build.returncode == {"SIGTERM": 143, "SIGINT": 130}[how], (build.returncode, err[-1500:])
        assert "avbrutt" in err and "Traceback" not in err, err[-1500:]
        assert len(err) < 5000, err[-1500:]
        assert not list((box.out / "drept").glob(".tmp-*"))
    box.earlier_intact()
    # the next build is not locked out and completes; afterwards nothing changes any more
    box.run("build", "drept.yaml", "--out", box.out, "--to", "html", "--jobs", "1", code=0,
            timeout=900, max_stderr=100_000, process=True)
    settled = snapshot(box.out)
    time.sleep(5)
    assert snapshot(box.out) == settled
    assert not list((box.out / "drept").glob(".tmp-*"))
