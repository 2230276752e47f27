"""Take the README pictures, in docs/, with the browser-test plumbing.

Each picture shows what a visitor gets from a documented command:

- ``docs/app-voila.png``: ``voila examples/app.ipynb`` after Train and Flow
  on the moons;
- ``docs/viewer-3d.png``: the page of ``gdeep-widgets demo tori-entangled``
  during the flow;
- ``docs/viewer-2d.png``: the page of ``gdeep-widgets demo circles`` at the
  end of the flow, over the network's output;
- ``docs/walkthrough-lab.png``: ``examples/seed_walkthrough.ipynb`` run in
  JupyterLab, scrolled to its viewer.

Servers, kernels and Chromium run in a temporary Jupyter environment (see
tests/e2e/harness.py); nothing is written outside it but the pictures. The
PNGs are recompressed at the highest zlib level, pixels unchanged.

Usage::

    python scripts/screenshots.py                 # all four, into docs/
    python scripts/screenshots.py viewer-3d --out /tmp/shots
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e"))

from harness import (  # noqa: E402
    APP,
    EXAMPLES,
    VIEWER,
    environ,
    find_chromium,
    hermetic_env,
    launch_chromium,
    menu_command,
    run_app_job,
    set_slider,
    start_lab,
    start_voila,
    viewer_state,
    wait_attribute,
    wait_drawn,
    wait_kernel_idle,
)


#: Pictures larger than this are reported: they weigh on the README.
MAX_BYTES = 500_000


# -- PNG ----------------------------------------------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(kind, body):
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def recompress_png(path):
    """Rewrite ``path`` with one IDAT at zlib level 9; return (before, after) sizes.

    The filtered scanlines are kept as they are, so the pixels do not change;
    ancillary chunks (text, time, physical size) are dropped.
    """
    data = Path(path).read_bytes()
    if data[:8] != PNG_SIGNATURE:
        raise ValueError(f"{path} is not a PNG file.")
    header, idat, keep = None, [], []
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat.append(body)
        elif kind in (b"PLTE", b"tRNS", b"sRGB", b"gAMA", b"cHRM", b"iCCP"):
            keep.append((kind, body))
    raw = zlib.decompress(b"".join(idat))
    compressor = zlib.compressobj(9, zlib.DEFLATED, 15, 9)
    packed = compressor.compress(raw) + compressor.flush()
    out = PNG_SIGNATURE + _chunk(b"IHDR", header)
    out += b"".join(_chunk(kind, body) for kind, body in keep)
    out += _chunk(b"IDAT", packed) + _chunk(b"IEND", b"")
    if len(out) < len(data):
        Path(path).write_bytes(out)
        return len(data), len(out)
    return len(data), len(data)


# -- helpers ------------------------------------------------------------------


def _clip(page, locator, margin=12):
    """Screenshot clip around ``locator``, ``margin`` pixels wider, in the page."""
    box = locator.bounding_box()
    size = page.viewport_size
    x = max(box["x"] - margin, 0)
    y = max(box["y"] - margin, 0)
    return {
        "x": x,
        "y": y,
        "width": min(box["x"] + box["width"] + margin, size["width"]) - x,
        "height": min(box["y"] + box["height"] + margin, size["height"]) - y,
    }


def _demo_page(env, work, dataset):
    """Run ``gdeep-widgets demo dataset`` as a user would; return the page path."""
    out = work / f"{dataset}.html"
    script = Path(sys.executable).with_name("gdeep-widgets")
    command = [str(script)] if script.is_file() else [
        sys.executable, "-c",
        "import sys; from gdeep_widgets.cli import main; sys.exit(main())",
    ]  # fmt: skip
    command += ["demo", dataset, "--out", str(out), "--seed", "0"]
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=900
    )
    if result.returncode != 0:
        output = result.stdout[-2000:] + result.stderr[-2000:]
        raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
    return out


def _drag(page, locator, dx, dy, steps=12):
    """Drag with the left button across the middle of ``locator`` (orbit)."""
    box = locator.bounding_box()
    x = box["x"] + box["width"] / 2
    y = box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=steps)
    page.mouse.up()


def _settle(page, ms=400):
    # Two animation frames and a short pause: the last draw has landed.
    page.evaluate(
        "() => new Promise((r) => requestAnimationFrame("
        "() => requestAnimationFrame(r)))"
    )
    page.wait_for_timeout(ms)


# -- the pictures ---------------------------------------------------------------


def shoot_viewer_3d(browser, env, work, path):
    page_file = _demo_page(env, work, "tori-entangled")
    page = browser.new_page(viewport={"width": 800, "height": 560})
    try:
        page.goto(page_file.as_uri())
        viewer = page.locator(VIEWER)
        wait_drawn(page)
        # Epoch 2: most points on the boundary, the last ones on their way,
        # coloured by their distance to it.
        set_slider(viewer, 2)
        wait_attribute(page, "frame", 2)
        # A little to the left of the default angle: the linked tori side by
        # side, the boundary between them.
        _drag(page, viewer.locator(".gdeep-stage"), -12, 0)
        page.mouse.move(1, 1)
        _settle(page)
        page.screenshot(path=str(path), clip=_clip(page, viewer, margin=0))
    finally:
        page.close()


def shoot_viewer_2d(browser, env, work, path):
    page_file = _demo_page(env, work, "circles")
    page = browser.new_page(viewport={"width": 940, "height": 560})
    try:
        page.goto(page_file.as_uri())
        viewer = page.locator(VIEWER)
        wait_drawn(page)
        last = int(viewer_state(viewer)["n-frames"]) - 1
        set_slider(viewer, last)
        wait_attribute(page, "frame", last)
        _settle(page)
        page.screenshot(path=str(path), clip=_clip(page, viewer, margin=0))
    finally:
        page.close()


def _set_number(locator, value):
    locator.fill(str(value))
    locator.press("Enter")


def shoot_app_voila(browser, env, work, path):
    log = work / "voila.log"
    server, base = start_voila(EXAMPLES / "app.ipynb", env, log)
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    try:
        page.goto(f"{base}/", timeout=180_000)
        page.wait_for_selector(APP, timeout=180_000)
        viewer = page.locator(f"{APP} {VIEWER}")
        wait_drawn(page, selector=f"{APP} {VIEWER}", timeout=180_000)

        previous = page.locator(f"{APP} .gdeep-param-n-samples input").element_handle()
        page.locator(f"{APP} .gdeep-dataset-select select").select_option(label="Moons")
        previous.wait_for_element_state("hidden")
        page.get_by_role("tab", name="Model").click()
        _set_number(page.locator(f"{APP} .gdeep-n-epochs input"), 30)
        run_app_job(page, "gdeep-train-button", "gdeep-job-train", timeout=600_000)
        page.get_by_role("tab", name="Flow").click()
        run_app_job(page, "gdeep-flow-button", "gdeep-job-flow", timeout=600_000)
        last = int(page.locator(f"{APP} .gdeep-flow-epochs input").input_value())
        wait_attribute(page, "frame", last, selector=f"{APP} {VIEWER}")
        # The mouse away from the buttons, so that none is shown hovered.
        page.mouse.move(1, 1)
        _settle(page, 800)
        page.screenshot(path=str(path), clip=_clip(page, page.locator(APP)))
        state = viewer_state(viewer)
        print(f"  app: {state['points-drawn']} data, {state['samples-drawn']} samples")
    finally:
        page.close()
        server.stop()


def shoot_walkthrough_lab(browser, env, work, path):
    root = work / "lab-root"
    root.mkdir()
    name = "seed_walkthrough.ipynb"
    shutil.copy(EXAMPLES / name, root / name)
    server, base = start_lab(root, env, work / "jupyterlab.log")
    page = browser.new_page(viewport={"width": 1280, "height": 850})
    try:
        page.goto(f"{base}/lab/tree/{name}?reset")
        page.wait_for_selector(".jp-Notebook", timeout=120_000)
        wait_kernel_idle(page, timeout=180_000)
        menu_command(page, "Run", "Run All Cells")
        # Training and two flows of 10000 points take minutes on two cores.
        page.wait_for_selector(
            f"{VIEWER}[data-n-frames='21']", state="attached", timeout=1_200_000
        )
        wait_kernel_idle(page, timeout=600_000)
        # The notebook plays the flow once; wait for its end.
        page.wait_for_function(
            """(sel) => { const v = document.querySelector(sel);
                 return Number(v.dataset.frame) === Number(v.dataset.nFrames) - 1
                   && v.querySelector('.gdeep-play')
                     .getAttribute('aria-pressed') === 'false'; }""",
            arg=VIEWER,
            timeout=300_000,
        )
        # Room for the notebook: fold the file browser away.
        page.locator(".jp-SideBar.jp-mod-left .lm-TabBar-tab.lm-mod-current").click()
        heading = page.locator(".jp-MarkdownCell", has_text="Watching the flow")
        heading.evaluate("(cell) => cell.scrollIntoView({ block: 'start' })")
        page.mouse.move(1, 400)
        wait_drawn(page)
        _settle(page, 1000)
        page.screenshot(path=str(path))
    finally:
        page.close()
        with contextlib.suppress(Exception):
            server.stop()


SHOTS = {
    "app-voila": shoot_app_voila,
    "viewer-3d": shoot_viewer_3d,
    "viewer-2d": shoot_viewer_2d,
    "walkthrough-lab": shoot_walkthrough_lab,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "names", nargs="*", help=f"pictures to take: {', '.join(SHOTS)} (all)"
    )
    parser.add_argument("--out", default=str(ROOT / "docs"), help="folder (docs/)")
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in SHOTS]
    if unknown:
        parser.error(f"unknown picture {unknown[0]!r}; known: {', '.join(SHOTS)}.")
    names = args.names or list(SHOTS)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    chromium = find_chromium()
    if chromium is None:
        sys.exit(
            "Chromium not found: install Debian's chromium (make setup-browser) "
            "or name a binary in GDEEP_CHROMIUM."
        )
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="gdeep-shots-") as tmp:
        work = Path(tmp)
        env = hermetic_env(work / "env")
        # Two cores are shared by the kernel and software WebGL.
        env["OMP_NUM_THREADS"] = "1"
        env["MKL_NUM_THREADS"] = "1"
        with environ(env):
            playwright = sync_playwright().start()
        try:
            browser = launch_chromium(playwright, chromium)
            for name in names:
                path = out / f"{name}.png"
                start = time.perf_counter()
                print(f"{name}: ...", flush=True)
                shot_dir = work / name
                shot_dir.mkdir()
                SHOTS[name](browser, env, shot_dir, path)
                before, after = recompress_png(path)
                seconds = time.perf_counter() - start
                note = "" if after <= MAX_BYTES else f" (over {MAX_BYTES:,} bytes)"
                print(
                    f"{name}: {path} {after / 1000:.0f} kB (from {before / 1000:.0f} "
                    f"kB) in {seconds:.0f} s{note}",
                    flush=True,
                )
            browser.close()
        finally:
            playwright.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
