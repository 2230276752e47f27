import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { createFrameStore } from "../src/lib/frame-store.js";
import { SAVE_DELAY_MS, createPlayer } from "../src/lib/player.js";
import { createFakeModel, viewerTraits } from "./fakes.js";

function setup(extra) {
  const model = createFakeModel(
    viewerTraits({ n_frames: 5, fps: 60, ...extra }),
  );
  const store = createFrameStore(model);
  const player = createPlayer(model, store);
  const frames = [];
  model.on("change:frame", () => frames.push(model.get("frame")));
  return { model, store, player, frames };
}

test("playback advances frame locally and saves debounced", async () => {
  const { model, store, player, frames } = setup({ loop: true, n_frames: 100 });

  player.toggle();
  await sleep(250);
  const savesWhilePlaying = model.saves;
  player.toggle();
  await sleep(SAVE_DELAY_MS + 50);

  assert.ok(frames.length >= 4, `only ${frames.length} ticks`);
  assert.deepEqual(
    frames,
    frames.map((_, i) => i + 1),
  );
  // One save for the play click, none per tick.
  assert.equal(savesWhilePlaying, 1);
  assert.ok(model.saves <= 3);
  player.dispose();
  store.dispose();
});

test("playback without loop stops on the last frame", async () => {
  const { model, store, player } = setup({ n_frames: 3 });

  player.toggle();
  await sleep(300);

  assert.equal(model.get("frame"), 2);
  assert.equal(model.get("playing"), false);
  player.dispose();
  store.dispose();
});

test("scrub pauses and shows the requested frame", () => {
  const { model, store, player } = setup();
  model.set("playing", true);

  player.scrub(3);

  assert.equal(model.get("playing"), false);
  assert.equal(model.get("frame"), 3);
  player.dispose();
  store.dispose();
  assert.equal(model.handlerCount(), 1); // the test's own change:frame
});
