import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import widget from "../src/flow-viewer.js";
import { CONVERGED } from "../src/lib/colors.js";
import { createModelState } from "../src/lib/model-state.js";
import { createFlowView } from "../src/lib/view.js";
import {
  createFakeModel,
  float32View,
  frameMessage,
  installFakeBrowser,
  viewerTraits,
} from "./fakes.js";

let browser;
before(() => {
  browser = installFakeBrowser();
});
after(() => browser.uninstall());

function traits2d(extra) {
  const labels = new Uint8Array([0, 1, 1]);
  return viewerTraits({
    n_dims: 2,
    data: {
      buffer: float32View([0, 0, 0, 1, 0, 0, 0, 1, 0]),
      dtype: "float32",
      shape: [3, 3],
    },
    labels: { buffer: new DataView(labels.buffer), dtype: "uint8", shape: [3] },
    class_names: ["a", "b"],
    title: "<script>alert(1)</script>",
    ...extra,
  });
}

const byClass = (root, name) =>
  root
    .descendants()
    .find((node) => node.className.split(" ").includes(name));

// Drawing waits for an animation frame (a 16 ms timer in node).
const drawn = () => sleep(40);

test("render builds the UI and reports its state without WebGL", async () => {
  const model = createFakeModel(traits2d());
  const shared = createModelState(model);
  const el = document.createElement("div");

  const cleanup = createFlowView({ model, el, ...shared });
  model.emit(
    "msg:custom",
    ...frameMessage(0, [0, 0, 0, 9, 9, 0], [0.5, 0.001]),
  );
  await drawn();

  const root = el.children[0];
  assert.equal(root.className, "gdeep-flow-viewer");
  assert.equal(root.getAttribute("data-webgl"), "none");
  assert.equal(root.getAttribute("data-mode"), "2d");
  assert.equal(root.getAttribute("data-points-drawn"), "3");
  assert.equal(root.getAttribute("data-samples-drawn"), "2");
  assert.equal(root.getAttribute("data-n-frames"), "1");
  assert.equal(root.getAttribute("data-frame"), "0");
  assert.equal(root.getAttribute("data-render-count"), "0");
  const title = byClass(root, "gdeep-title");
  assert.equal(title.textContent, "<script>alert(1)</script>");
  assert.equal(title.children.length, 0);

  cleanup();
  shared.dispose();
});

test("the legend shows on-boundary points white and ringed", async () => {
  const model = createFakeModel(traits2d());
  const shared = createModelState(model);
  const el = document.createElement("div");
  const cleanup = createFlowView({ model, el, ...shared });
  model.emit("msg:custom", ...frameMessage(0, [0, 0, 0, 9, 9, 0], [0.5, 0]));
  await drawn();

  const legend = byClass(el.children[0], "gdeep-legend");
  const row = legend.children.find((node) =>
    node.textContent.startsWith("on boundary"),
  );
  const swatch = row.children[0];
  assert.equal(swatch.className, "gdeep-swatch gdeep-ring");
  assert.equal(swatch.style.background, CONVERGED);
  assert.equal(CONVERGED, "#ffffff");
  assert.ok(byClass(legend, "gdeep-ramp"));

  cleanup();
  shared.dispose();
});

test("a frame all on the boundary gets the on-boundary legend", async () => {
  const model = createFakeModel(traits2d());
  const shared = createModelState(model);
  const el = document.createElement("div");
  const cleanup = createFlowView({ model, el, ...shared });
  model.emit("msg:custom", ...frameMessage(0, [0, 0, 0, 9, 9, 0], [0, 0]));
  await drawn();

  const legend = byClass(el.children[0], "gdeep-legend");
  const texts = legend.children.map((node) => node.textContent);
  assert.ok(texts.includes("on boundary (< δ = 0.01)"), texts.join(" | "));
  assert.ok(!texts.includes("sample points"), texts.join(" | "));
  // No ramp from 0 to δ: no point is off the boundary.
  assert.equal(byClass(legend, "gdeep-ramp"), undefined);

  cleanup();
  shared.dispose();
});

test("height is a minimum, and the drawing keeps most of it", async () => {
  const model = createFakeModel(traits2d({ height: 300 }));
  const shared = createModelState(model);
  const el = document.createElement("div");
  const cleanup = createFlowView({ model, el, ...shared });
  const root = el.children[0];
  const stage = byClass(root, "gdeep-stage");

  // A narrow widget wraps its controls onto several rows: it grows rather
  // than squeeze the drawing.
  assert.equal(root.style.minHeight, "300px");
  assert.equal(stage.style.minHeight, "180px");
  model.set("height", 500);
  assert.equal(root.style.minHeight, "500px");
  assert.equal(stage.style.minHeight, "300px");

  cleanup();
  shared.dispose();
});

test("new data refits the camera; frames and labels keep it", async () => {
  const model = createFakeModel(traits2d());
  const shared = createModelState(model);
  const el = document.createElement("div");
  const cleanup = createFlowView({ model, el, ...shared });
  const root = el.children[0];
  const fits = () => root.getAttribute("data-fit-count");
  await drawn();
  assert.equal(fits(), "1");

  model.emit("msg:custom", ...frameMessage(0, [5, 5, 0], [0.3]));
  await drawn();
  assert.equal(fits(), "1");
  const labels = new Uint8Array([1, 0, 0]);
  model.push("labels", {
    buffer: new DataView(labels.buffer),
    dtype: "uint8",
    shape: [3],
  });
  await drawn();
  assert.equal(fits(), "1");

  model.push("data", {
    buffer: float32View([0, 0, 0, 10, 0, 0, 0, 10, 0]),
    dtype: "float32",
    shape: [3, 3],
  });
  await drawn();
  assert.equal(fits(), "2");

  cleanup();
  shared.dispose();
});

test("a failing step shows a message and sets the error trait", async () => {
  const model = createFakeModel(traits2d());
  const shared = createModelState(model);
  const el = document.createElement("div");
  const cleanup = createFlowView({ model, el, ...shared });
  const errors = [];
  const original = console.error;
  console.error = (...args) => errors.push(args.join(" "));

  try {
    const bad = new Uint8Array([0, 1]);
    model.push("labels", {
      buffer: new DataView(bad.buffer),
      dtype: "uint8",
      shape: [2],
    });
  } finally {
    console.error = original;
  }

  const message = byClass(el.children[0], "gdeep-message");
  assert.match(model.get("error"), /data: data has 3 points but labels has 2/);
  assert.equal(message.hidden, false);
  assert.match(message.textContent, /labels has 2/);
  assert.ok(
    errors.some((line) => line.startsWith("[gdeep_widgets] data failed")),
  );

  model.push("labels", traits2d().labels);
  assert.equal(model.get("error"), "");
  assert.equal(message.hidden, true);
  cleanup();
  shared.dispose();
});

test("UI actions write traits through the model", async () => {
  const model = createFakeModel(traits2d({ n_frames: 3 }));
  const shared = createModelState(model);
  const el = document.createElement("div");
  const cleanup = createFlowView({ model, el, ...shared });
  const root = el.children[0];

  byClass(root, "gdeep-play").dispatch("click");
  assert.equal(model.get("playing"), true);
  const slider = byClass(root, "gdeep-slider");
  slider.value = "2";
  slider.dispatch("input");
  assert.equal(model.get("playing"), false);
  assert.equal(model.get("frame"), 2);

  cleanup();
  shared.dispose();
});

test("cleanup of render and initialize leaves no listener behind", async () => {
  const model = createFakeModel(traits2d());
  const el = document.createElement("div");

  const disposeModel = widget.initialize({ model });
  assert.deepEqual(
    model.sent.map((m) => m.content.type),
    ["request_frames"],
  );
  const disposeView = widget.render({ model, el });
  for (const observer of browser.liveObservers()) observer.trigger?.(true);
  model.emit("msg:custom", ...frameMessage(0, [1, 2, 3], [0.3]));
  await drawn();
  assert.ok(browser.liveListeners().length > 0);
  assert.ok(browser.liveObservers().length > 0);

  disposeView();
  disposeModel();

  assert.deepEqual(browser.liveListeners(), []);
  assert.deepEqual(browser.liveObservers(), []);
  assert.deepEqual(model.handlerEvents(), []);
  assert.equal(el.children.length, 0);
});

test("two views share one store and are cleaned separately", async () => {
  const model = createFakeModel(traits2d());
  const disposeModel = widget.initialize({ model });
  const first = document.createElement("div");
  const second = document.createElement("div");
  const disposeFirst = widget.render({ model, el: first });
  const disposeSecond = widget.render({ model, el: second });

  model.emit("msg:custom", ...frameMessage(0, [1, 2, 3], [0.3]));
  await drawn();
  disposeFirst();
  model.emit("msg:custom", ...frameMessage(1, [1, 2, 3], [0.3]));
  await drawn();

  assert.equal(first.children.length, 0);
  assert.equal(second.children[0].getAttribute("data-n-frames"), "2");
  disposeSecond();
  disposeModel();
  assert.deepEqual(model.handlerEvents(), []);
  assert.deepEqual(browser.liveListeners(), []);
});
