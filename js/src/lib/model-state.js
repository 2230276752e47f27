// Per-model state shared by all views of one widget: the frame store and the
// playback clock. Created by `initialize` (anywidget) or by `mount`.

import { createFrameStore } from "./frame-store.js";
import { createPlayer } from "./player.js";

/** Create the store and player of `model`; `dispose()` removes both. */
export function createModelState(model) {
  const store = createFrameStore(model);
  const player = createPlayer(model, store);
  return {
    store,
    player,
    dispose() {
      player.dispose();
      store.dispose();
    },
  };
}
