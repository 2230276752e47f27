"""Plumbing for the browser tests and the browser benchmark.

A hermetic environment, JupyterLab and Voila servers on free ports, Chromium
through Playwright, a second kernel client, and the JS snippets that read the
viewer's DOM state and pixels. The pytest fixtures in ``conftest.py`` and
``benchmarks/widget_browser.py`` both build on it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

# Software WebGL through SwiftShader; no network chatter from Chromium itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

VIEWER = ".gdeep-flow-viewer"
APP = ".gdeep-app"

ENV_DIRS = {
    "JUPYTER_CONFIG_DIR": "jupyter-config",
    "JUPYTER_DATA_DIR": "jupyter-data",
    "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
    "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
    "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
    "IPYTHONDIR": "ipython",
    "XDG_CONFIG_HOME": "xdg-config",
    "XDG_CACHE_HOME": "xdg-cache",
    "TMPDIR": "tmp",
}

# Settings that stop JupyterLab from reaching for the network on its own
# (news feed, update check); the tests abort such requests anyway.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def find_chromium():
    """Path of the Chromium binary, or None.

    GDEEP_CHROMIUM, when set, names the binary to use (and only that one).
    """
    wanted = os.environ.get("GDEEP_CHROMIUM")
    candidates = [wanted] if wanted else [shutil.which("chromium"), "/usr/bin/chromium"]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def hermetic_env(base):
    """Environment whose Jupyter, IPython, XDG and temp folders are under ``base``."""
    base = Path(base)
    env = dict(os.environ)
    for name, sub in ENV_DIRS.items():
        path = base / sub
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    settings = base / ENV_DIRS["JUPYTERLAB_SETTINGS_DIR"]
    for rel, value in LAB_SETTINGS.items():
        target = settings / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value), encoding="utf-8")
    # The kernel runs with this interpreter (the venv's), which has the package.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])
    env.pop("JUPYTER_PATH", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


@contextlib.contextmanager
def environ(env):
    """Run the block with ``os.environ`` replaced by ``env``, then restore it."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """A child server process in its own process group, with its log in a file."""

    def __init__(self, name, cmd, env, cwd, log_path):
        self.name = name
        self.cmd = cmd
        # The private folder of this environment, found in its kernels' command
        # lines (their connection files live there).
        self.marker = str(Path(env["JUPYTER_RUNTIME_DIR"]).parent)
        self.log_path = Path(log_path)
        self._log = open(self.log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log_tail(self, n_chars=4000):
        try:
            return self.log_path.read_text(errors="replace")[-n_chars:]
        except OSError:
            return ""

    def wait_http(self, url, timeout):
        """Poll ``url`` until it answers 200; raise with the log tail otherwise."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"{self.name} exited with {self.proc.returncode} before it was "
                    f"ready:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError) as exc:
                last = exc
            time.sleep(0.25)
        raise TimeoutError(
            f"{self.name} did not answer {url} within {timeout} s ({last}):\n"
            f"{self.log_tail()}"
        )

    def stop(self, timeout=30):
        """Stop the server; it shuts its kernels down. Then kill what is left."""
        if self.proc.poll() is None:
            # SIGTERM: Jupyter Server and Voila shut their kernels down, then exit.
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        # Kernels run in sessions of their own; any left has its connection
        # file under this server's private folders.
        for pid in _kernels_under(self.marker):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        self._log.close()


def _kernels_under(folder):
    """Ids of kernel processes whose connection file is under ``folder``."""
    prefix = re.escape(folder.encode() + b"/")
    pattern = re.compile(prefix + rb"\S*kernel-[0-9a-f-]+\.json")
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
        except OSError:
            continue
        if pattern.search(cmdline):
            found.append(int(entry.name))
    return found


def _wait_or_stop(server, url, timeout):
    """Wait for ``url`` to answer; stop the server if it never does."""
    try:
        server.wait_http(url, timeout)
    except BaseException:
        server.stop()
        raise


def start_lab(root_dir, env, log_path, timeout=120):
    """Start JupyterLab serving ``root_dir``; returns ``(server, base_url)``."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        f"--port={port}",
        "--ip=127.0.0.1",
        "--ServerApp.token=",
        "--ServerApp.password=",
        "--allow-root",
        f"--ServerApp.root_dir={root_dir}",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    server = Server("JupyterLab", cmd, env, root_dir, log_path)
    base = f"http://127.0.0.1:{port}"
    _wait_or_stop(server, f"{base}/api/status", timeout)
    return server, base


def start_voila(notebook, env, log_path, timeout=120):
    """Start Voila on ``notebook``; returns ``(server, base_url)``."""
    port = free_port()
    notebook = Path(notebook)
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
    ]
    server = Server("Voila", cmd, env, notebook.parent, log_path)
    base = f"http://127.0.0.1:{port}"
    # Voila's root page runs the notebook; its static files answer at once.
    _wait_or_stop(server, f"{base}/voila/static/voila.js", timeout)
    return server, base


def launch_chromium(playwright, executable):
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


# -- kernel -------------------------------------------------------------------


def lab_kernel_connection_file(base_url, notebook_path, runtime_dir, timeout=60):
    """Connection file of the kernel of ``notebook_path`` (relative to the root)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base_url}/api/sessions", timeout=10) as r:
            sessions = json.load(r)
        for session in sessions:
            if session.get("path") == str(notebook_path) and session.get("kernel"):
                path = Path(runtime_dir) / f"kernel-{session['kernel']['id']}.json"
                if path.is_file():
                    return path
        time.sleep(0.5)
    raise TimeoutError(
        f"no kernel session for {notebook_path} within {timeout} s: {sessions}"
    )


class KernelDriver:
    """A second client of a running kernel: runs code in the notebook's namespace."""

    def __init__(self, connection_file):
        from jupyter_client import BlockingKernelClient

        self.client = BlockingKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)

    def run(self, code, timeout=120):
        """Execute ``code``; return its stdout; raise RuntimeError on an error."""
        msg_id = self.client.execute(code, store_history=False)
        out, error = [], None
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"kernel did not finish within {timeout} s: {code}")
            try:
                msg = self.client.get_iopub_msg(timeout=left)
            except Exception:  # queue.Empty
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream" and msg["content"]["name"] == "stdout":
                out.append(msg["content"]["text"])
            elif kind == "error":
                error = "\n".join(msg["content"]["traceback"])
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                break
        if error is not None:
            raise RuntimeError(f"kernel error running {code!r}:\n{error}")
        return "".join(out)

    def eval(self, expression, timeout=120):
        """Value of a JSON-serialisable ``expression`` in the kernel."""
        text = self.run(
            f"import json as _j; print(_j.dumps({expression}))", timeout=timeout
        )
        return json.loads(text.strip().splitlines()[-1])

    def close(self):
        self.client.stop_channels()


# -- JupyterLab page actions ----------------------------------------------------


def wait_kernel_idle(page, timeout=120_000):
    """Wait until the notebook's kernel status shows Idle."""
    page.wait_for_function(
        """() => {
          const node = document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Toolbar-kernelStatus');
          const label = node && (node.getAttribute('aria-label')
            || node.getAttribute('title') || '');
          if (/idle/i.test(label)) return true;
          const status = document.querySelector('#jp-main-statusbar');
          return Boolean(status && /\\|\\s*Idle/.test(status.textContent));
        }""",
        timeout=timeout,
    )


def menu_command(page, menu, item, timeout=30_000):
    """Click ``menu`` in the menu bar, then its entry ``item``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=menu).first.click(timeout=timeout)
    entry = page.locator(".lm-Menu-itemLabel", has_text=item).first
    entry.click(timeout=timeout)


# -- viewer state and pixels --------------------------------------------------

VIEWER_STATE_JS = """(root) => {
  const out = {};
  for (const a of root.attributes) {
    if (a.name.startsWith('data-')) out[a.name.slice(5)] = a.value;
  }
  return out;
}"""

# The start of a function body over a viewer's root element: copies its WebGL
# canvas into a 2D one and sets `data` (RGBA bytes), `width` and `height`;
# returns null when there is no canvas yet.
CANVAS_IMAGE_JS = """
  const canvas = root.querySelector('canvas');
  if (!canvas || !canvas.width || !canvas.height) return null;
  const copy = document.createElement('canvas');
  copy.width = canvas.width;
  copy.height = canvas.height;
  const g = copy.getContext('2d', { willReadFrequently: true });
  g.drawImage(canvas, 0, 0);
  const { data, width, height } = g.getImageData(0, 0, copy.width, copy.height);
"""

# Count canvas pixels that differ from the background colour (read from the
# canvas corner, as the viewer paints its background over the whole canvas):
# in total, per quadrant, and their centroid, in canvas pixel coordinates;
# plus a hash of the whole image, to tell two drawings apart.
PIXELS_JS = "(root, threshold) => {" + CANVAS_IMAGE_JS + """
  const bg = [data[0], data[1], data[2]];
  let n = 0, sx = 0, sy = 0, hash = 2166136261;
  const quadrants = [0, 0, 0, 0];  // top-left, top-right, bottom-left, bottom-right
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const rgb = data[i] | (data[i + 1] << 8) | (data[i + 2] << 16);
      hash = Math.imul(hash ^ rgb, 16777619);
      const d = Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1])
        + Math.abs(data[i + 2] - bg[2]);
      if (d > threshold) {
        n += 1; sx += x; sy += y;
        quadrants[(y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)] += 1;
      }
    }
  }
  return {
    count: n, width, height, background: bg, quadrants, hash: hash >>> 0,
    centroid: n ? [sx / n, sy / n] : null,
  };
}"""


_DRAWN_JS = """([sel, i]) => {
  const v = document.querySelectorAll(sel)[i];
  return Boolean(v) && v.dataset.webgl === 'ok'
    && Number(v.dataset.renderCount) > 0;
}"""


def wait_drawn(page, selector=VIEWER, index=0, timeout=60_000):
    """Wait until the ``index``-th viewer has a WebGL context and has drawn."""
    page.wait_for_function(_DRAWN_JS, arg=[selector, index], timeout=timeout)


def wait_attribute(page, name, value, selector=VIEWER, timeout=60_000):
    """Wait until the first ``selector`` has data-``name`` equal to ``value``."""
    page.wait_for_function(
        "([sel, name, value]) => document.querySelector(sel)"
        "?.getAttribute('data-' + name) === value",
        arg=[selector, name, str(value)],
        timeout=timeout,
    )


def viewer_state(locator):
    """The viewer's data-* attributes as a dict of strings."""
    return locator.evaluate(VIEWER_STATE_JS)


def canvas_pixels(locator, threshold=60):
    """Non-background pixels of the viewer's canvas (see PIXELS_JS)."""
    return locator.evaluate(PIXELS_JS, threshold)


# Records every change of the viewer's data-frame (and the render count) with a
# timestamp, into root.__gdeepTrace, from the moment it is installed.
TRACE_JS = """(root) => {
  if (root.__gdeepObserver) root.__gdeepObserver.disconnect();
  const trace = root.__gdeepTrace = [];
  const record = () => trace.push({
    t: performance.timeOrigin + performance.now(),
    frame: Number(root.getAttribute('data-frame')),
    nFrames: Number(root.getAttribute('data-n-frames')),
    renders: Number(root.getAttribute('data-render-count')),
  });
  record();
  const observer = new MutationObserver(record);
  observer.observe(root, {
    attributes: true, attributeFilter: ['data-render-count', 'data-frame'] });
  root.__gdeepObserver = observer;
}"""


def start_trace(locator):
    locator.evaluate(TRACE_JS)


def read_trace(locator):
    return locator.evaluate("(root) => root.__gdeepTrace || []")


def set_slider(locator, k):
    """Move the viewer's frame slider to ``k`` as a user drag would (input event)."""
    slider = locator.locator(".gdeep-slider")
    slider.evaluate(
        "(el, k) => { el.value = String(k);"
        " el.dispatchEvent(new Event('input', {bubbles: true})); }",
        k,
    )


# Records the class list of the app root on every change, so that a job is
# seen to start and end even when it is over before the next poll.
JOB_TRACE_JS = """(root) => {
  if (root.__gdeepJobObserver) root.__gdeepJobObserver.disconnect();
  const trace = root.__gdeepJobs = [];
  const record = () => trace.push([...root.classList]);
  record();
  const observer = new MutationObserver(record);
  observer.observe(root, { attributes: true, attributeFilter: ['class'] });
  root.__gdeepJobObserver = observer;
}"""


def run_app_job(page, button_class, job_class, timeout=300_000):
    """Click a DecisionBoundaryApp job button; wait until that job ran and ended.

    Returns the app root's class list once it is idle again.
    """
    app = page.locator(APP)
    app.evaluate(JOB_TRACE_JS)
    page.locator(f"{APP} .{button_class}").click()
    page.wait_for_function(
        """([sel, job]) => {
             const root = document.querySelector(sel);
             return root.__gdeepJobs.some((classes) => classes.includes(job))
               && !root.classList.contains('gdeep-busy');
           }""",
        arg=[APP, job_class],
        timeout=timeout,
    )
    return app.evaluate("(root) => [...root.classList]")
