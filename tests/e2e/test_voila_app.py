"""The DecisionBoundaryApp served by Voila, clicked through as a user would.

DOM hooks used, all set by the app: the root's ``gdeep-app`` class and its
``gdeep-busy`` / ``gdeep-job-train`` / ``gdeep-job-flow`` classes while a job
runs; the classes of its controls (``gdeep-dataset-select``,
``gdeep-dataset-params`` and ``gdeep-param-n-samples``, ``gdeep-n-epochs``,
``gdeep-flow-points``, ``gdeep-flow-epochs``, ``gdeep-train-button``,
``gdeep-flow-button``, ``gdeep-frame-play``), the status line's
``gdeep-app-status`` and its ``data-level``, the epoch table's
``gdeep-epoch-table``; the viewer's data-* attributes. The tab titles are
found by their role and name.
"""

from __future__ import annotations

import re

import pytest
from harness import (
    APP,
    EXAMPLES,
    VIEWER,
    canvas_pixels,
    read_trace,
    run_app_job,
    start_trace,
    start_voila,
    viewer_state,
    wait_attribute,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

N_DATA = 1500
N_TRAIN_EPOCHS = 4
N_FLOW_POINTS = 3000

# Known, harmless console output of Voila here: no network for its icon font
# stylesheets, and its bundled JupyterLab packages older than the extensions'.
ALLOWED = [
    r"^console\.error: Failed to load resource: net::ERR_[A-Z_]+ "
    r"\(https://cdn\.jsdelivr\.net/npm/@fortawesome/fontawesome-free@[^/]+/css/"
    r"(all|v4-shims)\.min\.css\)$",
]
ALLOWED_WARNINGS = [
    r"^Unsatisfied version \S+ from _JUPYTERLAB\.CORE_OUTPUT of shared singleton "
    r"module @jupyterlab/[a-z]+ \(required \^\S+\)$",
    r"^No satisfying version \(\^\S+\) of shared module @jupyterlab/[a-z]+ found in "
    r"shared scope default\.\nAvailable versions: \S+ from _JUPYTERLAB\.CORE_OUTPUT$",
]


@pytest.fixture
def voila(e2e_env, tmp_path):
    server, base_url = start_voila(
        EXAMPLES / "app.ipynb", e2e_env, tmp_path / "voila.log"
    )
    yield base_url
    server.stop()


def _set_number(locator, value):
    """Type a value into an ipywidgets number box and commit it (Enter)."""
    locator.fill(str(value))
    locator.press("Enter")


def _input(page, dom_class):
    return page.locator(f"{APP} .{dom_class} input")


def _run_job(page, button_class, job_class):
    classes = run_app_job(page, button_class, job_class)
    assert "gdeep-busy" not in classes and job_class not in classes, classes


def _epoch_rows(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('.gdeep-epoch-table tbody tr')]
             .map((tr) => [...tr.cells].map((td) => td.textContent.trim()))"""
    )


def _status(page):
    status = page.locator(f"{APP} .gdeep-app-status")
    return status.get_attribute("data-level"), status.inner_text()


def test_app_trains_and_flows_in_voila(web, voila):
    page = web.page
    page.set_viewport_size({"width": 1400, "height": 1100})
    page.goto(f"{voila}/", timeout=180_000)
    page.wait_for_selector(APP, timeout=180_000)
    viewer = page.locator(f"{APP} {VIEWER}")
    page.wait_for_function(
        "(sel) => Number(document.querySelector(sel)?.dataset.renderCount) > 0",
        arg=f"{APP} {VIEWER}",
        timeout=120_000,
    )

    # Data: Moons, with fewer points. The dataset's own inputs replace those
    # of the previous one: wait for the swap before typing. New data refits
    # the viewer's camera.
    fits = int(viewer_state(viewer)["fit-count"])
    previous = _input(page, "gdeep-param-n-samples").element_handle()
    page.locator(f"{APP} .gdeep-dataset-select select").select_option(label="Moons")
    previous.wait_for_element_state("hidden")
    _set_number(_input(page, "gdeep-param-n-samples"), N_DATA)
    page.wait_for_function(
        f"(sel) => document.querySelector(sel).dataset.pointsDrawn === '{N_DATA}'",
        arg=f"{APP} {VIEWER}",
    )
    state = viewer_state(viewer)
    assert state["mode"] == "2d"
    assert int(state["fit-count"]) > fits, state
    web.shoot("moons")

    # Model: a few epochs, then Train.
    page.get_by_role("tab", name="Model").click()
    _set_number(_input(page, "gdeep-n-epochs"), N_TRAIN_EPOCHS)
    _run_job(page, "gdeep-train-button", "gdeep-job-train")
    page.wait_for_function(
        f"() => document.querySelectorAll('.gdeep-epoch-table tbody tr').length"
        f" === {N_TRAIN_EPOCHS}",
    )
    assert not page.locator(f"{APP} .gdeep-train-button").is_disabled()
    assert page.locator(f"{APP} .gdeep-stop-button").is_disabled()
    rows = _epoch_rows(page)
    epochs = [int(row[0]) for row in rows]
    assert epochs == list(range(epochs[0], epochs[0] + N_TRAIN_EPOCHS)), rows
    train_loss = [float(row[1]) for row in rows]
    accuracy = [float(row[3]) for row in rows]
    assert train_loss[-1] < train_loss[0], rows
    assert all(0.0 <= a <= 1.0 for a in accuracy), rows
    level, text = _status(page)
    assert level == "info" and "trained" in text, (level, text)
    web.shoot("trained")

    # Flow: fewer points; frames arrive in the viewer while it runs, and the
    # camera stays where it was.
    page.get_by_role("tab", name="Flow").click()
    _set_number(_input(page, "gdeep-flow-points"), N_FLOW_POINTS)
    flow_epochs = int(_input(page, "gdeep-flow-epochs").input_value())
    fits = viewer_state(viewer)["fit-count"]
    start_trace(viewer)
    _run_job(page, "gdeep-flow-button", "gdeep-job-flow")
    page.wait_for_function(
        f"(sel) => document.querySelector(sel).dataset.nFrames === '{flow_epochs + 1}'",
        arg=f"{APP} {VIEWER}",
    )
    counts = [entry["nFrames"] for entry in read_trace(viewer)]
    arrived = [n for n in counts if n > 0]
    assert arrived == sorted(arrived), counts
    assert len(set(arrived)) >= 3, f"frames should arrive one by one: {counts}"
    wait_attribute(page, "frame", flow_epochs, selector=f"{APP} {VIEWER}")
    state = viewer_state(viewer)
    assert state["samples-drawn"] == str(N_FLOW_POINTS)
    assert state["points-drawn"] == str(N_DATA)
    assert state["webgl"] == "ok"
    assert state["fit-count"] == fits, state
    pixels = canvas_pixels(viewer)
    assert pixels["count"] > 0.01 * pixels["width"] * pixels["height"], pixels
    level, text = _status(page)
    assert level == "info" and text.startswith("Flow:"), (level, text)
    web.shoot("flowed")
    web.shoot("viewer-flowed", viewer)

    # The app's Play control drives the viewer's frame from the browser.
    start_trace(viewer)
    page.locator(f"{APP} .gdeep-frame-play button").first.click()
    page.wait_for_function(
        f"(sel) => document.querySelector(sel).dataset.frame === '{flow_epochs}'"
        " && document.querySelector(sel).__gdeepTrace.some((e) => e.frame === 0)",
        arg=f"{APP} {VIEWER}",
        timeout=120_000,
    )
    frames = [entry["frame"] for entry in read_trace(viewer)]
    assert len(set(frames)) >= 3, frames

    level, text = _status(page)
    assert level == "info" and "error" not in text.lower(), (level, text)
    assert web.errors(ALLOWED) == []
    unexpected = [
        text
        for kind, text, _ in web.console
        if kind == "warning" and not any(re.search(a, text) for a in ALLOWED_WARNINGS)
    ]
    assert unexpected == []
