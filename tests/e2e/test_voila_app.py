"""The DecisionBoundaryApp served by Voila, clicked through as a user would.

DOM hooks used: the app's ``gdeep-app`` class; the ipywidgets labels of its
inputs (Dataset, Samples, Epochs, Points), its tab titles and button texts;
the epoch table's ``gdeep-epoch-table`` class; the ipywidgets progress bar
(``.widget-hprogress .progress-bar`` and its ``progress-bar-success`` class);
the viewer's data-* attributes.
"""

from __future__ import annotations

import re

import pytest
from harness import (
    EXAMPLES,
    VIEWER,
    canvas_pixels,
    read_trace,
    start_trace,
    start_voila,
    viewer_state,
    wait_attribute,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

APP = ".gdeep-app"
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


def _visible(locator):
    return locator.filter(visible=True).first


def _set_number(locator, value):
    """Type a value into an ipywidgets number box and commit it (Enter)."""
    locator.fill(str(value))
    locator.press("Enter")


def _progress_done(page):
    page.wait_for_function(
        f"""() => {{ const bar = document.querySelector(
               '{APP} .widget-hprogress .progress-bar');
             return bar.classList.contains('progress-bar-success')
               && bar.style.width === '100%'; }}""",
        timeout=300_000,
    )


def _epoch_rows(page):
    return page.evaluate(
        """() => [...document.querySelectorAll('.gdeep-epoch-table tbody tr')]
             .map((tr) => [...tr.cells].map((td) => td.textContent.trim()))"""
    )


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
    # of the previous one: wait for the swap before typing.
    previous = _visible(page.get_by_label("Samples")).element_handle()
    page.get_by_label("Dataset").select_option(label="Moons")
    previous.wait_for_element_state("hidden")
    _set_number(_visible(page.get_by_label("Samples")), N_DATA)
    page.wait_for_function(
        f"(sel) => document.querySelector(sel).dataset.pointsDrawn === '{N_DATA}'",
        arg=f"{APP} {VIEWER}",
    )
    assert viewer_state(viewer)["mode"] == "2d"
    web.shoot("moons")

    # Model: a few epochs, then Train.
    page.get_by_role("tab", name="Model").click()
    _set_number(_visible(page.get_by_label("Epochs")), N_TRAIN_EPOCHS)
    page.get_by_role("button", name="Train").click()
    page.wait_for_function(
        f"() => document.querySelectorAll('.gdeep-epoch-table tbody tr').length"
        f" === {N_TRAIN_EPOCHS}"
        f" && !document.querySelector('{APP} button[title^=Train]').disabled",
        timeout=300_000,
    )
    _progress_done(page)
    rows = _epoch_rows(page)
    epochs = [int(row[0]) for row in rows]
    assert epochs == list(range(epochs[0], epochs[0] + N_TRAIN_EPOCHS)), rows
    train_loss = [float(row[1]) for row in rows]
    accuracy = [float(row[3]) for row in rows]
    assert train_loss[-1] < train_loss[0], rows
    assert all(0.0 <= a <= 1.0 for a in accuracy), rows
    web.shoot("trained")

    # Flow: fewer points; frames arrive in the viewer while it runs.
    page.get_by_role("tab", name="Flow").click()
    _set_number(_visible(page.get_by_label("Points")), N_FLOW_POINTS)
    flow_epochs = int(_visible(page.get_by_label("Epochs")).input_value())
    start_trace(viewer)
    page.get_by_role("button", name="Flow").click()
    page.wait_for_function(
        f"(sel) => document.querySelector(sel).dataset.nFrames === '{flow_epochs + 1}'",
        arg=f"{APP} {VIEWER}",
        timeout=300_000,
    )
    _progress_done(page)
    counts = [entry["nFrames"] for entry in read_trace(viewer)]
    arrived = [n for n in counts if n > 0]
    assert arrived == sorted(arrived), counts
    assert len(set(arrived)) >= 3, f"frames should arrive one by one: {counts}"
    wait_attribute(page, "frame", flow_epochs, selector=f"{APP} {VIEWER}")
    state = viewer_state(viewer)
    assert state["samples-drawn"] == str(N_FLOW_POINTS)
    assert state["points-drawn"] == str(N_DATA)
    assert state["webgl"] == "ok"
    pixels = canvas_pixels(viewer)
    assert pixels["count"] > 0.01 * pixels["width"] * pixels["height"], pixels
    web.shoot("flowed")
    web.shoot("viewer-flowed", viewer)

    # The app's Play control drives the viewer's frame from the browser.
    start_trace(viewer)
    page.locator(f"{APP} .widget-play button").first.click()
    page.wait_for_function(
        f"(sel) => document.querySelector(sel).dataset.frame === '{flow_epochs}'"
        " && document.querySelector(sel).__gdeepTrace.some((e) => e.frame === 0)",
        arg=f"{APP} {VIEWER}",
        timeout=120_000,
    )
    frames = [entry["frame"] for entry in read_trace(viewer)]
    assert len(set(frames)) >= 3, frames

    status = page.locator(f"{APP} [data-level]").inner_text()
    assert status and "error" not in status.lower(), status
    assert web.errors(ALLOWED) == []
    unexpected = [
        text
        for kind, text, _ in web.console
        if kind == "warning" and not any(re.search(a, text) for a in ALLOWED_WARNINGS)
    ]
    assert unexpected == []
