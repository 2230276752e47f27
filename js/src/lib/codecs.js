// Binary payloads from Python: {buffer, dtype, shape} with buffer a DataView
// (or ArrayBuffer / typed array), and the base64 form used by saved pages.

const TYPED_ARRAYS = {
  float32: Float32Array,
  float64: Float64Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
};

/**
 * View the bytes of `buffer` as a typed array of `dtype`, without copying
 * when the offset is aligned. Only the viewed bytes are used, never the
 * whole underlying ArrayBuffer (a DataView from a kernel message usually
 * starts inside a larger buffer).
 *
 * @param {DataView | ArrayBuffer | ArrayBufferView} buffer
 * @param {string} dtype one of float32, float64, (u)int8/16/32
 * @returns {ArrayBufferView}
 */
export function toTypedArray(buffer, dtype) {
  const TypedArray = TYPED_ARRAYS[dtype];
  if (!TypedArray) {
    throw new TypeError(`unsupported dtype ${JSON.stringify(dtype)}`);
  }
  let bytes;
  let offset;
  let length;
  if (buffer instanceof ArrayBuffer) {
    [bytes, offset, length] = [buffer, 0, buffer.byteLength];
  } else if (ArrayBuffer.isView(buffer)) {
    [bytes, offset, length] = [
      buffer.buffer,
      buffer.byteOffset,
      buffer.byteLength,
    ];
  } else {
    throw new TypeError(
      "buffer must be a DataView, ArrayBuffer or typed array",
    );
  }
  const size = TypedArray.BYTES_PER_ELEMENT;
  if (length % size !== 0) {
    throw new RangeError(`${length} bytes is not a whole number of ${dtype}`);
  }
  if (offset % size !== 0) {
    // Typed arrays need an aligned start; copy just the viewed bytes.
    bytes = bytes.slice(offset, offset + length);
    offset = 0;
  }
  return new TypedArray(bytes, offset, length / size);
}

/**
 * Decode a `{buffer, dtype, shape}` dict into `{data, shape}`.
 *
 * @param {{buffer: DataView, dtype: string, shape: number[]}} packed
 * @returns {{data: ArrayBufferView, shape: number[]}}
 */
export function decodeArray(packed) {
  if (!packed || packed.buffer == null || !Array.isArray(packed.shape)) {
    throw new TypeError("expected an array payload {buffer, dtype, shape}");
  }
  const data = toTypedArray(packed.buffer, packed.dtype);
  const count = packed.shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new RangeError(
      `array of shape [${packed.shape}] needs ${count} values; ` +
        `the buffer holds ${data.length}`,
    );
  }
  return { data, shape: packed.shape };
}

/** True for `{}` or a missing payload: "no array". */
export function isEmptyPayload(packed) {
  return !packed || packed.buffer == null;
}

/** Decode base64 text into a DataView over fresh bytes. */
export function base64ToDataView(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new DataView(bytes.buffer);
}

/** Replace every `{"$b64": text}` in a JSON tree by a DataView. */
export function reviveBinary(value) {
  if (Array.isArray(value)) return value.map(reviveBinary);
  if (value && typeof value === "object") {
    if (typeof value.$b64 === "string") return base64ToDataView(value.$b64);
    const out = {};
    for (const [key, item] of Object.entries(value)) {
      out[key] = reviveBinary(item);
    }
    return out;
  }
  return value;
}
