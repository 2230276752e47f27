"""The FlowViewer in JupyterLab: the seed walkthrough, run as a user runs it.

A second kernel client (connected with the kernel's connection file) reads
and sets the widget from Python while the page shows it.
"""

from __future__ import annotations

import time

import nbformat
import pytest
from harness import (
    EXAMPLES,
    VIEWER,
    canvas_pixels,
    menu_command,
    read_trace,
    set_slider,
    start_trace,
    viewer_state,
    wait_attribute,
    wait_drawn,
    wait_kernel_idle,
)

pytestmark = pytest.mark.e2e

# What the walkthrough's last cell shows, from the notebook's own parameters:
# two tori of make_torus_point_cloud(n_points=50) -> 50**2 points each;
# n_samples = 10000; the default flow (projection) runs 20 epochs, one frame
# per epoch plus the starting sample.
N_DATA = 2 * 50**2
N_SAMPLES = 10_000
N_FRAMES = 20 + 1
LAST = N_FRAMES - 1


def _wait_python(kernel, expression, expected, timeout=30):
    """Poll ``expression`` in the kernel until it equals ``expected``."""
    deadline = time.monotonic() + timeout
    value = None
    while time.monotonic() < deadline:
        value = kernel.eval(expression)
        if value == expected:
            return
        time.sleep(0.25)
    raise AssertionError(f"{expression} stayed {value!r}, expected {expected!r}")


def _wait_frame(page, k, timeout=60_000):
    wait_attribute(page, "frame", k, timeout=timeout)


def _not_blank(pixels):
    return (
        pixels is not None
        and pixels["count"] > 0.01 * pixels["width"] * pixels["height"]
    )


@pytest.mark.timeout(1500)
def test_seed_walkthrough_shows_plays_and_scrubs_the_flow(lab_notebook, web, lab):
    page = web.page
    name = f"{lab_notebook}.ipynb"
    lab.add_notebook(EXAMPLES / "seed_walkthrough.ipynb", name)
    lab.open_and_run_all(web, name)

    # Training and two flows of 10000 points take minutes on two cores.
    page.wait_for_selector(
        f"{VIEWER}[data-n-frames='{N_FRAMES}']", state="attached", timeout=900_000
    )
    wait_kernel_idle(page, timeout=300_000)
    viewer = page.locator(VIEWER)
    assert viewer.count() == 1
    viewer.scroll_into_view_if_needed()
    page.wait_for_function(
        "(sel) => document.querySelector(sel).dataset.webgl === 'ok'", arg=VIEWER
    )
    state = viewer_state(viewer)
    assert state["points-drawn"] == str(N_DATA)
    assert state["samples-drawn"] == str(N_SAMPLES)
    assert state["n-frames"] == str(N_FRAMES)
    assert state["mode"] == "3d"

    kernel = lab.kernel(name)
    try:
        assert kernel.eval("viewer.n_frames") == N_FRAMES

        # The notebook starts playback; it runs to the last frame and stops,
        # and the browser tells Python so.
        _wait_frame(page, LAST, timeout=120_000)
        page.wait_for_function(
            "(sel) => document.querySelector(sel + ' .gdeep-play')"
            ".getAttribute('aria-pressed') === 'false'",
            arg=VIEWER,
        )
        _wait_python(kernel, "[viewer.frame, viewer.playing]", [LAST, False])
        last = canvas_pixels(viewer)
        assert _not_blank(last), last
        web.shoot("last-frame", viewer)

        # Play again from the start: the frame advances, then stops at the end.
        start_trace(viewer)
        viewer.locator(".gdeep-play").click()
        page.wait_for_function(
            "(sel) => { const v = document.querySelector(sel);"
            " return Number(v.dataset.frame) >= 3 && Number(v.dataset.frame) < 15; }",
            arg=VIEWER,
        )
        web.shoot("playing", viewer)
        _wait_frame(page, LAST, timeout=120_000)
        frames = [entry["frame"] for entry in read_trace(viewer)]
        assert 0 in frames, f"playback should restart from frame 0: {frames}"
        frames = frames[frames.index(0) :]
        assert frames == sorted(frames), frames
        assert len(set(frames)) >= 5, frames

        # Scrub with the slider: the view shows frame k (its epoch in the
        # label) and Python hears of it.
        k = 7
        set_slider(viewer, k)
        _wait_frame(page, k)
        label = viewer.locator(".gdeep-frame-label").inner_text()
        assert f"frame {k + 1} / {N_FRAMES}" in label and f"epoch {k}" in label
        _wait_python(kernel, "viewer.frame", k)
        assert viewer_state(viewer)["samples-drawn"] == str(N_SAMPLES)
        web.shoot(f"scrubbed-{k}", viewer)

        # Drive the frame from Python.
        kernel.run("viewer.frame = 0")
        _wait_frame(page, 0)
        assert "epoch 0" in viewer.locator(".gdeep-frame-label").inner_text()
        first = canvas_pixels(viewer)
        assert _not_blank(first), first
        assert first["hash"] != last["hash"]
        web.shoot("python-frame-0", viewer)

        # A frame pushed live is drawn and followed when the last one is shown.
        kernel.run(f"viewer.frame = {LAST}")
        _wait_frame(page, LAST)
        kernel.run("viewer.add_frame(flows['ent'].frames_[0][::2])")
        _wait_frame(page, N_FRAMES)
        state = viewer_state(viewer)
        assert state["n-frames"] == str(N_FRAMES + 1)
        assert state["samples-drawn"] == str(N_SAMPLES // 2)
        assert kernel.eval("viewer.error") == ""
    finally:
        kernel.close()
    assert web.errors() == []


SHOWN_TWENTY_TIMES = [
    """\
import numpy as np
from IPython.display import display
from gdeep_widgets import FlowViewer

rng = np.random.default_rng(0)
X = rng.normal(size=(300, 3))
viewer = FlowViewer(X, (X[:, 0] > 0).astype(int), title="twenty times", height=200)
start = rng.uniform(-2, 2, size=(200, 3))
for t in np.linspace(0, 1, 6):
    viewer.add_frame(start * (1 - 0.8 * t), np.abs(start[:, 0]) * (1 - t) * 0.2)""",
    "for _ in range(20):\n    display(viewer)",
]

# Live renderers and canvases of the page, sampled on every animation frame
# (the budget is page-wide, shared through a global symbol by every copy of
# the bundle that JupyterLab loads).
LIVE_SAMPLER = """() => {
  window.__maxCanvases = 0;
  window.__maxLive = 0;
  const live = () => {
    const budget = globalThis[Symbol.for('gdeep_widgets.webgl_budget')];
    return budget ? budget.live.size : 0;
  };
  (function sample() {
    window.__maxCanvases = Math.max(window.__maxCanvases,
      document.querySelectorAll('.gdeep-flow-viewer canvas').length);
    window.__maxLive = Math.max(window.__maxLive, live());
    requestAnimationFrame(sample);
  })();
  window.__live = live;
}"""


@pytest.mark.timeout(600)
def test_viewer_shown_twenty_times_keeps_contexts_bounded(lab_notebook, web, lab):
    page = web.page
    name = f"{lab_notebook}.ipynb"
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(src) for src in SHOWN_TWENTY_TIMES]
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    lab.add_notebook(dict(notebook), name)
    page.goto(f"{lab.base_url}/lab/tree/{name}?reset")
    page.wait_for_selector(".jp-Notebook", timeout=120_000)
    page.evaluate(LIVE_SAMPLER)
    wait_kernel_idle(page)
    menu_command(page, "Run", "Run All Cells")

    page.wait_for_function(
        f"() => document.querySelectorAll('{VIEWER}[data-n-frames=\"6\"]')"
        ".length === 20",
        timeout=240_000,
    )
    wait_kernel_idle(page)
    # Views in sight draw; wait until those on screen have a context or a hint.
    page.wait_for_function(
        """() => [...document.querySelectorAll('.gdeep-flow-viewer')].some(
             (v) => v.dataset.webgl === 'ok' && Number(v.dataset.renderCount) > 0)"""
    )
    web.shoot("twenty")
    views = page.locator(VIEWER)
    for i in range(20):
        state = viewer_state(views.nth(i))
        assert state["points-drawn"] == "300", (i, state)
        assert state["samples-drawn"] == "200", (i, state)
    # Scroll through all of them: each comes into sight and draws.
    for i in range(20):
        views.nth(i).scroll_into_view_if_needed()
        views.nth(i).hover()
        wait_drawn(page, index=i)
    measured = page.evaluate(
        "() => ({maxLive: window.__maxLive, maxCanvases: window.__maxCanvases,"
        " live: window.__live()})"
    )
    assert 1 <= measured["maxLive"] <= 8, measured
    assert measured["maxCanvases"] <= 8, measured
    assert web.warnings(r"Too many active WebGL contexts") == []
    assert page.locator(f"{VIEWER}[data-webgl='lost']").count() == 0

    # Clearing the outputs removes the views, and with them every context.
    menu_command(page, "Edit", "Clear Outputs of All Cells")
    page.wait_for_function(
        f"() => document.querySelectorAll('{VIEWER}').length === 0"
        " && document.querySelectorAll('canvas').length === 0"
        " && window.__live() === 0",
        timeout=30_000,
    )
    assert web.errors() == []
