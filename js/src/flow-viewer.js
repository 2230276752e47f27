// anywidget entry of FlowViewer (gdeep_widgets/widgets/flow_viewer.py).
//
// Python owns the data, labels, frames and playback settings; the browser
// owns the camera and the playback clock and returns only `frame`
// (debounced) and the toggles the user flips. Frames arrive as custom
// messages, one per frame, into a store shared by all views of the model.

import { createModelState } from "./lib/model-state.js";
import { PREFIX, createFlowView } from "./lib/view.js";

// initialize and render get different model proxies, so the shared state is
// found through a key that Python puts in the `_store_key` trait.
const shared = new Map();

function initialize({ model }) {
  const key = model.get("_store_key");
  const state = createModelState(model);
  shared.set(key, state);
  // Frames pushed before this model was ready in the browser were lost;
  // ask for all of them (a duplicate index just overwrites).
  state.store.requestAll();
  return () => {
    if (shared.get(key) === state) shared.delete(key);
    state.dispose();
  };
}

function render({ model, el }) {
  let state = shared.get(model.get("_store_key"));
  let owned = null;
  if (!state) {
    console.warn(`${PREFIX} no shared frame store; this view keeps its own.`);
    owned = state = createModelState(model);
    state.store.requestAll();
  }
  const cleanup = createFlowView({
    model,
    el,
    store: state.store,
    player: state.player,
  });
  return () => {
    cleanup();
    if (owned) owned.dispose();
  };
}

export default { initialize, render };
