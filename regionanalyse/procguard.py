"""No orphans, clean interrupts: every process of a long-running command (build, compare,
alternatives) dies with it.

- Pool workers and the kernels they start ask Linux to SIGKILL them when their parent dies
  (prctl PR_SET_PDEATHSIG), so a SIGKILL of the main process leaves nothing running; the
  kernels' own parent-pid poll (ipykernel) is a second wall.
- Workers ignore SIGINT: Ctrl-C is handled once, by the main process, which kills the workers
  (and with them their kernels), removes temporary folders and exits 130 (SIGINT) or 143 (SIGTERM).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import os
import signal
import sys
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask the kernel to send `sig` to this process when its parent exits (Linux; no-op elsewhere)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    except (OSError, AttributeError):
        pass


def worker_init(parent_pid: int) -> None:
    """Pool-worker initializer: die with the build, leave Ctrl-C to the main process."""
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def kernel_preexec() -> None:
    """Run in a kernel process before exec: die with the worker that started it."""
    die_with_parent()


class GuardedPool(ProcessPoolExecutor):
    """A process pool whose workers die with this process and leave Ctrl-C to it (worker_init),
    and which can name its workers: the multiprocessing children of this process that were not
    there when it was made (multiprocessing.active_children, public; nothing else in this
    process starts one while a pool runs)."""

    def __init__(self, workers: int, mp_context=None):
        self.earlier_children = {p.pid for p in multiprocessing.active_children()}
        super().__init__(max_workers=workers, mp_context=mp_context,
                         initializer=worker_init, initargs=(os.getpid(),))

    def workers(self) -> list:
        return [p for p in multiprocessing.active_children() if p.pid not in self.earlier_children]


def kill_pool(pool: GuardedPool) -> None:
    """SIGKILL every worker of the pool (their kernels follow by PDEATHSIG)."""
    workers = pool.workers()
    for proc in workers:
        try:
            proc.kill()
        except (OSError, AttributeError, ValueError):
            pass
    for proc in workers:
        try:
            proc.join(timeout=1.0)
        except (OSError, AssertionError, ValueError):
            pass


def pool(workers: int, mp_context=None) -> GuardedPool:
    """A process pool whose workers die with this process and leave Ctrl-C to it."""
    return GuardedPool(workers, mp_context)


@contextmanager
def guarded_pool(workers: int, mp_context=None):
    """`with guarded_pool(n) as p:` a `pool`; on any exception (Ctrl-C, SIGTERM) its workers are
    killed at once instead of being waited for."""
    executor = pool(workers, mp_context)
    try:
        yield executor
    except BaseException:
        kill_pool(executor)
        executor.shutdown(wait=True, cancel_futures=True)
        raise
    executor.shutdown(wait=True)


class Terminated(BaseException):
    """SIGTERM arrived: stop the build (exit 143)."""


def _raise_terminated(signum, frame):
    raise Terminated()


def install_handlers():
    """SIGTERM raises Terminated in the main thread; returns the previous handler."""
    return signal.signal(signal.SIGTERM, _raise_terminated)


def restore_handlers(previous) -> None:
    signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
