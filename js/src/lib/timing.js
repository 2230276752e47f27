// Animation-frame and debounce helpers that also run where there is no
// requestAnimationFrame (node tests).

export function requestFrame(callback) {
  if (typeof requestAnimationFrame === "function") {
    return { raf: requestAnimationFrame(callback) };
  }
  return { timer: setTimeout(() => callback(now()), 16) };
}

export function cancelFrame(handle) {
  if (!handle) return;
  if (handle.raf !== undefined) cancelAnimationFrame(handle.raf);
  if (handle.timer !== undefined) clearTimeout(handle.timer);
}

export function now() {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/**
 * A trailing debounce with `flush()` and `cancel()`. With `maxWait`, a
 * steady stream of calls (playback ticks) still runs `fn` that often.
 */
export function debounce(fn, wait, maxWait = Infinity) {
  let timer = null;
  let first = 0;
  const run = () => {
    clearTimeout(timer);
    timer = null;
    fn();
  };
  const debounced = () => {
    const time = now();
    if (timer === null) first = time;
    else clearTimeout(timer);
    const left = Math.min(wait, Math.max(first + maxWait - time, 0));
    timer = setTimeout(run, left);
  };
  debounced.flush = () => {
    if (timer !== null) run();
  };
  debounced.cancel = () => {
    clearTimeout(timer);
    timer = null;
  };
  return debounced;
}
