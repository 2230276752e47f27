"""Points that move far between frames are all drawn (nothing is culled).

Frame 0 sits in a small cube at the origin, frame 1 is the same cloud shifted
by +10 on every axis. The camera fits both. Then the user pans and zooms
onto frame 1's place, so that frame 0 is out of view: a bounding volume kept
from frame 0 (three.js computes it once per geometry) would now make the
renderer skip frame 1 entirely.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from harness import (
    PIXELS_JS,
    VIEWER,
    canvas_pixels,
    set_slider,
    viewer_state,
    wait_attribute,
    wait_drawn,
)

from gdeep_widgets import FlowViewer

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

N_POINTS = 500
SHIFT = 10.0


def _page(tmp_path, n_dims):
    rng = np.random.default_rng(0)
    start = rng.uniform(0.0, 1.0, size=(N_POINTS, n_dims))
    viewer = FlowViewer(title=f"culling {n_dims}D")
    # Distances far from the boundary: every point is drawn in one dark colour.
    viewer.add_frame(start, np.full(N_POINTS, 0.4))
    viewer.add_frame(start + SHIFT, np.full(N_POINTS, 0.4))
    viewer.frame = 0
    return viewer.save_html(tmp_path / f"culling-{n_dims}d.html")


def _show(page, viewer, k):
    set_slider(viewer, k)
    wait_attribute(page, "frame", k)
    return viewer_state(viewer), canvas_pixels(viewer)


def _drag(page, start, end, button):
    page.mouse.move(*start)
    page.mouse.down(button=button)
    page.mouse.move(*end, steps=10)
    page.mouse.up(button=button)


def _settled_pixels(page, viewer):
    """Pixels once the camera has settled (two reads 300 ms apart agree)."""
    page.wait_for_function(
        """([sel, js]) => new Promise((resolve) => {
             const pixels = eval(js);
             const root = document.querySelector(sel);
             const a = pixels(root, 60).hash;
             setTimeout(() => resolve(pixels(root, 60).hash === a), 300);
           })""",
        arg=[VIEWER, PIXELS_JS],
    )
    return canvas_pixels(viewer)


@pytest.mark.parametrize("n_dims", [2, 3])
def test_far_moved_frame_is_drawn_in_full(web, tmp_path, n_dims):
    page = web.page
    page.goto(_page(tmp_path, n_dims).as_uri())
    viewer = page.locator(VIEWER)
    wait_drawn(page)
    assert viewer_state(viewer)["mode"] == f"{n_dims}d"

    state0, pixels0 = _show(page, viewer, 0)
    web.shoot("frame0", viewer)
    state1, pixels1 = _show(page, viewer, 1)
    web.shoot("frame1", viewer)

    for state in (state0, state1):
        assert state["samples-drawn"] == str(N_POINTS)
        assert state["points-drawn"] == "0"
    # 500 points of several pixels each, even where they overlap.
    for pixels in (pixels0, pixels1):
        assert pixels["count"] >= 200, pixels
    height = pixels1["height"]
    if n_dims == 2:
        # Top-down view of x right, y up: the origin cube lies bottom left and
        # the shifted one top right; nothing else is drawn.
        top_left, top_right, bottom_left, bottom_right = range(4)
        assert pixels0["quadrants"][bottom_left] == pixels0["count"], pixels0
        assert pixels1["quadrants"][top_right] == pixels1["count"], pixels1
    else:
        # In 3D the two clouds are far apart on screen, the shifted one higher
        # (y is up).
        (x0, y0), (x1, y1) = pixels0["centroid"], pixels1["centroid"]
        assert math.hypot(x1 - x0, y1 - y0) > 0.2 * height, (pixels0, pixels1)
        assert y1 < y0 - 0.1 * height, (pixels0, pixels1)

    # Bring frame 1's place to the middle of the view and zoom in, while frame
    # 0 is shown; in 3D, orbit first, so the two clouds do not line up in depth.
    _show(page, viewer, 0)
    box = viewer.locator("canvas").bounding_box()
    scale = box["width"] / pixels1["width"]
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    if n_dims == 3:
        _drag(page, middle, (middle[0] + 100, middle[1]), "left")
        _show(page, viewer, 1)
        pixels1 = _settled_pixels(page, viewer)
        _show(page, viewer, 0)
    x1, y1 = pixels1["centroid"]
    _drag(page, (box["x"] + x1 * scale, box["y"] + y1 * scale), middle, "right")
    for _ in range(2):
        page.mouse.wheel(0, -200)
    moved = _settled_pixels(page, viewer)
    web.shoot("frame0-panned", viewer)
    assert moved["count"] == 0, ("frame 0 should be out of view now", moved)

    state, pixels = _show(page, viewer, 1)
    web.shoot("frame1-panned", viewer)
    assert state["samples-drawn"] == str(N_POINTS)
    assert pixels["count"] >= 200, pixels
    cx, cy = pixels["centroid"]
    assert abs(cx - pixels["width"] / 2) < 0.25 * pixels["width"], pixels
    assert abs(cy - pixels["height"] / 2) < 0.25 * pixels["height"], pixels
    assert web.errors() == []
