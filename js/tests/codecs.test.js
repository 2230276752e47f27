import assert from "node:assert/strict";
import { test } from "node:test";
import { decodeArray, reviveBinary, toTypedArray } from "../src/lib/codecs.js";

test("decodeArray reads only the DataView's bytes at a non-zero offset", () => {
  const bytes = new ArrayBuffer(64);
  new Uint8Array(bytes).fill(0xff);
  new Float32Array(bytes, 16, 6).set([1, 2, 3, 4, 5, 6.5]);
  const view = new DataView(bytes, 16, 24);

  const { data, shape } = decodeArray({
    buffer: view,
    dtype: "float32",
    shape: [2, 3],
  });

  assert.ok(data instanceof Float32Array);
  assert.equal(data.length, 6);
  assert.deepEqual([...data], [1, 2, 3, 4, 5, 6.5]);
  assert.deepEqual(shape, [2, 3]);
});

test("toTypedArray copies when the offset is not aligned", () => {
  const bytes = new ArrayBuffer(3 + 8);
  const aligned = new Float32Array([0.25, -7]);
  new Uint8Array(bytes, 3, 8).set(new Uint8Array(aligned.buffer));

  const data = toTypedArray(new DataView(bytes, 3, 8), "float32");

  assert.deepEqual([...data], [0.25, -7]);
});

test("toTypedArray takes uint8 from a typed-array view", () => {
  const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
  const data = toTypedArray(backing.subarray(2, 5), "uint8");
  assert.deepEqual([...data], [1, 2, 3]);
});

test("decodeArray rejects a shape that does not match the bytes", () => {
  const buffer = new DataView(new ArrayBuffer(12));
  assert.throws(
    () => decodeArray({ buffer, dtype: "float32", shape: [2, 3] }),
    /needs 6 values/,
  );
});

test("toTypedArray rejects unknown dtypes and partial elements", () => {
  const buffer = new DataView(new ArrayBuffer(6));
  assert.throws(() => toTypedArray(buffer, "int64"), /unsupported dtype/);
  assert.throws(() => toTypedArray(buffer, "float32"), /whole number/);
});

test("reviveBinary turns base64 leaves into DataViews", () => {
  // "AAABQA==" is the little-endian float32 2.0 padded: bytes 00 00 00 40.
  const tree = reviveBinary({ a: [{ buffer: { $b64: "AAAAQA==" } }], b: 1 });
  const view = tree.a[0].buffer;
  assert.ok(view instanceof DataView);
  assert.equal(view.getFloat32(0, true), 2);
  assert.equal(tree.b, 1);
});
