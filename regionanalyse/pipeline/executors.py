"""Named ways to execute an appendix notebook: a small registry, as papermill's engines.

- "warm": one Jupyter kernel per worker process, reused across appendices (imports and data
  caches are paid once); the user namespace is reset before each notebook, so nothing one
  notebook defines is visible in the next.
- "fresh": a new kernel for every notebook (slower; the reference the warm one is tested against).
"""
from __future__ import annotations

from multiprocessing.util import Finalize

import nbformat

from ..config import NOTEBOOK_DIR
from .guard import kernel_preexec

RESET_SOURCE = "get_ipython().run_line_magic('reset', '-f')"


def _with_reset(notebook: str):
    """The notebook with a first, hidden cell that clears the kernel's user namespace."""
    nb = nbformat.read(notebook, as_version=4)
    cell = nbformat.v4.new_code_cell(RESET_SOURCE, metadata={"tags": ["hide"]})
    nb.cells.insert(0, cell)
    return nb


class FreshExecutor:
    """A new kernel per notebook."""

    def execute(self, notebook: str, output: str, parameters: dict) -> None:
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

    def discard(self) -> None:
        """Nothing is kept between notebooks."""


class WarmExecutor:
    """One kernel per worker process, namespace reset before each notebook."""

    def __init__(self):
        self._kernel = None

    def _kernel_manager(self):
        if self._kernel is None or not self._kernel.is_alive():
            from jupyter_client.manager import KernelManager

            self._kernel = KernelManager(kernel_name="python3")
            # the kernel dies with this worker (PDEATHSIG), whatever kills it
            self._kernel.start_kernel(cwd=str(NOTEBOOK_DIR), preexec_fn=kernel_preexec)
            Finalize(self, self.discard, exitpriority=10)
        return self._kernel

    def execute(self, notebook: str, output: str, parameters: dict) -> None:
        import papermill

        papermill.execute_notebook(_with_reset(notebook), output, parameters=parameters,
                                   kernel_name="python3", progress_bar=False, log_output=False,
                                   cwd=str(NOTEBOOK_DIR), km=self._kernel_manager())

    def discard(self) -> None:
        """Shut the kernel down (after a failure, so the next notebook starts clean)."""
        if self._kernel is not None:
            self._kernel.shutdown_kernel(now=True)
            self._kernel = None


EXECUTORS = {"warm": WarmExecutor, "fresh": FreshExecutor}
_in_this_process: dict[str, object] = {}


def executor(name: str):
    """The executor called `name`, one instance per process."""
    if name not in EXECUTORS:
        raise KeyError(f"ukjent kjøremåte «{name}»; kjente er {', '.join(EXECUTORS)}")
    if name not in _in_this_process:
        _in_this_process[name] = EXECUTORS[name]()
    return _in_this_process[name]
