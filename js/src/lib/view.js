// One view of a FlowViewer model: DOM overlay, three.js scene, a renderer
// that lives while the view is visible, and the model listeners that tie
// them together. Returns one cleanup that undoes everything, last in first
// out. Every step that can fail is guarded: the failure is shown in the
// widget, written to the `error` trait and logged with the package prefix.

import * as THREE from "three";
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { decodeArray, isEmptyPayload } from "./codecs.js";
import { createControls } from "./controls-ui.js";
import { createScene, expandBox } from "./scene.js";
import { createSurface, webglSupported } from "./surface.js";
import { cancelFrame, requestFrame } from "./timing.js";

export const PREFIX = "[gdeep_widgets]";

/** Share of `height` the drawing keeps however many rows the controls take. */
const MIN_STAGE_SHARE = 0.6;

/**
 * Render a view of `model` into `el`.
 *
 * @param {object} options
 * @param {object} options.model anywidget model (get/set/on/off/save_changes)
 * @param {HTMLElement} options.el container
 * @param {object} options.store frame store of the model
 * @param {object} options.player playback clock of the model
 * @returns {() => void} cleanup
 */
export function createFlowView({ model, el, store, player }) {
  const undo = [];
  const ac = new AbortController();
  const errors = new Map();
  let reportedError = "";
  let renderCount = 0;
  let fitCount = 0;
  let drawHandle = null;
  // The camera is fitted at the next draw while `fitted` is false: when the
  // first content arrives, and again whenever the data is replaced, so all
  // the trait changes of one message are applied before the fit.
  let fitted = false;
  let keepDirection = false;
  let webglState = "none";
  let contextNote = webglSupported() ? "" : "WebGL2 is not available here";
  let dataPositions = null;
  let dataCount = 0;
  let shownFrame = -1;
  let counts = { drawn: 0, converged: 0, unknown: 0 };
  let frameSize = 0;
  let colouredWith = 0;

  const root = document.createElement("div");
  root.className = "gdeep-flow-viewer";
  el.appendChild(root);
  undo.push(() => root.remove());

  const reportErrors = () => {
    const text = [...errors]
      .map(
        ([step, error]) =>
          `${step}: ${error && error.message ? error.message : error}`,
      )
      .join("\n");
    ui.setMessage(text ? `The viewer hit an error. ${text}` : "");
    if (text !== reportedError) {
      reportedError = text;
      model.set("error", text);
      model.save_changes();
    }
  };

  const guard = (step, fn) => {
    try {
      const result = fn();
      if (errors.delete(step)) reportErrors();
      return result;
    } catch (error) {
      console.error(`${PREFIX} ${step} failed:`, error);
      errors.set(step, error);
      reportErrors();
      return undefined;
    }
  };

  const ui = createControls(
    root,
    {
      togglePlay: () => guard("play", () => player.toggle()),
      scrub: (k) => guard("scrub", () => player.scrub(k)),
      setFps: (fps) => guard("speed", () => player.setTrait("fps", fps)),
      setShowData: (on) =>
        guard("toggle", () => player.setTrait("show_data", on)),
      setShowUnconverged: (on) =>
        guard("toggle", () => player.setTrait("show_unconverged", on)),
      resetCamera: () => guard("camera", fitCamera),
    },
    ac.signal,
  );
  undo.push(() => ui.dispose());

  const scene = createScene();
  undo.push(() => scene.dispose());

  let controls = null;
  const makeControls = () => {
    disposeControls();
    controls = new OrbitControls(scene.camera, ui.stage);
    if (scene.mode === "2d") {
      controls.enableRotate = false;
      controls.screenSpacePanning = true;
      controls.zoomToCursor = true;
      controls.mouseButtons = {
        LEFT: THREE.MOUSE.PAN,
        MIDDLE: THREE.MOUSE.DOLLY,
        RIGHT: THREE.MOUSE.PAN,
      };
      controls.touches = { ONE: THREE.TOUCH.PAN, TWO: THREE.TOUCH.DOLLY_PAN };
    }
    controls.addEventListener("change", requestDraw);
  };
  const disposeControls = () => {
    if (!controls) return;
    controls.removeEventListener("change", requestDraw);
    controls.dispose();
    controls = null;
  };
  undo.push(disposeControls);

  const surface = createSurface({
    stage: ui.stage,
    snapshot: ui.snapshot,
    onState: (state, note) => {
      webglState = state;
      contextNote = note;
      ui.setNotice(state !== "ok" && ui.snapshot.hidden ? note : "");
      updateStatus();
      writeState();
    },
    onReady: () => guard("resize", resize),
    onBeforeRelease: () => renderNow(),
  });
  undo.push(() => surface.dispose());

  function requestDraw() {
    if (drawHandle) return;
    drawHandle = requestFrame(draw);
  }

  function draw() {
    drawHandle = null;
    if (!fitted) guard("camera", maybeFit);
    renderNow();
    writeState();
  }

  function renderNow() {
    guard("draw", () => {
      const renderer = surface.renderer;
      if (!renderer || surface.lost) return;
      scene.setSizes({
        pointSize: model.get("point_size"),
        dataPointSize: model.get("data_point_size"),
        pixelRatio: renderer.getPixelRatio(),
        width: ui.stage.clientWidth,
        height: ui.stage.clientHeight,
      });
      renderer.render(scene.scene, scene.camera);
      renderCount += 1;
      surface.touch();
    });
  }

  function writeState() {
    const attributes = {
      "data-frame": shownFrame,
      "data-n-frames": store.size,
      "data-points-drawn": model.get("show_data") ? dataCount : 0,
      "data-samples-drawn": counts.drawn,
      "data-render-count": renderCount,
      "data-fit-count": fitCount,
      "data-mode": scene.mode,
      "data-webgl": webglState,
    };
    for (const [name, value] of Object.entries(attributes)) {
      root.setAttribute(name, String(value));
    }
  }

  function resize() {
    const width = ui.stage.clientWidth;
    const height = ui.stage.clientHeight;
    if (!width || !height) return;
    scene.setAspect(width / height);
    if (surface.renderer) surface.renderer.setSize(width, height, false);
    requestDraw();
  }

  /** Fit the camera to everything shown; in 3D, from the user's angle. */
  function applyFit(keepAngle = false) {
    const min = new THREE.Vector3(Infinity, Infinity, Infinity);
    const max = new THREE.Vector3(-Infinity, -Infinity, -Infinity);
    if (dataPositions) expandBox(min, max, dataPositions, dataCount);
    for (let k = 0; k < store.length; k++) {
      const frame = store.get(k);
      if (frame) expandBox(min, max, frame.positions, frame.n);
    }
    const extent = scene.mode === "2d" ? scene.backgroundExtent : null;
    if (extent) {
      expandBox(
        min,
        max,
        [extent[0], extent[2], 0, extent[1], extent[3], 0],
        2,
      );
    }
    if (!(min.x <= max.x)) {
      min.set(-1, -1, -1);
      max.set(1, 1, 1);
    }
    const direction =
      keepAngle && controls
        ? scene.camera.position.clone().sub(controls.target)
        : null;
    const target = scene.fit(min, max, direction);
    if (controls) {
      controls.target.copy(target);
      controls.update();
    }
    fitCount += 1;
  }

  function fitCamera() {
    applyFit();
    fitted = true;
    requestDraw();
  }

  // Called by draw, before rendering, while a fit is pending.
  function maybeFit() {
    if (fitted || !(dataCount > 0 || store.size > 0)) return;
    if (!(ui.stage.clientWidth > 0)) return;
    fitted = true;
    applyFit(keepDirection);
  }

  function updateMode() {
    const mode = model.get("n_dims") === 2 ? "2d" : "3d";
    if (mode === scene.mode && controls) return;
    scene.setMode(mode);
    makeControls();
    guard("resize", resize);
    fitted = false;
    keepDirection = false;
  }

  function updateData() {
    const data = model.get("data");
    const labels = model.get("labels");
    if (isEmptyPayload(data)) {
      dataPositions = null;
      dataCount = scene.setData(new Float32Array(0), new Uint8Array(0));
      return;
    }
    const positions = decodeArray(data);
    const classes = isEmptyPayload(labels)
      ? new Uint8Array(positions.shape[0])
      : decodeArray(labels).data;
    if (classes.length !== positions.shape[0]) {
      throw new RangeError(
        `data has ${positions.shape[0]} points but labels has ` +
          `${classes.length}`,
      );
    }
    dataPositions = positions.data;
    dataCount = scene.setData(positions.data, classes);
  }

  function updateBackground() {
    const background = model.get("background");
    if (!background || isEmptyPayload(background.gap)) {
      scene.setBackground(null);
      return;
    }
    const gap = decodeArray(background.gap);
    const top = decodeArray(background.top);
    if (gap.shape.length !== 2 || top.data.length !== gap.data.length) {
      throw new RangeError("background gap and top must be 2D of one shape");
    }
    scene.setBackground({ gap, top, extent: background.extent });
  }

  function frameCount() {
    return Math.max(model.get("n_frames") || 0, store.length);
  }

  // The latest received frame at or before the requested one.
  function pickFrame() {
    let k = Math.min(model.get("frame") || 0, store.length - 1);
    while (k >= 0 && !store.get(k)) k -= 1;
    return k;
  }

  function updateFrame(force = false) {
    const k = pickFrame();
    const maxDistance = store.maxDistance;
    if (force || k !== shownFrame || maxDistance !== colouredWith) {
      const frame = k >= 0 ? store.get(k) : null;
      counts = scene.setSamples(frame, {
        delta: model.get("delta"),
        showUnconverged: model.get("show_unconverged"),
        maxDistance,
      });
      frameSize = frame ? frame.n : 0;
      shownFrame = k;
      colouredWith = maxDistance;
    }
    const shown = k >= 0 ? store.get(k) : null;
    ui.setFrame(Math.max(k, 0), frameCount(), shown ? shown.epoch : null);
    ui.setPlaying(Boolean(model.get("playing")), frameCount() > 1);
    updateLegend();
    updateStatus();
  }

  function updateOptions() {
    scene.setVisible({ showData: Boolean(model.get("show_data")) });
    ui.setOptions({
      fps: model.get("fps"),
      showData: Boolean(model.get("show_data")),
      showUnconverged: Boolean(model.get("show_unconverged")),
      hasData: dataCount > 0,
    });
    // `height` is the whole widget's. A narrow widget wraps its controls onto
    // several rows; it then grows rather than squeeze the drawing to a strip.
    const height = model.get("height") || 480;
    root.style.minHeight = `${height}px`;
    ui.stage.style.minHeight = `${Math.round(MIN_STAGE_SHARE * height)}px`;
  }

  function updateLegend() {
    ui.setLegend({
      classNames: dataCount > 0 ? model.get("class_names") || [] : [],
      hasSamples: store.size > 0,
      hasDistances: store.hasDistances,
      delta: model.get("delta"),
      maxDistance: store.maxDistance,
    });
  }

  function updateStatus() {
    const parts = [];
    const count = (n) => n.toLocaleString("en-US");
    if (dataCount) parts.push(`${count(dataCount)} data points`);
    if (shownFrame >= 0) {
      parts.push(`${count(counts.drawn)} of ${count(frameSize)} samples drawn`);
      if (frameSize > counts.unknown) {
        parts.push(`${count(counts.converged)} within δ`);
      }
    }
    if (contextNote) parts.push(contextNote);
    ui.setStatus(parts);
  }

  const on = (names, handler) => {
    for (const name of names.split(" ")) {
      const event = `change:${name}`;
      model.on(event, handler);
      undo.push(() => model.off(event, handler));
    }
  };
  on("title", () => ui.setTitle(model.get("title") || ""));
  on("n_dims", () => {
    guard("mode", updateMode);
    requestDraw();
  });
  // New data (not only new labels or frames) has a new extent: fit again,
  // keeping the user's viewing angle. Frames alone keep the user's camera.
  on("data", () => {
    if (fitted) keepDirection = true;
    fitted = false;
  });
  on("data labels", () => {
    guard("data", updateData);
    guard("options", updateOptions);
    guard("frame", updateFrame);
    requestDraw();
  });
  on("background", () => {
    guard("background", updateBackground);
    requestDraw();
  });
  on("frame n_frames playing class_names", () => {
    guard("frame", () => updateFrame());
    requestDraw();
  });
  on("delta show_unconverged", () => {
    guard("frame", () => updateFrame(true));
    requestDraw();
  });
  on("fps show_data height point_size data_point_size", () => {
    guard("options", updateOptions);
    requestDraw();
  });

  undo.push(
    store.subscribe((event) => {
      if (event.kind === "error") {
        console.error(`${PREFIX} frame message rejected:`, event.error);
        errors.set("frame message", event.error);
        reportErrors();
        return;
      }
      if (event.kind === "reset_camera") {
        guard("camera", fitCamera);
        return;
      }
      const force = event.kind === "clear" || event.index === pickFrame();
      guard("frame", () => updateFrame(force));
      requestDraw();
    }),
  );

  root.addEventListener(
    "pointerenter",
    () => {
      if (surface.visible && !surface.renderer) {
        guard("webgl", () => surface.acquire(true));
      }
    },
    { signal: ac.signal },
  );

  if (typeof ResizeObserver === "function") {
    const resizer = new ResizeObserver(() => guard("resize", resize));
    resizer.observe(ui.stage);
    undo.push(() => resizer.disconnect());
  }
  if (typeof IntersectionObserver === "function") {
    const watcher = new IntersectionObserver(
      (entries) => {
        const entry = entries[entries.length - 1];
        guard("webgl", () => surface.setVisible(entry.isIntersecting));
      },
      { rootMargin: "100px" },
    );
    watcher.observe(root);
    undo.push(() => watcher.disconnect());
  }

  ui.setTitle(model.get("title") || "");
  guard("mode", updateMode);
  guard("data", updateData);
  guard("background", updateBackground);
  guard("options", updateOptions);
  guard("frame", () => updateFrame(true));
  ui.setNotice(contextNote);
  if (typeof IntersectionObserver !== "function") {
    guard("webgl", () => surface.setVisible(true));
  }
  writeState();
  requestDraw();
  undo.push(() => {
    cancelFrame(drawHandle);
    drawHandle = null;
  });

  return () => {
    ac.abort();
    while (undo.length) undo.pop()();
  };
}
