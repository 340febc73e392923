"""The exploration notebook runs top to bottom with real data."""
import papermill
import pytest

from tests.conftest import ROOT


@pytest.mark.slow
def test_exploration_notebook_runs(tmp_path):
    out = tmp_path / "utforsk.ipynb"
    nb = papermill.execute_notebook(str(ROOT / "notebooks" / "utforsk.ipynb"), str(out),
                                    kernel_name="python3", cwd=str(ROOT / "notebooks"), progress_bar=False)
    outputs = "".join(str(o.get("data", o.get("text", ""))) for c in nb.cells for o in c.get("outputs", []))
    assert "nav-2016-11" in outputs and "Finnmark og Troms" in outputs
    assert "Rindal" in outputs  # the comparison with nav-2019-12 shows Rindal moving
    assert "bosatt_delt_ba" in outputs and "persentil" in outputs  # scores and alternatives
    assert "application/vnd.jupyter.widget-view+json" in outputs  # the editor opens the notebook
    assert not any(o.get("output_type") == "error" for c in nb.cells for o in c.get("outputs", []))
