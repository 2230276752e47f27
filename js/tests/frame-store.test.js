import assert from "node:assert/strict";
import { test } from "node:test";
import { createFrameStore } from "../src/lib/frame-store.js";
import {
  createFakeModel,
  float32View,
  frameMessage,
  viewerTraits,
} from "./fakes.js";

function setup(extra) {
  const model = createFakeModel(viewerTraits(extra));
  const store = createFrameStore(model);
  const events = [];
  store.subscribe((event) => events.push(event));
  return { model, store, events };
}

test("a frame message is stored by index with its distances", () => {
  const { model, store, events } = setup();

  model.emit(
    "msg:custom",
    ...frameMessage(0, [0, 0, 0, 1, 2, 3], [0.5, 0.005]),
  );

  assert.equal(store.size, 1);
  assert.equal(store.length, 1);
  const frame = store.get(0);
  assert.equal(frame.n, 2);
  assert.deepEqual([...frame.positions], [0, 0, 0, 1, 2, 3]);
  assert.deepEqual([...frame.distances], [0.5, 0.004999999888241291]);
  assert.equal(store.maxDistance, 0.5);
  assert.deepEqual(events, [{ kind: "frame", index: 0 }]);
});

test("requestAll sends the request type named by _message_types", () => {
  const types = { ...viewerTraits()._message_types, request_frames: "resend" };
  const { model, store } = setup({ _message_types: types });

  store.requestAll();

  assert.deepEqual(
    model.sent.map((m) => m.content),
    [{ type: "resend" }],
  );
});

test("a re-sent frame overwrites the one with the same index", () => {
  const { model, store } = setup();
  model.emit("msg:custom", ...frameMessage(0, [1, 1, 1], [0.2]));
  model.emit("msg:custom", ...frameMessage(1, [2, 2, 2], [0.1]));

  model.emit("msg:custom", ...frameMessage(0, [5, 5, 5], [0.3]));

  assert.equal(store.size, 2);
  assert.deepEqual([...store.get(0).positions], [5, 5, 5]);
});

test("a clear message empties the store", () => {
  const { model, store, events } = setup();
  model.emit("msg:custom", ...frameMessage(0, [1, 1, 1], [0.2]));

  model.emit("msg:custom", { type: "clear" }, []);

  assert.equal(store.size, 0);
  assert.equal(store.length, 0);
  assert.equal(store.get(0), undefined);
  assert.equal(events.at(-1).kind, "clear");
});

test("an empty frame is accepted", () => {
  const { model, store } = setup();
  model.emit("msg:custom", ...frameMessage(0, [], []));
  assert.equal(store.size, 1);
  assert.equal(store.get(0).n, 0);
});

test("a malformed frame is reported and not stored", () => {
  const { model, store, events } = setup();
  const content = { type: "frame", index: 0, n_points: 3 };

  model.emit("msg:custom", content, [float32View([1, 2, 3]), float32View([1])]);
  model.emit("msg:custom", { type: "bogus" }, []);

  assert.equal(store.size, 0);
  assert.deepEqual(
    events.map((e) => e.kind),
    ["error", "error"],
  );
  assert.match(events[0].error.message, /3 points need 9 coordinates/);
});

test("a smaller n_frames drops the frames past it", () => {
  const { model, store } = setup();
  for (let k = 0; k < 3; k++) {
    model.emit("msg:custom", ...frameMessage(k, [k, k, k], [k]));
  }

  model.push("n_frames", 1);

  assert.equal(store.size, 1);
  assert.equal(store.length, 1);
  assert.equal(store.maxDistance, 0);
});

test("dispose removes the store's model listeners", () => {
  const { model, store } = setup();
  assert.equal(model.handlerCount(), 2);
  store.dispose();
  assert.equal(model.handlerCount(), 0);
});

test("distances of 0 count as distances; NaN, as none", () => {
  const { model, store } = setup();
  model.emit("msg:custom", ...frameMessage(0, [0, 0, 0], [NaN]));
  assert.equal(store.hasDistances, false);

  model.emit("msg:custom", ...frameMessage(1, [1, 1, 1], [0]));
  assert.equal(store.hasDistances, true);
  assert.equal(store.maxDistance, 0);

  model.emit("msg:custom", ...frameMessage(2, [2, 2, 2], [0.3]));
  model.push("n_frames", 2);
  // A frame without distances left in the store must not spoil the maximum.
  assert.equal(store.maxDistance, 0);
  assert.equal(store.hasDistances, true);
  model.push("n_frames", 1);
  assert.equal(store.hasDistances, false);
});
