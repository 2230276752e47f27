"""On-boundary points are drawn white with a dark ring, apart from every class.

One 2D page: a few sample points on the boundary (distance 0), drawn large,
next to data points of the orange and the yellow class. Their pixels must be
neither of those colours: white inside, a dark ring around.
"""

from __future__ import annotations

import numpy as np
import pytest
from harness import CANVAS_IMAGE_JS, VIEWER, viewer_state, wait_drawn

from gdeep_widgets import FlowViewer

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300)]

# Pixels of the right half of the canvas (the sample points), by kind.
SAMPLE_PIXELS_JS = "(root) => {" + CANVAS_IMAGE_JS + """
  const counts = { white: 0, ring: 0, yellow: 0, orange: 0 };
  for (let y = 0; y < height; y++) {
    for (let x = Math.ceil(width / 2); x < width; x++) {
      const i = (y * width + x) * 4;
      const [r, gr, b] = [data[i], data[i + 1], data[i + 2]];
      const grey = Math.max(r, gr, b) - Math.min(r, gr, b) < 40;
      if (r > 245 && gr > 245 && b > 245) counts.white += 1;
      else if (grey && Math.max(r, gr, b) < 200) counts.ring += 1;
      else if (r > 180 && gr > 140 && b < 120) {
        counts[gr > 200 ? 'yellow' : 'orange'] += 1;
      }
    }
  }
  return counts;
}"""

SWATCH_JS = """(root) => {
  const row = [...root.querySelectorAll('.gdeep-legend-row')]
    .find((r) => r.textContent.startsWith('on boundary'));
  const style = getComputedStyle(row.querySelector('.gdeep-swatch'));
  return {
    text: row.textContent,
    background: style.backgroundColor,
    ring: style.boxShadow,
  };
}"""


def _page(tmp_path):
    # Data of class 1 (orange) and class 6 (yellow) on the left, converged
    # sample points on the right, spaced so that none overlap.
    rng = np.random.default_rng(0)
    X = np.c_[rng.uniform(-4, -1, 40), rng.uniform(0, 3, 40)]
    y = np.r_[np.full(20, 1), np.full(20, 6)]
    grid = np.stack(np.meshgrid(np.arange(3.0), np.arange(4.0)), -1).reshape(-1, 2)
    viewer = FlowViewer(X, y, point_size=24, class_names=[str(k) for k in range(7)])
    viewer.add_frame(grid + [1, 0], np.zeros(len(grid)))
    return viewer.save_html(tmp_path / "colors.html")


def test_on_boundary_points_are_white_with_a_dark_ring(web, tmp_path):
    page = web.page
    page.goto(_page(tmp_path).as_uri())
    viewer = page.locator(VIEWER)
    wait_drawn(page)
    web.shoot("drawn", viewer)

    assert viewer_state(viewer)["samples-drawn"] == "12"
    counts = viewer.evaluate(SAMPLE_PIXELS_JS)
    assert counts["yellow"] == 0 and counts["orange"] == 0, counts
    # Twelve rings round 24-pixel points: a circle of 60 pixels or more each.
    assert counts["ring"] > 12 * 60, counts
    assert counts["white"] > 0.5 * sum(counts.values()), counts
    swatch = viewer.evaluate(SWATCH_JS)
    assert swatch["background"] == "rgb(255, 255, 255)", swatch
    assert "inset" in swatch["ring"], swatch
    assert swatch["text"] == "on boundary (< δ = 0.01)", swatch
    assert web.errors() == []
