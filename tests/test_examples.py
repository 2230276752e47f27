"""Runs the example notebooks headless and checks what they show."""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _run(name, tmp_path):
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    return nb


def _outputs(nb):
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield cell, cell.get("outputs", [])


@pytest.mark.timeout(900)
def test_seed_walkthrough_runs_and_shows_its_results(tmp_path):
    nb = _run("seed_walkthrough.ipynb", tmp_path)
    errors = [o for _, outs in _outputs(nb) for o in outs if o.output_type == "error"]
    assert not errors, errors
    text = "\n".join(
        o.get("text", "")
        for _, outs in _outputs(nb)
        for o in outs
        if o.output_type == "stream"
    )
    # Three trainings of ten epochs, one table row each.
    rows = [
        line
        for line in text.splitlines()
        if line.startswith("|") and line.split("|")[1].strip().isdigit()
    ]
    assert len(rows) == 30
    accuracies = [float(r.split("|")[4]) for r in rows]
    assert min(accuracies[9::10]) >= 0.99
    figures = [
        o
        for _, outs in _outputs(nb)
        for o in outs
        if "application/vnd.plotly.v1+json" in o.get("data", {})
    ]
    assert len(figures) >= 6
    widgets = [
        o["data"]["application/vnd.jupyter.widget-view+json"]
        for _, outs in _outputs(nb)
        for o in outs
        if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widgets, "the last cell should show the FlowViewer"
    state = (
        nb.metadata.get("widgets", {})
        .get("application/vnd.jupyter.widget-state+json", {})
        .get("state", {})
    )
    viewer = state.get(widgets[-1]["model_id"], {}).get("state", {})
    if viewer:
        assert viewer["n_frames"] == 21
    summaries = [
        line for line in text.splitlines() if line.startswith(("ent ", "unent "))
    ]
    assert len(summaries) == 2
    for line in summaries:
        fraction = float(re.search(r"'fraction_within_delta': ([0-9.e-]+)", line)[1])
        assert fraction >= 0.999
