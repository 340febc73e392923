"""Named ways to execute an appendix notebook: a small registry, as papermill's engines.

Each takes the notebook, where to write the executed copy and the parameters (injected as
papermill does), and returns the executed notebook.

- "inline" (the default): the notebook runs in the worker process's own IPython shell
  (`inline.py`): no kernel process, no messages; imports and data are loaded once per worker
  and serve the notebook and the rendering alike. The namespace is cleared before each
  notebook. The executed copy is written only when a cell fails (for _feil/).
- "fresh": papermill with a new Jupyter kernel for every notebook: the reference path (what
  `papermill` and `jupyter nbconvert` do by hand; tests/test_pipeline.py checks that inline
  gives the same pages), and a crash of the interpreter (a segfault) costs one appendix, not
  the worker.

A third, "warm" (one kernel per worker, its namespace reset before each notebook), was removed
on 2026-12-05. Measured on the same build (benchmarks/bench_build.py --executors, nav-2016-11,
12 appendices, --jobs 2; two runs of two interleaved rounds, a shared machine at load 1-7),
within each round against fresh: warm 0.72, 1.19, 0.98, 0.81 (median 0.90), inline 0.57, 0.53,
0.86, 0.41 (median 0.55). Warm was the fastest way to nothing anyone needs: for speed inline is
nearly twice as fast, and for a crash confined to one appendix fresh is the plain papermill path
with no state between appendices; warm's ~10 % over fresh, in a non-default path, did not pay
for a kernel kept alive across appendices, a reset cell and its own shutdown hook.
"""
from __future__ import annotations

from ..config import NOTEBOOK_DIR
from ..errors import UsageError
from ..procguard import kernel_preexec


def _read(path: str):
    import nbformat

    return nbformat.read(path, as_version=4)


def _literal(value) -> str:
    """A parameter as Python source: repr of plain data only (str, numbers, None, lists and
    dicts of them), so that no text from a proposal can be read as code."""
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if value is None or isinstance(value, (str, bool, int, float)):
        return repr(value)
    raise TypeError(f"parameter of type {type(value).__name__} cannot be injected")


def _parameterized(notebook: str, parameters: dict):
    """The notebook with the parameters set in a cell after its «parameters» cell (or first),
    tagged injected-parameters, as papermill injects them (without importing papermill)."""
    import nbformat

    nb = _read(notebook)
    if not parameters:
        return nb
    for name in parameters:
        if not name.isidentifier():
            raise ValueError(f"parameter name {name!r} is not an identifier")
    source = "# Parameters\n" + "".join(f"{name} = {_literal(value)}\n" for name, value in parameters.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    nb.cells.insert(tagged[0] + 1 if tagged else 0, cell)
    return nb


class InlineExecutor:
    """The notebook runs in this process (the build's default: the fastest)."""

    def execute(self, notebook: str, output: str, parameters: dict):
        import nbformat

        from .inline import run

        nb = _parameterized(notebook, parameters)
        try:
            run(nb, cwd=str(NOTEBOOK_DIR))
        except Exception:
            nbformat.write(nb, output)
            raise
        return nb

    def discard(self) -> None:
        """After a failure: forget the traceback IPython keeps (sys.last_traceback holds the
        failed notebook's objects); the next notebook starts in a cleared namespace."""
        import sys

        sys.last_type = sys.last_value = sys.last_traceback = None
        if hasattr(sys, "last_exc"):
            sys.last_exc = None


class FreshExecutor:
    """A new kernel per notebook."""

    def execute(self, notebook: str, output: str, parameters: dict):
        import papermill
        from jupyter_client.manager import KernelManager

        kernel = KernelManager(kernel_name="python3")
        # the kernel dies with this worker (PDEATHSIG), whatever kills it
        kernel.start_kernel(cwd=str(NOTEBOOK_DIR), preexec_fn=kernel_preexec)
        try:
            papermill.execute_notebook(notebook, output, parameters=parameters, kernel_name="python3",
                                       progress_bar=False, log_output=False, cwd=str(NOTEBOOK_DIR),
                                       km=kernel)
        finally:
            kernel.shutdown_kernel(now=True)
        return _read(output)

    def discard(self) -> None:
        """Nothing is kept between notebooks."""


EXECUTORS = {"inline": InlineExecutor, "fresh": FreshExecutor}
DEFAULT_EXECUTOR = "inline"
_in_this_process: dict[str, object] = {}


def check(name: str) -> str:
    """`name` if it is a known executor, else a UsageError listing them."""
    if name not in EXECUTORS:
        raise UsageError(f"--executor {name}: ukjent kjøremåte; kjente er {', '.join(EXECUTORS)}")
    return name


def executor(name: str):
    """The executor called `name`, one instance per process."""
    check(name)
    if name not in _in_this_process:
        _in_this_process[name] = EXECUTORS[name]()
    return _in_this_process[name]
