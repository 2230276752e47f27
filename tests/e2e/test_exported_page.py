"""The page written by ``gdeep-widgets demo``, opened offline from a file:// URL."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from harness import (
    VIEWER,
    canvas_pixels,
    read_trace,
    set_slider,
    start_trace,
    viewer_state,
    wait_attribute,
    wait_drawn,
)

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

# The demo's tori-entangled experiment: two tori of 50 x 50 points each.
N_DATA = 2 * 50**2
N_SAMPLES = 1500
FLOW_EPOCHS = 12
N_FRAMES = FLOW_EPOCHS + 1  # frame 0 is the starting sample

# Records Content-Security-Policy violations: a blocked load is a request the
# page tried to make.
CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__cspViolations.push(e.blockedURI + ' ' + e.violatedDirective));
"""


@pytest.fixture(scope="module")
def demo_page(tmp_path_factory, e2e_env):
    """Run the demo command as a user would; returns the written page."""
    out = tmp_path_factory.mktemp("demo") / "tori.html"
    script = Path(sys.executable).with_name("gdeep-widgets")
    command = [str(script)] if script.is_file() else [
        sys.executable, "-c", "import sys; from gdeep_widgets.cli import main; "
        "sys.exit(main())"
    ]  # fmt: skip
    command += [
        "demo", "tori-entangled", "--out", str(out), "--n-samples", str(N_SAMPLES),
        "--flow-epochs", str(FLOW_EPOCHS), "--seed", "0",
    ]  # fmt: skip
    result = subprocess.run(
        command, env=e2e_env, capture_output=True, text=True, timeout=480
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert out.is_file(), result.stdout[-3000:]
    return out


@pytest.fixture
def offline(web):
    """The page with every http(s) request aborted and recorded."""
    blocked = []

    def abort(route):
        blocked.append(route.request.url)
        route.abort()

    web.page.route("http://**/*", abort)
    web.page.route("https://**/*", abort)
    web.page.add_init_script(CSP_PROBE)
    web.blocked = blocked
    return web


def test_exported_page_renders_plays_and_scrubs_offline(offline, demo_page, artifacts):
    page = offline.page
    shutil.copy(demo_page, artifacts / "exported-tori.html")
    page.goto(demo_page.as_uri())
    viewer = page.locator(VIEWER)
    wait_drawn(page)

    state = viewer_state(viewer)
    assert state["points-drawn"] == str(N_DATA)
    assert state["samples-drawn"] == str(N_SAMPLES)
    assert state["n-frames"] == str(N_FRAMES)
    assert state["mode"] == "3d"
    assert state["frame"] == "0"
    pixels = canvas_pixels(viewer)
    assert pixels["count"] > 0.01 * pixels["width"] * pixels["height"], pixels
    offline.shoot("frame0", viewer)

    # Play: the frame advances without a kernel.
    start_trace(viewer)
    viewer.locator(".gdeep-play").click()
    page.wait_for_function(
        "(sel) => Number(document.querySelector(sel).dataset.frame) >= 3",
        arg=VIEWER,
        timeout=60_000,
    )
    offline.shoot("playing", viewer)
    frames = [entry["frame"] for entry in read_trace(viewer)]
    assert frames == sorted(frames), frames
    assert len(set(frames)) >= 3, frames

    # Playback stops by itself on the last frame (loop is off).
    wait_attribute(page, "frame", N_FRAMES - 1, timeout=120_000)
    page.wait_for_function(
        "(sel) => document.querySelector(sel + ' .gdeep-play')"
        ".getAttribute('aria-pressed') === 'false'",
        arg=VIEWER,
    )
    last = canvas_pixels(viewer)
    assert viewer_state(viewer)["samples-drawn"] == str(N_SAMPLES)
    offline.shoot("last-frame", viewer)

    # Scrub back: the requested frame, with its epoch, is shown.
    k = 5
    set_slider(viewer, k)
    wait_attribute(page, "frame", k)
    label = viewer.locator(".gdeep-frame-label").inner_text()
    assert f"frame {k + 1} / {N_FRAMES}" in label and f"epoch {k}" in label, label
    scrubbed = canvas_pixels(viewer)
    assert scrubbed["count"] > 0.01 * scrubbed["width"] * scrubbed["height"]
    offline.shoot(f"scrubbed-{k}", viewer)

    # Back on frame 0, the drawing is the first one again, and not the last.
    set_slider(viewer, 0)
    wait_attribute(page, "frame", 0)
    again = canvas_pixels(viewer)
    assert again["hash"] == pixels["hash"]
    assert again["hash"] != last["hash"]

    assert offline.blocked == []
    assert page.evaluate("window.__cspViolations") == []
    remote = [
        u for u in offline.requests if not u.startswith(("file:", "data:", "blob:"))
    ]
    assert remote == []
    assert offline.errors() == []
