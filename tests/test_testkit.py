"""The test helpers of conftest.py do what the tests rely on: `cli_main` reads as a process
does, `assert_painted` refuses a blank image, the checkout guard sees a written file."""
import logging
import os
import subprocess

import pytest

from tests.conftest import _checkout_state, _starts_a_process, assert_painted, cli_main, run_cli


@pytest.mark.parametrize("args", [("table", "nav-2016-11", "--year", "2016", "--format", "csv"),
                                  ("table", "finnes-ikke"),
                                  ("table", "nav-2016-11", "--format", "docx")])
def test_cli_main_reads_as_the_process(args):
    inside, process = cli_main(*args), run_cli(*args)
    assert (inside.returncode, inside.stdout, inside.stderr) == \
        (process.returncode, process.stdout, process.stderr)


def test_cli_main_puts_back_cwd_environment_and_logging(tmp_path):
    before = (os.getcwd(), dict(os.environ), list(logging.getLogger().handlers),
              list(logging.getLogger("regionanalyse").handlers))
    result = cli_main("build", "finnes-ikke", "--out", "ut", "--to", "html", cwd=tmp_path,
                      env={"REGIONANALYSE_PDF_VARIANT": "x"})
    assert result.returncode == 1 and "finnes-ikke" in result.stderr
    assert (os.getcwd(), dict(os.environ), list(logging.getLogger().handlers),
            list(logging.getLogger("regionanalyse").handlers)) == before
    with pytest.raises(ValueError, match="REGIONANALYSE_RAW"):
        cli_main("proposals", env={"REGIONANALYSE_RAW": str(tmp_path)})


def test_cli_main_shows_an_uncaught_exception_as_a_traceback(monkeypatch):
    import regionanalyse.cli

    def boom(args):
        raise RuntimeError("brått")

    monkeypatch.setattr(regionanalyse.cli, "_cmd_proposals", boom)
    result = cli_main("proposals")
    assert result.returncode == 1 and "Traceback" in result.stderr and "brått" in result.stderr


def test_assert_painted_refuses_a_blank_page_and_takes_a_drawn_one(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from PIL import Image

    Image.new("RGB", (300, 200), "white").save(tmp_path / "blank.png")
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([0, 1, 2], [2, 0, 1])
    ax.set_title("Vedlegg 1")
    fig.savefig(tmp_path / "drawn.png")
    plt.close(fig)
    assert_painted(tmp_path / "drawn.png")
    with pytest.raises(AssertionError, match="colours"):
        assert_painted(tmp_path / "blank.png")


def test_checkout_guard_sees_a_new_file(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".venv").mkdir()
    before = _checkout_state(tmp_path)
    (tmp_path / ".venv" / "ignored").write_text("x")
    assert _checkout_state(tmp_path) == before
    (tmp_path / ".grimp_cache").mkdir()
    (tmp_path / ".grimp_cache" / "x.json").write_text("{}")
    assert _checkout_state(tmp_path) != before


def _starts_git():
    return subprocess.run(["git", "--version"], capture_output=True)


def _calls_a_helper():
    return _starts_git()


def test_the_cli_marker_follows_the_module_helpers_a_test_calls():
    assert _starts_a_process(_calls_a_helper, set())
    assert not _starts_a_process(test_cli_main_puts_back_cwd_environment_and_logging, set())
