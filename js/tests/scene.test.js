import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MIN_POINT_SIZE,
  MIN_RING_WIDTH,
  adaptivePointSize,
  createScene,
  ringWidth,
} from "../src/lib/scene.js";

function cube(n, shift) {
  const positions = new Float32Array(n * 3);
  for (let i = 0; i < n * 3; i++)
    positions[i] = ((i * 7919) % 100) / 1000 + shift;
  return positions;
}

function frame(n, shift, distance) {
  return {
    n,
    positions: cube(n, shift),
    distances: new Float32Array(n).fill(distance),
  };
}

const options = { delta: 0.01, showUnconverged: true, maxDistance: 1 };

test("a frame moved far away is drawn in full, in the same geometry", () => {
  const scene = createScene();
  scene.setSamples(frame(50, 0, 0.5), options);
  const samples = scene.scene.children.find((c) => c.renderOrder === 2);
  const geometry = samples.geometry;

  const counts = scene.setSamples(frame(50, 10, 0.5), options);

  assert.equal(counts.drawn, 50);
  assert.equal(samples.geometry, geometry);
  assert.equal(geometry.drawRange.count, 50);
  // No stale bounding volume can cull the moved points.
  assert.equal(samples.frustumCulled, false);
  assert.equal(geometry.getAttribute("position").array[0], cube(1, 10)[0]);
  scene.dispose();
});

test("hiding non-converged points shortens the draw range", () => {
  const scene = createScene();
  const f = frame(4, 0, 0.5);
  f.distances.set([0.001, 0.5, 0.002, Number.NaN]);

  const counts = scene.setSamples(f, { ...options, showUnconverged: false });

  assert.deepEqual(counts, { drawn: 3, converged: 2, unknown: 1 });
  scene.dispose();
});

test("a larger frame replaces the geometry and disposes the old one", () => {
  const scene = createScene();
  scene.setSamples(frame(10, 0, 0.5), options);
  const samples = scene.scene.children.find((c) => c.renderOrder === 2);
  const old = samples.geometry;
  let disposed = false;
  old.addEventListener("dispose", () => (disposed = true));

  scene.setSamples(frame(100, 0, 0.5), options);

  assert.notEqual(samples.geometry, old);
  assert.ok(disposed);
  scene.dispose();
});

test("dispose frees every geometry, material and texture", () => {
  const scene = createScene();
  scene.setMode("2d");
  scene.setData(cube(5, 0), new Uint8Array([0, 1, 0, 1, 2]));
  const gap = { data: new Float32Array(6).fill(0.2), shape: [2, 3] };
  const top = { data: new Uint8Array(6), shape: [2, 3] };
  scene.setBackground({ gap, top, extent: [0, 1, 0, 1] });
  const items = scene.disposables();
  assert.equal(items.length, 8);
  let count = 0;
  for (const item of items)
    item.addEventListener("dispose", () => (count += 1));

  scene.dispose();

  assert.equal(count, items.length);
});

test("points shrink with their number, between a floor and point_size", () => {
  const area = 400 * 400;
  assert.equal(adaptivePointSize(6, 100, area), 6);
  const many = adaptivePointSize(6, 10_000, area);
  assert.ok(many < 6 && many > MIN_POINT_SIZE, String(many));
  assert.ok(adaptivePointSize(6, 20_000, area) < many);
  assert.equal(adaptivePointSize(6, 1e7, area), MIN_POINT_SIZE);
  // A point_size under the floor is kept, and no points means no shrinking.
  assert.equal(adaptivePointSize(1, 1e7, area), 1);
  assert.equal(adaptivePointSize(6, 0, area), 6);
});

test("the ring of converged points thins out but never vanishes", () => {
  assert.equal(ringWidth(6), 1);
  assert.equal(ringWidth(MIN_POINT_SIZE), MIN_RING_WIDTH);
  assert.ok(ringWidth(4.5) > MIN_RING_WIDTH && ringWidth(4.5) < 1);
  assert.equal(ringWidth(0), 0);
});

test("setSizes gives a dense cloud smaller points than a sparse one", () => {
  const scene = createScene();
  scene.setData(cube(50, 0), new Uint8Array(50));
  scene.setSamples(frame(20_000, 0, 0.001), options);
  const sizes = scene.setSizes({
    pointSize: 6,
    dataPointSize: 5,
    pixelRatio: 1,
    width: 600,
    height: 400,
  });
  assert.equal(sizes.data, 5);
  assert.ok(sizes.samples < 6, JSON.stringify(sizes));
  scene.dispose();
});
