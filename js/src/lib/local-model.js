// A stand-in for the anywidget model in a saved page: the same get / set /
// on / off / save_changes / send surface over the embedded state, and frame
// messages replayed from the page when the store asks for them.

/**
 * @param {object} state trait values (binary leaves already DataViews)
 * @param {Array<{content: object, buffers: DataView[]}>} frames
 */
export function createLocalModel(state, frames) {
  const values = new Map(Object.entries(state));
  const handlers = new Map();

  const emit = (event, ...args) => {
    const set = handlers.get(event);
    if (set) for (const handler of [...set]) handler(...args);
  };

  const model = {
    get: (name) => values.get(name),
    set(name, value) {
      if (Object.is(values.get(name), value)) return;
      values.set(name, value);
      emit(`change:${name}`, model, value);
    },
    on(event, handler) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event).add(handler);
    },
    off(event, handler) {
      const set = handlers.get(event);
      if (!set) return;
      if (handler) set.delete(handler);
      else set.clear();
      if (!set.size) handlers.delete(event);
    },
    save_changes() {},
    send(content) {
      const types = values.get("_message_types") || {};
      const wanted = types.request_frames || "request_frames";
      if (content && content.type === wanted) {
        for (const frame of frames) {
          emit("msg:custom", frame.content, frame.buffers);
        }
      }
    },
    /** Number of handlers still registered (for leak checks). */
    listenerCount() {
      let n = 0;
      for (const set of handlers.values()) n += set.size;
      return n;
    },
  };
  return model;
}
