// The WebGL side of a view: a renderer that exists only while it is needed.
// Browsers cap live WebGL contexts per page (Chrome: 16, then the oldest is
// lost), so a page with many viewers must hand contexts back. A renderer is
// created when the view scrolls into sight, released after it has been off
// screen for a while, and a page-wide budget evicts the least recently used
// one when too many are live. A released view keeps a snapshot image.

import * as THREE from "three";

export const MAX_LIVE_CONTEXTS = 8;
export const RELEASE_AFTER_MS = 4000;

// Shared through globalThis: in JupyterLab each widget model may import its
// own copy of this module, but the context limit is per page.
const BUDGET_KEY = Symbol.for("gdeep_widgets.webgl_budget");

function budget() {
  if (!globalThis[BUDGET_KEY]) {
    globalThis[BUDGET_KEY] = { live: new Set(), max: MAX_LIVE_CONTEXTS };
  }
  return globalThis[BUDGET_KEY];
}

/** Number of renderers alive on this page (for tests and the demo page). */
export function liveContexts() {
  return budget().live.size;
}

/** True when this runtime can create WebGL2 contexts at all. */
export function webglSupported() {
  return (
    typeof WebGL2RenderingContext !== "undefined" &&
    typeof document !== "undefined"
  );
}

/**
 * @param {object} options
 * @param {HTMLElement} options.stage element the canvas goes into
 * @param {HTMLImageElement} options.snapshot image shown while released
 * @param {(state: string, note: string) => void} options.onState "ok",
 *   "lost" or "none", with a sentence for the status line
 * @param {() => void} options.onReady called when a renderer is (re)created
 * @param {() => void} options.onBeforeRelease draw now, for the snapshot
 */
export function createSurface({
  stage,
  snapshot,
  onState,
  onReady,
  onBeforeRelease,
}) {
  let renderer = null;
  let listeners = null;
  let visible = false;
  let releaseTimer = null;
  let lost = false;
  const slot = { lastUsed: 0, visible: false, release: (why) => release(why) };

  // Make room for one more renderer. Off-screen views give theirs up first;
  // a visible one only when the user asks for this view (hover), so views
  // that all appear at once do not evict each other in a loop.
  const makeRoom = (byUser) => {
    const { live, max } = budget();
    while (live.size >= max) {
      let victim = null;
      for (const other of live) {
        if (other === slot || (other.visible && !byUser)) continue;
        const better =
          !victim ||
          (victim.visible && !other.visible) ||
          (victim.visible === other.visible &&
            other.lastUsed < victim.lastUsed);
        if (better) victim = other;
      }
      if (!victim) return false;
      victim.release("budget");
    }
    return true;
  };

  function acquire(byUser = false) {
    if (renderer || !webglSupported()) return renderer;
    if (!makeRoom(byUser)) {
      onState("none", "hover to draw (WebGL context limit)");
      return null;
    }
    renderer = new THREE.WebGLRenderer({
      antialias: true,
      preserveDrawingBuffer: true,
      powerPreference: "low-power",
    });
    renderer.setPixelRatio(Math.min(globalThis.devicePixelRatio || 1, 2));
    const canvas = renderer.domElement;
    canvas.className = "gdeep-canvas";
    listeners = new AbortController();
    canvas.addEventListener(
      "webglcontextlost",
      (event) => {
        event.preventDefault();
        lost = true;
        onState("lost", "WebGL context lost; waiting for the browser");
      },
      { signal: listeners.signal },
    );
    canvas.addEventListener(
      "webglcontextrestored",
      () => {
        lost = false;
        onState("ok", "");
        onReady();
      },
      { signal: listeners.signal },
    );
    stage.prepend(canvas);
    snapshot.hidden = true;
    lost = false;
    slot.lastUsed = performance.now();
    budget().live.add(slot);
    onState("ok", "");
    onReady();
    return renderer;
  }

  function release(reason = "offscreen") {
    clearTimeout(releaseTimer);
    releaseTimer = null;
    if (!renderer) return;
    const canvas = renderer.domElement;
    if (!lost && canvas.width > 0 && canvas.height > 0) {
      try {
        onBeforeRelease();
        snapshot.src = canvas.toDataURL("image/png");
        snapshot.hidden = false;
      } catch (error) {
        console.warn(
          "[gdeep_widgets] no snapshot of the released view:",
          error,
        );
      }
    }
    listeners.abort();
    listeners = null;
    renderer.dispose();
    renderer.forceContextLoss();
    canvas.remove();
    renderer = null;
    budget().live.delete(slot);
    const note =
      reason === "budget" ? "hover to draw (WebGL context limit)" : "";
    onState("none", note);
  }

  return {
    get renderer() {
      return renderer;
    },
    get lost() {
      return lost;
    },
    get visible() {
      return visible;
    },
    acquire,
    release,
    /** Mark a draw, for the least-recently-used eviction. */
    touch() {
      slot.lastUsed = performance.now();
    },
    /** Visibility from an IntersectionObserver (or true without one). */
    setVisible(next) {
      visible = next;
      slot.visible = next;
      clearTimeout(releaseTimer);
      releaseTimer = null;
      if (visible) {
        acquire();
      } else if (renderer) {
        releaseTimer = setTimeout(() => release("offscreen"), RELEASE_AFTER_MS);
      }
    },
    dispose() {
      clearTimeout(releaseTimer);
      releaseTimer = null;
      if (renderer) {
        snapshot.hidden = true;
        listeners.abort();
        renderer.dispose();
        renderer.forceContextLoss();
        renderer.domElement.remove();
        renderer = null;
      }
      budget().live.delete(slot);
    },
  };
}
