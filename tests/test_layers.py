"""The package's structure: one-way layers (import-linter contract in pyproject.toml), no cycles."""
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]


def test_layer_contract_holds():
    lint = Path(sys.executable).with_name("lint-imports")
    before = sorted(p.name for p in ROOT.iterdir())
    result = subprocess.run([str(lint), "--no-cache"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout
    assert sorted(p.name for p in ROOT.iterdir()) == before  # no cache left in the checkout


def _find_cycle(graph) -> list[str] | None:
    """A module import cycle (imports inside functions included), or None."""
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    stack: list[str] = []

    def visit(module):
        state[module] = 1
        stack.append(module)
        for target in sorted(graph.find_modules_directly_imported_by(module)):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (found := visit(target)):
                return found
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(graph.modules):
        if module not in state and (found := visit(module)):
            return found
    return None


def test_no_import_cycle():
    graph = grimp.build_graph("regionanalyse", cache_dir=None)  # nothing written into the checkout
    assert _find_cycle(graph) is None


def test_cycle_finder_finds_a_cycle():
    class Fake:
        modules = {"a", "b", "c"}
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}}

        def find_modules_directly_imported_by(self, module):
            return self.edges[module]

    assert _find_cycle(Fake()) == ["a", "b", "c", "a"]


def test_lower_layers_import_without_the_analysis_stack():
    code = ("import sys, regionanalyse.model; "
            "print(any(m.startswith(('pandas', 'regionanalyse.indicators')) for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
