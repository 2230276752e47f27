// Playback clock, one per model (not per view, or two views of one widget
// would each advance the frame). It writes `frame` locally on every tick and
// saves to Python debounced (at most about once a second while playing), so
// a jslink to a Play widget follows without a kernel round trip per frame.

import { cancelFrame, debounce, now, requestFrame } from "./timing.js";

export const SAVE_DELAY_MS = 300;
/** During playback Python still hears of the frame about once a second. */
export const SAVE_MAX_WAIT_MS = 1000;

/**
 * @param {object} model anywidget model
 * @param {object} store frame store (for the number of frames received)
 */
export function createPlayer(model, store) {
  let handle = null;
  let last = 0;
  const save = debounce(
    () => model.save_changes(),
    SAVE_DELAY_MS,
    SAVE_MAX_WAIT_MS,
  );

  const frameCount = () => Math.max(model.get("n_frames") || 0, store.length);

  const stop = () => {
    cancelFrame(handle);
    handle = null;
  };

  const advance = () => {
    const n = frameCount();
    let k = (model.get("frame") || 0) + 1;
    if (k >= n) {
      if (!model.get("loop") || n === 0) {
        model.set("playing", false);
        save.flush();
        model.save_changes();
        return;
      }
      k = 0;
    }
    model.set("frame", k);
    save();
  };

  const tick = (time) => {
    handle = null;
    if (!model.get("playing")) return;
    const interval = 1000 / Math.max(model.get("fps") || 1, 0.1);
    if (time - last >= interval) {
      // Keep the cadence, but do not try to catch up after a stall.
      last = time - last > 2 * interval ? time : last + interval;
      advance();
    }
    if (model.get("playing")) handle = requestFrame(tick);
  };

  const onPlaying = () => {
    stop();
    if (!model.get("playing")) {
      save.flush();
      return;
    }
    if ((model.get("frame") || 0) >= frameCount() - 1) {
      model.set("frame", 0);
      save();
    }
    last = now();
    handle = requestFrame(tick);
  };

  model.on("change:playing", onPlaying);
  if (model.get("playing")) onPlaying();

  return {
    /** Start or pause playback (saved to Python at once). */
    toggle() {
      model.set("playing", !model.get("playing"));
      model.save_changes();
    },
    /** Show frame `k` now (pauses playback), save debounced. */
    scrub(k) {
      if (model.get("playing")) {
        model.set("playing", false);
        model.save_changes();
      }
      model.set("frame", k);
      save();
    },
    /** Set a trait from the UI and save it at once. */
    setTrait(name, value) {
      model.set(name, value);
      model.save_changes();
    },
    dispose() {
      model.off("change:playing", onPlaying);
      stop();
      save.cancel();
    },
  };
}
