"""Run a notebook in this process's own IPython shell, collecting outputs as a kernel would.

What a Jupyter kernel sends as messages — stream text, `display()` data, the last
expression's rich result, an error with its traceback — is collected here into the cells'
outputs, in order. There is no kernel process and no messaging, so imports and data loaded by
one notebook serve the next (the user namespace is cleared before each notebook).
"""
from __future__ import annotations

import contextlib
import os
import sys
import time

import nbformat
from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.interactiveshell import InteractiveShell
from traitlets import Type
from traitlets.config import Config


class NotebookError(Exception):
    """A cell raised; the message is the cell's «Type: message»."""


class _DisplayHook(DisplayHook):
    """The value of a cell's last expression becomes its execute_result."""

    def start_displayhook(self) -> None:
        """No prompt."""

    def write_output_prompt(self) -> None:
        """No prompt."""

    def write_format_data(self, format_dict, md_dict=None) -> None:
        self.shell.collected.append(nbformat.v4.new_output(
            "execute_result", data=format_dict, metadata=md_dict or {},
            execution_count=self.shell.execution_count))

    def finish_displayhook(self) -> None:
        """No prompt."""


class _DisplayPublisher(DisplayPublisher):
    """`display(obj)` becomes a display_data output."""

    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.shell.collected.append(nbformat.v4.new_output(
            "display_data", data=data, metadata=metadata or {}))

    def clear_output(self, wait=False) -> None:
        self.shell.collected.clear()


class _Stream:
    """A cell's stdout or stderr, appended in order to its outputs."""

    def __init__(self, shell: "NotebookShell", name: str):
        self.shell, self.name = shell, name

    def write(self, text: str) -> int:
        outputs = self.shell.collected
        if outputs and outputs[-1].get("output_type") == "stream" and outputs[-1]["name"] == self.name:
            outputs[-1]["text"] += text
        elif text:
            outputs.append(nbformat.v4.new_output("stream", name=self.name, text=text))
        return len(text)

    def flush(self) -> None:
        """Nothing is buffered."""

    def isatty(self) -> bool:
        return False


class NotebookShell(InteractiveShell):
    """An IPython shell whose outputs are collected into notebook cells."""

    displayhook_class = Type(_DisplayHook)
    display_pub_class = Type(_DisplayPublisher)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.collected: list = []

    def init_sys_modules(self) -> None:
        """Leave sys.modules["__main__"] alone (as an embedded shell does): multiprocessing
        in this process still needs the real one."""

    def _showtraceback(self, etype, evalue, stb) -> None:
        self.collected.append(nbformat.v4.new_output(
            "error", ename=etype.__name__, evalue=str(evalue), traceback=stb))


def _shell() -> NotebookShell:
    # no history database, no output cache (it would hold each notebook's objects)
    config = Config({"HistoryManager": {"enabled": False}, "InteractiveShell": {"cache_size": 0}})
    return NotebookShell.instance(config=config)


def run(nb, cwd: str) -> None:
    """Execute `nb`'s code cells in order in a cleared namespace, filling their outputs.

    Raises NotebookError at the first cell that fails (its error is in its outputs).
    """
    shell = _shell()
    shell.reset(new_session=False)  # imported modules (and their caches) stay
    before = os.getcwd()
    os.chdir(cwd)
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            shell.collected = []
            start = time.perf_counter()
            with contextlib.redirect_stdout(_Stream(shell, "stdout")), \
                    contextlib.redirect_stderr(_Stream(shell, "stderr")):
                result = shell.run_cell(cell.source, store_history=False)
            cell.outputs = shell.collected
            cell.execution_count = shell.execution_count
            cell.metadata["regionanalyse"] = {"seconds": round(time.perf_counter() - start, 3)}
            shell.execution_count += 1
            error = result.error_before_exec or result.error_in_exec
            if error is not None:
                raise NotebookError(f"{type(error).__name__}: {error}")
    finally:
        os.chdir(before)
        sys.stdout.flush()
