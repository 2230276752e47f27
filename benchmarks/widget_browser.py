"""Browser-side widget benchmark: from Python sending a frame to the browser having it.

A JupyterLab server (hermetic, in a temp dir) runs a notebook that shows a
FlowViewer and a throwaway anywidget with two plain ``traitlets.List``
traits; Chromium (Debian's, driven by Playwright) shows the notebook, and a
second kernel client sends frames from the notebook's namespace:

- binary: ``viewer.add_frame(P, d)``, one custom message with two float32
  buffers; timed until the viewer has *drawn* the frame (its
  ``data-render-count``/``data-frame`` change, seen by a MutationObserver);
- JSON: the same positions and distances as lists (``P.ravel().tolist()``,
  ``d.tolist()``), set on the List traits in one message; timed until the
  browser has *decoded* them into Float32Arrays (not drawn: the JSON side
  does strictly less browser work, so the ratio understates binary's lead).

Both clocks are the machine's wall clock (``time.time()`` in the kernel,
``performance.timeOrigin + performance.now()`` in the page). It prints the
median per size, the kernel's share (until the send returns) and the ratio
JSON / binary. Software WebGL and two shared cores make absolute times
machine-specific; compare ratios from one run.

    python benchmarks/widget_browser.py [--repeats 5] [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from harness import (  # noqa: E402
    VIEWER,
    KernelDriver,
    find_chromium,
    hermetic_env,
    lab_kernel_connection_file,
    launch_chromium,
    menu_command,
    start_lab,
    start_trace,
    wait_kernel_idle,
)

SIZES = (10_000, 100_000)

SINK_ESM = r"""
function render({ model, el }) {
  const root = document.createElement("div");
  root.className = "json-frame-sink";
  root.dataset.received = "0";
  el.appendChild(root);
  let count = 0;
  const onFrame = () => {
    // What a JSON frame needs before it can be drawn: typed arrays.
    const positions = Float32Array.from(model.get("positions"));
    const distances = Float32Array.from(model.get("distances"));
    count += 1;
    root.dataset.n = String(distances.length);
    root.dataset.coordinates = String(positions.length);
    root.dataset.t = String(performance.timeOrigin + performance.now());
    root.dataset.received = String(count);
  };
  model.on("change:distances", onFrame);
  return () => model.off("change:distances", onFrame);
}
export default { render };
"""

SETUP = f'''\
import time

import anywidget
import numpy as np
import traitlets
from gdeep_widgets import FlowViewer


class JsonFrame(anywidget.AnyWidget):
    """Throwaway widget: a frame as JSON lists, decoded in the browser."""

    _esm = {SINK_ESM!r}
    positions = traitlets.List().tag(sync=True)
    distances = traitlets.List().tag(sync=True)


rng = np.random.default_rng(0)
viewer = FlowViewer(data=rng.normal(size=(200, 3)), title="benchmark", height=420)
sink = JsonFrame()
frames = {{}}


def make_frames(n, count):
    frames[n] = [
        (rng.uniform(-2, 2, size=(n, 3)).astype(np.float32),
         rng.uniform(0, 0.5, size=n).astype(np.float32))
        for _ in range(count)
    ]


def send_binary(n, k):
    P, d = frames[n][k]
    t0 = time.time()
    viewer.add_frame(P, d)
    return t0, time.time()


def send_json(n, k):
    P, d = frames[n][k]
    t0 = time.time()
    with sink.hold_sync():
        sink.positions = P.ravel().tolist()
        sink.distances = d.tolist()
    return t0, time.time()
'''

SHOW = "display(viewer)\ndisplay(sink)"


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(SHOW)]
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    return nb


def _settle(page):
    """Let the page finish the previous trial's work (decoding, GC, drawing)."""
    for _ in range(2):
        page.evaluate(
            "() => new Promise((resolve) => requestIdleCallback(() => resolve(),"
            " {timeout: 2000}))"
        )


def _binary_trial(page, kernel, n, k):
    """Seconds from add_frame to the drawn frame, and the kernel's share."""
    _settle(page)
    root = page.locator(VIEWER)
    expected = int(root.get_attribute("data-n-frames")) + 1
    start_trace(root)
    t0, t1 = kernel.eval(f"send_binary({n}, {k})")
    page.wait_for_function(
        f"""(sel) => (document.querySelector(sel).__gdeepTrace || []).some(
             (e) => e.nFrames === {expected} && e.frame === {expected - 1})""",
        arg=VIEWER,
        timeout=120_000,
    )
    drawn = page.evaluate(
        f"""(sel) => document.querySelector(sel).__gdeepTrace.find(
             (e) => e.nFrames === {expected} && e.frame === {expected - 1}).t""",
        VIEWER,
    )
    samples = page.locator(VIEWER).get_attribute("data-samples-drawn")
    assert samples == str(n), f"the viewer drew {samples} samples, expected {n}"
    return drawn / 1e3 - t0, t1 - t0


def _json_trial(page, kernel, n, k):
    """Seconds from setting the List traits to the decoded arrays, and the kernel's."""
    _settle(page)
    sink = page.locator(".json-frame-sink")
    expected = int(sink.get_attribute("data-received")) + 1
    t0, t1 = kernel.eval(f"send_json({n}, {k})")
    page.wait_for_function(
        f"() => document.querySelector('.json-frame-sink').dataset.received"
        f" === '{expected}'",
        timeout=300_000,
    )
    assert sink.get_attribute("data-n") == str(n)
    decoded = float(sink.get_attribute("data-t"))
    return decoded / 1e3 - t0, t1 - t0


def run(sizes, repeats, chromium):
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="gdeep-bench-") as tmp:
        tmp = Path(tmp)
        env = hermetic_env(tmp / "env")
        env["OMP_NUM_THREADS"] = "1"
        root = tmp / "root"
        root.mkdir()
        name = "bench.ipynb"
        nbformat.write(_notebook(), root / name)
        server, base_url = start_lab(root, env, tmp / "lab.log")
        try:
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright, chromium)
                page = browser.new_page(viewport={"width": 1280, "height": 1000})
                page.goto(f"{base_url}/lab/tree/{name}?reset")
                page.wait_for_selector(".jp-Notebook", timeout=120_000)
                wait_kernel_idle(page)
                menu_command(page, "Run", "Run All Cells")
                page.wait_for_selector(".json-frame-sink", state="attached")
                page.locator(VIEWER).scroll_into_view_if_needed()
                page.wait_for_function(
                    f"() => document.querySelector('{VIEWER}').dataset.webgl === 'ok'"
                )
                wait_kernel_idle(page)
                kernel = KernelDriver(
                    lab_kernel_connection_file(
                        base_url, name, env["JUPYTER_RUNTIME_DIR"]
                    )
                )
                try:
                    results = []
                    for n in sizes:
                        kernel.run(f"make_frames({n}, {2 * (repeats + 1)})", 600)
                        binary, json_ = [], []
                        # Alternate the two ways, first pair untimed (warm-up).
                        for k in range(repeats + 1):
                            b = _binary_trial(page, kernel, n, 2 * k)
                            j = _json_trial(page, kernel, n, 2 * k + 1)
                            if k:
                                binary.append(b)
                                json_.append(j)
                        results.append((n, binary, json_))
                finally:
                    kernel.close()
                browser.close()
        finally:
            server.stop()
    return results


def report(results, repeats):
    print("Python send -> browser: one flow frame (n points x 3 float32 + n distances)")
    print(f"medians of {repeats} runs; kernel = until the send returned in Python")
    header = (
        f"{'points':>8} | {'binary':>9} {'kernel':>8} | {'JSON':>9} {'kernel':>8} | "
        f"{'JSON/binary':>11}"
    )
    print(header)
    print(
        f"{'':>8} | {'ms drawn':>9} {'ms':>8} | {'ms decoded':>9} {'ms':>8} | "
        f"{'ratio':>11}"
    )
    print("-" * len(header))
    for n, binary, json_ in results:
        b = statistics.median(t for t, _ in binary)
        bk = statistics.median(k for _, k in binary)
        j = statistics.median(t for t, _ in json_)
        jk = statistics.median(k for _, k in json_)
        print(
            f"{n:>8} | {1e3 * b:>9.0f} {1e3 * bk:>8.0f} | {1e3 * j:>9.0f} "
            f"{1e3 * jk:>8.0f} | {j / b:>11.1f}"
        )
    print(
        "binary is timed to the drawn frame, JSON only to the decoded arrays, so "
        "the ratio is a lower bound of binary's advantage."
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="timed runs per size")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="points per frame"
    )
    args = parser.parse_args(argv)
    chromium = find_chromium()
    if chromium is None:
        print(
            "widget_browser: Chromium not found; install Debian's chromium "
            "(make setup-browser).",
            file=sys.stderr,
        )
        return 2
    start = time.perf_counter()
    results = run(args.sizes, args.repeats, chromium)
    report(results, args.repeats)
    print(f"({time.perf_counter() - start:.0f} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
