// One frame store per widget model, shared by all its views: it keeps every
// frame Python pushed (one custom message per frame) so playback and
// scrubbing need no kernel round trip.

import { toTypedArray } from "./codecs.js";

/** Message type names used when the model does not provide them. */
export const DEFAULT_MESSAGE_TYPES = {
  frame: "frame",
  clear: "clear",
  reset_camera: "reset_camera",
  request_frames: "request_frames",
};

/** The message type names sent by Python in the `_message_types` trait. */
export function messageTypes(model) {
  return { ...DEFAULT_MESSAGE_TYPES, ...(model.get("_message_types") || {}) };
}

/**
 * Decode one frame message into `{positions, distances, n, epoch}`.
 * Throws with a readable message when content and buffers disagree.
 */
export function decodeFrame(content, buffers) {
  const { index, n_points: n } = content;
  if (!Number.isInteger(index) || index < 0) {
    throw new TypeError(`frame message has a bad index ${index}`);
  }
  if (!Number.isInteger(n) || n < 0) {
    throw new TypeError(`frame ${index} has a bad n_points ${n}`);
  }
  if (!buffers || buffers.length < 2) {
    throw new TypeError(`frame ${index} came without its 2 buffers`);
  }
  const positions = toTypedArray(buffers[0], "float32");
  const distances = toTypedArray(buffers[1], "float32");
  if (positions.length !== n * 3 || distances.length !== n) {
    throw new RangeError(
      `frame ${index}: ${n} points need ${n * 3} coordinates and ${n} ` +
        `distances; got ${positions.length} and ${distances.length}`,
    );
  }
  const epoch = Number.isInteger(content.epoch) ? content.epoch : null;
  return { index, positions, distances, n, epoch };
}

/**
 * Create the store; it listens to the model until `dispose()`.
 *
 * @param {object} model anywidget model (get/on/off/send)
 * @returns {object} store with get, length, size, subscribe, requestAll,
 *   maxDistance, hasDistances, dispose
 */
export function createFrameStore(model) {
  const types = messageTypes(model);
  const frames = [];
  const listeners = new Set();
  let size = 0;
  let maxDistance = 0;
  let hasDistances = false;

  const emit = (event) => {
    for (const listener of [...listeners]) listener(event);
  };

  // NaN (no distance given) is skipped: it compares false.
  const measure = (frame) => {
    for (const d of frame.distances) {
      if (d > maxDistance) maxDistance = d;
      if (d >= 0) hasDistances = true;
    }
  };

  const put = (frame) => {
    if (frames[frame.index] === undefined) size += 1;
    frames[frame.index] = frame;
    measure(frame);
  };

  const clear = () => {
    frames.length = 0;
    size = 0;
    maxDistance = 0;
    hasDistances = false;
  };

  const onMessage = (content, buffers) => {
    const type = content && content.type;
    try {
      if (type === types.frame) {
        const frame = decodeFrame(content, buffers);
        put(frame);
        emit({ kind: "frame", index: frame.index });
      } else if (type === types.clear) {
        clear();
        emit({ kind: "clear" });
      } else if (type === types.reset_camera) {
        emit({ kind: "reset_camera" });
      } else {
        throw new TypeError(`unknown message type ${JSON.stringify(type)}`);
      }
    } catch (error) {
      emit({ kind: "error", error });
    }
  };

  // A clear message lost in transit must not leave stale frames behind.
  const onFrameCount = () => {
    const n = model.get("n_frames");
    if (!(n < frames.length)) return;
    for (let k = n; k < frames.length; k++) {
      if (frames[k] !== undefined) size -= 1;
    }
    frames.length = n;
    maxDistance = 0;
    hasDistances = false;
    for (const frame of frames) if (frame) measure(frame);
    emit({ kind: "clear" });
  };

  model.on("msg:custom", onMessage);
  model.on("change:n_frames", onFrameCount);

  return {
    /** Frame `k`, or undefined if it has not arrived. */
    get: (k) => frames[k],
    /** One past the highest index received. */
    get length() {
      return frames.length;
    },
    /** Number of frames held. */
    get size() {
      return size;
    },
    /** Largest finite distance over all frames (0 when none). */
    get maxDistance() {
      return maxDistance;
    },
    /** Whether any frame holds a distance (not NaN), even if all are 0. */
    get hasDistances() {
      return hasDistances;
    },
    /** Call `listener(event)` on frame / clear / reset_camera / error. */
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Ask Python to send every frame again (duplicates overwrite). */
    requestAll() {
      model.send({ type: types.request_frames });
    },
    /** Stop listening to the model and drop the frames. */
    dispose() {
      model.off("change:n_frames", onFrameCount);
      model.off("msg:custom", onMessage);
      listeners.clear();
      clear();
    },
  };
}
