"""The process table read from /proc: what a kill test needs to see that nothing is left."""
from __future__ import annotations

import os
from pathlib import Path


def proc_table() -> dict[int, tuple[int, str, str]]:
    """pid -> (ppid, state, start time) of every process (from /proc)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = raw[raw.rindex(")") + 2:].split()
        table[int(entry)] = (int(fields[1]), fields[0], fields[19])
    return table


def descendants(pid: int) -> dict[int, str]:
    """Every process below `pid`, with its start time (to tell a reused pid apart)."""
    table = proc_table()
    found, todo = {}, [pid]
    while todo:
        parent = todo.pop()
        for child, (ppid, _, start) in table.items():
            if ppid == parent and child not in found:
                found[child] = start
                todo.append(child)
    return found


def alive(procs: dict[int, str]) -> list[int]:
    """The processes of `procs` still running (not zombies, not a reused pid)."""
    table = proc_table()
    return [p for p, start in procs.items() if p in table and table[p][2] == start
            and table[p][1] != "Z"]
