"""Twenty viewers on one page: live WebGL contexts stay within the budget.

Chromium keeps at most 16 live WebGL contexts per page and silently kills the
oldest beyond that. The viewer promises (FlowViewer's Notes) to keep at most 8
live per page, to show the others as a snapshot or a hint until hovered, and
to release a context when its view goes away.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from harness import (
    VIEWER,
    wait_drawn,
)

from gdeep_widgets import FlowViewer
from gdeep_widgets.widgets.flow_viewer import STANDALONE_BUNDLE

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

N_VIEWERS = 20
HEIGHT = 200  # each viewer's height trait, in CSS pixels
BUDGET = 8  # documented in FlowViewer's Notes
TOO_MANY = r"Too many active WebGL contexts"

# Samples the number of live contexts on every animation frame from page load.
SAMPLER = """
window.__maxLive = 0;
(function sample() {
  if (window.gdeepWidgets) {
    window.__maxLive = Math.max(window.__maxLive, gdeepWidgets.liveContexts());
  }
  requestAnimationFrame(sample);
})();
"""

STATE = """() => {
  const views = [...document.querySelectorAll('.gdeep-flow-viewer')];
  return {
    live: gdeepWidgets.liveContexts(),
    maxLive: window.__maxLive,
    canvases: document.querySelectorAll('.gdeep-flow-viewer canvas').length,
    webgl: views.map((v) => v.dataset.webgl),
    renders: views.map((v) => Number(v.dataset.renderCount)),
    snapshots: views.map((v) => {
      const img = v.querySelector('.gdeep-snapshot');
      return Boolean(img && !img.hidden && img.src.startsWith('data:image/png'));
    }),
    notices: views.map((v) => {
      const n = v.querySelector('.gdeep-notice');
      return n && !n.hidden ? n.textContent : '';
    }),
    stageHeights: views.map((v) => v.querySelector('.gdeep-stage').clientHeight),
    nearViewport: views.map((v) => {
      const r = v.getBoundingClientRect();
      return r.bottom > -100 && r.top < innerHeight + 100;
    }),
  };
}"""


def _payload_json(tmp_path):
    """The state a saved page embeds, read back from a page written by save_html."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 3))
    y = (X[:, 0] > 0).astype(int)
    viewer = FlowViewer(X, y, title="one of many", height=HEIGHT)
    start = rng.uniform(-2, 2, size=(200, 3))
    for t in np.linspace(0, 1, 6):
        points = start * (1 - 0.8 * t)
        viewer.add_frame(points, np.abs(points[:, 0]) * 0.2)
    html = viewer.save_html(tmp_path / "one.html").read_text(encoding="utf-8")
    match = re.search(
        r'<script type="application/json" id="gdeep-flow-viewer-state">(.*?)</script>',
        html,
        re.S,
    )
    assert match, "the saved page should embed its state"
    return match.group(1)


def _many_page(tmp_path, layout):
    css = {
        "grid": "#views{display:grid;grid-template-columns:repeat(5,1fr);gap:6px}",
        "stack": "#views>div{margin-bottom:24px}",
    }[layout]
    page = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body{{margin:0;padding:8px;font-family:sans-serif}}{css}</style></head>
<body><div id="views"></div>
<script type="application/json" id="payload">{_payload_json(tmp_path)}</script>
<script>{STANDALONE_BUNDLE.read_text(encoding="utf-8")}</script>
<script>
const payload = JSON.parse(document.getElementById("payload").textContent);
window.handles = [];
for (let i = 0; i < {N_VIEWERS}; i++) {{
  const cell = document.createElement("div");
  document.getElementById("views").appendChild(cell);
  window.handles.push(gdeepWidgets.mount(cell, payload));
}}
</script></body></html>"""
    path = tmp_path / f"many-{layout}.html"
    path.write_text(page, encoding="utf-8")
    return path


def _open(web, tmp_path, layout):
    web.page.add_init_script(SAMPLER)
    web.page.goto(_many_page(tmp_path, layout).as_uri())
    web.page.wait_for_function(
        f"() => document.querySelectorAll('{VIEWER}[data-webgl]').length"
        f" === {N_VIEWERS}"
    )


def _settled(page):
    """State once every view near the viewport has drawn or declined, twice alike."""
    page.wait_for_function(
        """() => [...document.querySelectorAll('.gdeep-flow-viewer')].every((v) => {
             const r = v.getBoundingClientRect();
             const near = r.bottom > -100 && r.top < innerHeight + 100;
             return !near || v.dataset.webgl === 'none'
               || (v.dataset.webgl === 'ok' && Number(v.dataset.renderCount) > 0);
           })""",
        timeout=60_000,
    )
    page.wait_for_function(
        f"""() => new Promise((resolve) => {{
             const read = () => JSON.stringify(({STATE})().webgl);
             const a = read();
             setTimeout(() => resolve(read() === a), 500);
           }})""",
        timeout=60_000,
    )
    return page.evaluate(STATE)


def _check_budget(state, web):
    assert state["maxLive"] <= BUDGET, state
    assert state["live"] == state["canvases"] == state["webgl"].count("ok"), state
    assert "lost" not in state["webgl"], state
    assert web.warnings(TOO_MANY) == []


def _destroy_all(page):
    page.evaluate("() => window.handles.forEach((h) => h.destroy())")
    return page.evaluate(
        """() => ({
             live: gdeepWidgets.liveContexts(),
             canvases: document.querySelectorAll('canvas').length,
             views: document.querySelectorAll('.gdeep-flow-viewer').length,
           })"""
    )


def test_twenty_visible_viewers_share_the_context_budget(web, tmp_path):
    page = web.page
    page.set_viewport_size({"width": 1300, "height": 1150})
    _open(web, tmp_path, "grid")
    state = _settled(page)
    web.shoot("grid")
    _check_budget(state, web)
    assert state["live"] >= 1, state
    # Five to a row, the controls wrap onto several rows; the drawing must
    # still keep most of the height.
    assert min(state["stageHeights"]) >= HEIGHT / 2, state["stageHeights"]
    # A view without a context tells the user why instead of staying blank.
    for webgl, notice, snapshot in zip(
        state["webgl"], state["notices"], state["snapshots"]
    ):
        assert webgl == "ok" or notice or snapshot, state

    # Hovering a view gives it a context (another one gives its up).
    views = page.locator(VIEWER)
    for i in range(N_VIEWERS):
        views.nth(i).hover()
        wait_drawn(page, index=i)
        state = page.evaluate(STATE)
        _check_budget(state, web)
    state = _settled(page)
    web.shoot("grid-hovered")
    _check_budget(state, web)
    # Every view has been drawn once, so the released ones keep a snapshot.
    for webgl, snapshot in zip(state["webgl"], state["snapshots"]):
        assert webgl == "ok" or snapshot, state

    after = _destroy_all(page)
    assert after == {"live": 0, "canvases": 0, "views": 0}
    assert web.errors() == []


def test_scrolled_away_viewers_release_their_contexts(web, tmp_path):
    page = web.page
    _open(web, tmp_path, "stack")
    state = _settled(page)
    web.shoot("stack-top")
    _check_budget(state, web)
    first_live = state["live"]
    assert first_live >= 1, state

    # Scroll to the bottom in steps, letting the views in sight draw.
    height = page.evaluate("() => document.documentElement.scrollHeight")
    for y in range(0, height, 600):
        page.evaluate(f"() => window.scrollTo(0, {y})")
        state = _settled(page)
        _check_budget(state, web)
    page.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    # Views far off screen give their contexts back after a few seconds.
    page.wait_for_function(
        f"""() => {{ const s = ({STATE})();
             return s.webgl.every((w, i) => s.nearViewport[i] || w === 'none'); }}""",
        timeout=30_000,
    )
    state = _settled(page)
    web.shoot("stack-bottom")
    _check_budget(state, web)
    near = sum(state["nearViewport"])
    assert state["live"] <= near, state
    # The first views were drawn, then released: they keep a snapshot.
    assert state["snapshots"][0] and state["webgl"][0] == "none", state
    snapshot_pixels = page.evaluate(
        """() => {
             const img = document.querySelector('.gdeep-snapshot');
             const c = document.createElement('canvas');
             c.width = img.naturalWidth; c.height = img.naturalHeight;
             const g = c.getContext('2d');
             g.drawImage(img, 0, 0);
             const d = g.getImageData(0, 0, c.width, c.height).data;
             let n = 0;
             for (let i = 0; i < d.length; i += 4) {
               if (d[i] + d[i + 1] + d[i + 2] < 600) n++;
             }
             return n;
           }"""
    )
    assert snapshot_pixels > 100, "the snapshot of a released view is blank"

    # Back at the top, the first view draws live again.
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_function(
        f"() => document.querySelector('{VIEWER}').dataset.webgl === 'ok'"
    )
    _check_budget(_settled(page), web)

    after = _destroy_all(page)
    assert after == {"live": 0, "canvases": 0, "views": 0}
    assert web.errors() == []
