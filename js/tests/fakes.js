// Small stand-ins for the browser (DOM elements, observers) and for the
// anywidget model, counting listeners so tests can check that cleanups
// remove everything they added. Only what the viewer uses is implemented.

const live = new Set();

class FakeEventTarget {
  constructor() {
    this.listeners = [];
  }

  addEventListener(type, handler, options = {}) {
    const capture = typeof options === "boolean" ? options : !!options.capture;
    if (this.find(type, handler, capture)) return;
    const entry = { target: this, type, handler, capture };
    if (options.signal) {
      if (options.signal.aborted) return;
      options.signal.addEventListener("abort", () => this.drop(entry), {
        once: true,
      });
    }
    this.listeners.push(entry);
    live.add(entry);
  }

  removeEventListener(type, handler, options = {}) {
    const capture = typeof options === "boolean" ? options : !!options.capture;
    const entry = this.find(type, handler, capture);
    if (entry) this.drop(entry);
  }

  find(type, handler, capture) {
    return this.listeners.find(
      (e) => e.type === type && e.handler === handler && e.capture === capture,
    );
  }

  drop(entry) {
    this.listeners = this.listeners.filter((e) => e !== entry);
    live.delete(entry);
  }

  dispatch(type, event = {}) {
    for (const entry of [...this.listeners]) {
      if (entry.type === type) entry.handler({ type, ...event });
    }
  }
}

class FakeElement extends FakeEventTarget {
  constructor(tagName, ownerDocument) {
    super();
    this.tagName = tagName.toUpperCase();
    this.ownerDocument = ownerDocument;
    this.children = [];
    this.parentNode = null;
    this.attributes = new Map();
    this.style = { setProperty: (k, v) => (this.style[k] = v) };
    this.className = "";
    this.hidden = false;
    this.clientWidth = 640;
    this.clientHeight = 400;
    this._text = "";
  }

  get textContent() {
    return this._text + this.children.map((c) => c.textContent).join("");
  }

  set textContent(value) {
    this.replaceChildren();
    this._text = String(value);
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  append(...nodes) {
    for (const node of nodes) this.appendChild(node);
  }

  appendChild(node) {
    node.remove();
    node.parentNode = this;
    this.children.push(node);
    return node;
  }

  prepend(node) {
    node.remove();
    node.parentNode = this;
    this.children.unshift(node);
  }

  remove() {
    if (!this.parentNode) return;
    const siblings = this.parentNode.children;
    siblings.splice(siblings.indexOf(this), 1);
    this.parentNode = null;
  }

  replaceChildren(...nodes) {
    for (const child of [...this.children]) child.remove();
    this.append(...nodes);
  }

  /** All descendants (depth first), for assertions. */
  descendants() {
    return this.children.flatMap((c) => [c, ...c.descendants()]);
  }
}

class FakeDocument extends FakeEventTarget {
  createElement(tagName) {
    return new FakeElement(tagName, this);
  }
}

const observers = new Set();

class FakeObserver {
  constructor(callback) {
    this.callback = callback;
    this.targets = new Set();
    observers.add(this);
  }

  observe(target) {
    this.targets.add(target);
  }

  disconnect() {
    this.targets.clear();
    observers.delete(this);
  }
}

/** Install fake document and observers on globalThis; returns helpers. */
export function installFakeBrowser() {
  const document = new FakeDocument();
  globalThis.document = document;
  globalThis.ResizeObserver = class extends FakeObserver {};
  globalThis.IntersectionObserver = class extends FakeObserver {
    /** Report `visible` for every observed target. */
    trigger(visible) {
      this.callback(
        [...this.targets].map((target) => ({
          target,
          isIntersecting: visible,
        })),
      );
    }
  };
  return {
    document,
    liveListeners: () => [...live],
    liveObservers: () => [...observers],
    uninstall() {
      delete globalThis.document;
      delete globalThis.ResizeObserver;
      delete globalThis.IntersectionObserver;
    },
  };
}

/** A model with the anywidget surface that records handlers and messages. */
export function createFakeModel(values = {}) {
  const state = new Map(Object.entries(values));
  const handlers = [];
  const model = {
    sent: [],
    saves: 0,
    get: (name) => state.get(name),
    set(name, value) {
      if (Object.is(state.get(name), value)) return;
      state.set(name, value);
      model.emit(`change:${name}`, model, value);
    },
    on(event, handler) {
      handlers.push({ event, handler });
    },
    off(event, handler) {
      const i = handlers.findIndex(
        (h) => h.event === event && h.handler === handler,
      );
      if (i >= 0) handlers.splice(i, 1);
    },
    save_changes() {
      model.saves += 1;
    },
    send(content, callbacks, buffers) {
      model.sent.push({ content, buffers });
    },
    emit(event, ...args) {
      for (const h of handlers.filter((x) => x.event === event)) {
        h.handler(...args);
      }
    },
    /** Python pushes a trait value: set it and fire change. */
    push(name, value) {
      model.set(name, value);
    },
    handlerCount: () => handlers.length,
    handlerEvents: () => handlers.map((h) => h.event),
  };
  return model;
}

/** A DataView over `values` as float32, starting `offset` bytes into junk. */
export function float32View(values, offset = 8) {
  const bytes = new ArrayBuffer(offset + values.length * 4 + 16);
  new Uint8Array(bytes).fill(0xab);
  new Float32Array(bytes, offset, values.length).set(values);
  return new DataView(bytes, offset, values.length * 4);
}

/** A frame message as Python sends it. */
export function frameMessage(index, positions, distances, epoch = null) {
  const content = {
    type: "frame",
    index,
    n_points: distances.length,
    epoch,
  };
  return [content, [float32View(positions), float32View(distances, 4)]];
}

/** Default trait values of a FlowViewer model. */
export function viewerTraits(extra = {}) {
  return {
    data: {},
    labels: {},
    n_dims: 3,
    class_names: [],
    title: "",
    height: 480,
    n_frames: 0,
    frame: 0,
    playing: false,
    fps: 8,
    loop: false,
    point_size: 6,
    data_point_size: 5,
    show_data: true,
    show_unconverged: true,
    delta: 0.01,
    background: {},
    error: "",
    _message_types: {
      frame: "frame",
      clear: "clear",
      reset_camera: "reset_camera",
      request_frames: "request_frames",
    },
    _store_key: "test-key",
    ...extra,
  };
}
