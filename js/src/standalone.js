// IIFE entry (global `gdeepWidgets`) for pages written by
// FlowViewer.save_html: the same view as in Jupyter, over a local model
// built from the state embedded in the page. No network is used.

import { reviveBinary } from "./lib/codecs.js";
import { createLocalModel } from "./lib/local-model.js";
import { createModelState } from "./lib/model-state.js";
import { liveContexts } from "./lib/surface.js";
import { createFlowView } from "./lib/view.js";

/**
 * Show a viewer in `el` from a saved payload `{state, frames}` (binary
 * values as `{"$b64": text}`). Returns `{model, destroy}`.
 *
 * @param {HTMLElement} el
 * @param {{state: object, frames: object[]}} payload frames are
 *   `{content, buffers}` as Python sent them
 */
export function mount(el, payload) {
  const state = reviveBinary(payload.state || {});
  const frames = (payload.frames || []).map((frame) => ({
    content: frame.content,
    buffers: reviveBinary(frame.buffers),
  }));
  const model = createLocalModel(state, frames);
  const shared = createModelState(model);
  shared.store.requestAll();
  const cleanup = createFlowView({
    model,
    el,
    store: shared.store,
    player: shared.player,
  });
  return {
    model,
    destroy() {
      cleanup();
      shared.dispose();
    },
  };
}

export { liveContexts };
