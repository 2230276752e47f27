// The three.js scene of one view: data points, sample points, the 2D
// background heat map and both cameras. It needs no WebGL context, so it
// outlives renderers (which come and go with visibility) and runs in node.

import * as THREE from "three";
import {
  BACKGROUND,
  CONVERGED,
  FAR_END,
  NEAR_END,
  OKABE_ITO,
  UNKNOWN,
  distanceToRamp,
  hexToRgb,
  viridis,
} from "./colors.js";

const POINT_VERTEX = /* glsl */ `
attribute vec3 aColor;
attribute float aRing;
uniform float uSize;
uniform float uPixelRatio;
uniform float uAttenuate;
uniform float uRefDistance;
uniform float uRingWidth;
uniform vec2 uDepthRange;
uniform float uShade;
varying vec3 vColor;
varying vec2 vRing;
void main() {
  vec4 mv = modelViewMatrix * vec4(position, 1.0);
  gl_Position = projectionMatrix * mv;
  float depth = -mv.z;
  float scale = uAttenuate > 0.5 ? uRefDistance / max(depth, 1e-6) : 1.0;
  float size = clamp(uSize * uPixelRatio * scale, 1.0, 48.0 * uPixelRatio);
  gl_PointSize = size;
  // Depth cue: the far side of the scene is drawn darker, so a dense cloud
  // reads as a surface rather than a flat blot.
  float far = clamp(
    (depth - uDepthRange.x) / max(uDepthRange.y - uDepthRange.x, 1e-6),
    0.0, 1.0);
  vColor = aColor * (1.0 - uShade * far);
  // The ring: its width as a share of the radius, at least one device
  // pixel, and its strength, so that a ring under a pixel wide is drawn one
  // pixel wide and paler rather than as a full dark pixel.
  float ring = uRingWidth * uPixelRatio;
  vRing = aRing > 0.0 && ring > 0.0
    ? vec2(min(2.0 * max(ring, 1.0) / size, 0.6), min(ring, 1.0))
    : vec2(0.0);
}`;

// Round points with an antialiased rim; vRing.x > 0 draws a dark ring of
// that relative width and vRing.y strength (converged sample points, white).
const POINT_FRAGMENT = /* glsl */ `
uniform float uOpacity;
varying vec3 vColor;
varying vec2 vRing;
void main() {
  float r = length(gl_PointCoord * 2.0 - 1.0);
  float aa = max(fwidth(r), 1e-3);
  float alpha = 1.0 - smoothstep(1.0 - aa, 1.0, r);
  if (alpha <= 0.0) discard;
  vec3 color = vColor;
  if (vRing.x > 0.0) {
    float ring = smoothstep(1.0 - vRing.x - aa, 1.0 - vRing.x, r);
    color = mix(color, vec3(0.08, 0.08, 0.12), ring * vRing.y);
  }
  gl_FragColor = vec4(color, alpha * uOpacity);
}`;

const PLANE_VERTEX = /* glsl */ `
varying vec2 vUv;
void main() {
  vUv = uv;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;

// Heat map from values on grid nodes. Bilinear interpolation of a signed gap
// (sign flips where the predicted class differs from the cell's first
// corner) puts the p = 1/2 line between nodes; its width in pixels comes
// from the in-cell gradient, so it does not jump at cell edges.
const PLANE_FRAGMENT = /* glsl */ `
uniform sampler2D uGap;
uniform sampler2D uTop;
uniform vec2 uGrid;
uniform vec3 uPalette[8];
uniform float uGapScale;
varying vec2 vUv;
float gapAt(ivec2 c) { return texelFetch(uGap, c, 0).r; }
float topAt(ivec2 c) { return floor(texelFetch(uTop, c, 0).r * 255.0 + 0.5); }
void main() {
  vec2 g = vUv * (uGrid - 1.0);
  vec2 base = clamp(floor(g), vec2(0.0), uGrid - 2.0);
  ivec2 c = ivec2(base);
  vec2 f = clamp(g - base, 0.0, 1.0);
  float t00 = topAt(c);
  float t10 = topAt(c + ivec2(1, 0));
  float t01 = topAt(c + ivec2(0, 1));
  float t11 = topAt(c + ivec2(1, 1));
  float g00 = gapAt(c);
  float g10 = gapAt(c + ivec2(1, 0));
  float g01 = gapAt(c + ivec2(0, 1));
  float g11 = gapAt(c + ivec2(1, 1));
  float s10 = t10 == t00 ? g10 : -g10;
  float s01 = t01 == t00 ? g01 : -g01;
  float s11 = t11 == t00 ? g11 : -g11;
  float s = mix(mix(g00, s10, f.x), mix(s01, s11, f.x), f.y);
  float gap = mix(mix(g00, g10, f.x), mix(g01, g11, f.x), f.y);
  vec2 ds = vec2(
    mix(s10 - g00, s11 - s01, f.y),
    mix(s01 - g00, s11 - s10, f.x));
  vec2 fw = fwidth(g);
  float width = abs(ds.x) * fw.x + abs(ds.y) * fw.y;
  float line = 1.0 - smoothstep(0.6, 1.6, abs(s) / max(width, 1e-9));
  // The colour follows the same signed field, so class regions end exactly
  // at the drawn line: the first corner's class where s >= 0, otherwise the
  // nearest corner of another class.
  float other = t00;
  float best = -1.0;
  float w10 = f.x * (1.0 - f.y);
  float w01 = (1.0 - f.x) * f.y;
  float w11 = f.x * f.y;
  if (t10 != t00 && w10 > best) { other = t10; best = w10; }
  if (t01 != t00 && w01 > best) { other = t01; best = w01; }
  if (t11 != t00 && w11 > best) { other = t11; best = w11; }
  int k = int(mod(s >= 0.0 ? t00 : other, 8.0));
  vec3 tint = uPalette[k];
  float strength = smoothstep(0.0, uGapScale, gap);
  vec3 color = mix(vec3(1.0), tint, 0.10 + 0.32 * strength);
  color = mix(color, vec3(0.12, 0.12, 0.16), 0.85 * line);
  gl_FragColor = vec4(color, 1.0);
}`;

/**
 * Points of a cloud get about `DENSITY * side / sqrt(n)` CSS pixels, `side`
 * being the canvas side the content is fitted to: a few hundred points keep
 * their full size, ten thousand shrink to leave gaps between them, so a dense
 * boundary reads as a surface (and the data behind it stays visible)
 * instead of a solid blot.
 */
export const DENSITY = 1.2;
/** Points never shrink below this diameter in CSS pixels. */
export const MIN_POINT_SIZE = 2;
/** Where the 3D camera looks from, relative to the target, by default. */
const DEFAULT_DIRECTION = new THREE.Vector3(0.9, 0.55, 1.3).normalize();
/** In 3D the farthest points are drawn this much darker (a depth cue). */
export const DEPTH_SHADE = 0.5;

/**
 * Diameter in CSS pixels of each of `n` points drawn over `area` square CSS
 * pixels: `maxSize` for few points, smaller for many, never under
 * MIN_POINT_SIZE (unless `maxSize` itself is smaller).
 *
 * @param {number} maxSize largest diameter, the point_size trait
 * @param {number} n points drawn
 * @param {number} area side * side, in square CSS pixels
 * @returns {number}
 */
export function adaptivePointSize(maxSize, n, area) {
  if (!(n > 0) || !(area > 0)) return maxSize;
  const fitted = DENSITY * Math.sqrt(area / n);
  return Math.min(maxSize, Math.max(MIN_POINT_SIZE, fitted));
}

/** Thinnest ring, in CSS pixels (drawn one pixel wide at this strength). */
export const MIN_RING_WIDTH = 0.5;

/**
 * Width in CSS pixels of the dark ring of converged points of diameter
 * `size`: 1 px on large points, thinner (drawn one pixel wide and paler) on
 * small ones, where a full ring would swallow the white; but never under
 * MIN_RING_WIDTH, since without its ring a white point vanishes on the white
 * background.
 */
export function ringWidth(size) {
  if (!(size > 0)) return 0;
  return Math.min(Math.max((size - 2) / 4, MIN_RING_WIDTH), 1);
}

function createPointCloud(renderOrder, options) {
  const geometry = new THREE.BufferGeometry();
  const material = new THREE.ShaderMaterial({
    vertexShader: POINT_VERTEX,
    fragmentShader: POINT_FRAGMENT,
    uniforms: {
      uSize: { value: 4 },
      uPixelRatio: { value: 1 },
      uAttenuate: { value: 0 },
      uRefDistance: { value: 1 },
      uRingWidth: { value: 0 },
      uDepthRange: { value: new THREE.Vector2(0, 1) },
      uShade: { value: 0 },
      uOpacity: { value: options.opacity },
    },
    transparent: true,
  });
  const points = new THREE.Points(geometry, material);
  // Positions change every frame; a stale bounding sphere would cull points
  // that moved out of it.
  points.frustumCulled = false;
  points.renderOrder = renderOrder;
  const cloud = { points, capacity: -1 };
  ensureCapacity(cloud, 0);
  return cloud;
}

// A new geometry only when the point count grows: the GPU buffers of the old
// one are freed by its dispose().
function ensureCapacity(cloud, n) {
  if (n <= cloud.capacity) return;
  const capacity =
    cloud.capacity < 0 ? n : Math.max(n, Math.ceil(cloud.capacity * 1.5));
  const geometry = new THREE.BufferGeometry();
  const attribute = (size) =>
    new THREE.BufferAttribute(new Float32Array(capacity * size), size).setUsage(
      THREE.DynamicDrawUsage,
    );
  geometry.setAttribute("position", attribute(3));
  geometry.setAttribute("aColor", attribute(3));
  geometry.setAttribute("aRing", attribute(1));
  geometry.setDrawRange(0, 0);
  cloud.points.geometry.dispose();
  cloud.points.geometry = geometry;
  cloud.capacity = capacity;
}

function markUpdated(geometry, count) {
  for (const name of ["position", "aColor", "aRing"]) {
    const attribute = geometry.getAttribute(name);
    attribute.clearUpdateRanges();
    attribute.addUpdateRange(0, count * attribute.itemSize);
    attribute.needsUpdate = true;
  }
  geometry.setDrawRange(0, count);
}

/** The scene of one view; see the module comment. */
export function createScene() {
  const scene = new THREE.Scene();
  scene.background = new THREE.Color(BACKGROUND);
  const data = createPointCloud(1, { opacity: 0.7 });
  const samples = createPointCloud(2, { opacity: 1 });
  scene.add(data.points, samples.points);
  const perspective = new THREE.PerspectiveCamera(45, 1, 0.01, 1000);
  const orthographic = new THREE.OrthographicCamera(-1, 1, 1, -1, 0.01, 1000);
  const palette = OKABE_ITO.map(hexToRgb);
  const rgb = [0, 0, 0];
  const converged = hexToRgb(CONVERGED);
  const unknown = hexToRgb(UNKNOWN);
  let heatmap = null;
  let mode = "3d";
  let aspect = 1;
  let refDistance = 1;
  const bounds = new THREE.Sphere(new THREE.Vector3(), 1);
  const depthScratch = new THREE.Vector2();

  // View depths of the nearest and farthest point of the fitted bounds.
  function depthRange() {
    const camera = mode === "2d" ? orthographic : perspective;
    const d = camera.position.distanceTo(bounds.center);
    return depthScratch.set(d - bounds.radius, d + bounds.radius);
  }

  const self = {
    scene,
    get camera() {
      return mode === "2d" ? orthographic : perspective;
    },
    get mode() {
      return mode;
    },

    /** "2d": flat, drawn in order; "3d": depth tested, sizes attenuated. */
    setMode(next) {
      mode = next;
      for (const cloud of [data, samples]) {
        const material = cloud.points.material;
        material.depthTest = mode === "3d";
        material.depthWrite = mode === "3d";
        material.uniforms.uAttenuate.value = mode === "3d" ? 1 : 0;
      }
      if (heatmap) heatmap.visible = mode === "2d";
    },

    /** Data positions (n*3) and labels (n); returns the count drawn. */
    setData(positions, labels) {
      const n = labels ? Math.min(labels.length, positions.length / 3) : 0;
      ensureCapacity(data, n);
      const geometry = data.points.geometry;
      geometry.getAttribute("position").array.set(positions.subarray(0, n * 3));
      const colors = geometry.getAttribute("aColor").array;
      for (let i = 0; i < n; i++) colors.set(palette[labels[i] % 8], i * 3);
      geometry.getAttribute("aRing").array.fill(0, 0, n);
      markUpdated(geometry, n);
      return n;
    },

    /**
     * Copy one frame into the sample buffers, in place. Hidden points are
     * skipped, so the draw range counts exactly the points drawn. Returns
     * counts: drawn, converged (d < delta) and unknown (NaN distance).
     */
    setSamples(frame, { delta, showUnconverged, maxDistance }) {
      const n = frame ? frame.n : 0;
      ensureCapacity(samples, n);
      const geometry = samples.points.geometry;
      const position = geometry.getAttribute("position").array;
      const color = geometry.getAttribute("aColor").array;
      const ring = geometry.getAttribute("aRing").array;
      let m = 0;
      let nConverged = 0;
      let nUnknown = 0;
      for (let i = 0; i < n; i++) {
        const d = frame.distances[i];
        if (!showUnconverged && d >= delta) continue;
        position[m * 3] = frame.positions[i * 3];
        position[m * 3 + 1] = frame.positions[i * 3 + 1];
        position[m * 3 + 2] = frame.positions[i * 3 + 2];
        if (Number.isNaN(d)) {
          color.set(unknown, m * 3);
          ring[m] = 0;
          nUnknown += 1;
        } else if (d < delta) {
          color.set(converged, m * 3);
          ring[m] = 1;
          nConverged += 1;
        } else {
          const t = distanceToRamp(d, delta, maxDistance);
          viridis(FAR_END + (NEAR_END - FAR_END) * t, rgb);
          color.set(rgb, m * 3);
          ring[m] = 0;
        }
        m += 1;
      }
      markUpdated(geometry, m);
      return { drawn: m, converged: nConverged, unknown: nUnknown };
    },

    setVisible({ showData }) {
      data.points.visible = showData;
    },

    /**
     * Point sizes for a canvas of `width` x `height` CSS pixels: each cloud
     * gets its maximum size, shrunk by adaptivePointSize for the number of
     * points it draws. The camera fits the content to the shorter side of
     * the canvas, so that side sets the area; zooming in 2D enlarges it.
     * Only sample points get the 3D depth shading: data keep class colours.
     * Returns the diameters used, `{samples, data}`.
     */
    setSizes({ pointSize, dataPointSize, pixelRatio, width, height }) {
      const zoom = mode === "2d" ? orthographic.zoom : 1;
      const side = Math.min(width, height) * zoom;
      const area = side * side;
      const shade = mode === "3d" ? DEPTH_SHADE : 0;
      const depth = depthRange();
      const set = (cloud, maxSize) => {
        const n = cloud.points.geometry.drawRange.count;
        const size = adaptivePointSize(maxSize, n, area);
        const uniforms = cloud.points.material.uniforms;
        uniforms.uSize.value = size;
        uniforms.uPixelRatio.value = pixelRatio;
        uniforms.uRefDistance.value = refDistance;
        uniforms.uRingWidth.value = ringWidth(size);
        uniforms.uDepthRange.value.copy(depth);
        uniforms.uShade.value = cloud === samples ? shade : 0;
        return size;
      };
      return {
        samples: set(samples, pointSize),
        data: set(data, dataPointSize),
      };
    },

    /** Heat map of `{gap, top, extent}` decoded arrays; null removes it. */
    setBackground(background) {
      disposeHeatmap();
      if (!background) return;
      const { gap, top, extent } = background;
      const [ny, nx] = gap.shape;
      const gapTexture = new THREE.DataTexture(
        gap.data,
        nx,
        ny,
        THREE.RedFormat,
        THREE.FloatType,
      );
      const topTexture = new THREE.DataTexture(
        top.data,
        nx,
        ny,
        THREE.RedFormat,
        THREE.UnsignedByteType,
      );
      for (const texture of [gapTexture, topTexture]) {
        texture.unpackAlignment = 1;
        texture.needsUpdate = true;
      }
      let maxGap = 0;
      for (const v of gap.data) maxGap = Math.max(maxGap, v);
      const material = new THREE.ShaderMaterial({
        vertexShader: PLANE_VERTEX,
        fragmentShader: PLANE_FRAGMENT,
        uniforms: {
          uGap: { value: gapTexture },
          uTop: { value: topTexture },
          uGrid: { value: new THREE.Vector2(nx, ny) },
          uPalette: { value: palette.map((c) => new THREE.Vector3(...c)) },
          uGapScale: { value: Math.max(maxGap * 0.6, 1e-6) },
        },
        depthTest: false,
        depthWrite: false,
      });
      const [x0, x1, y0, y1] = extent;
      heatmap = new THREE.Mesh(new THREE.PlaneGeometry(1, 1), material);
      heatmap.position.set((x0 + x1) / 2, (y0 + y1) / 2, 0);
      heatmap.scale.set(x1 - x0, y1 - y0, 1);
      heatmap.renderOrder = 0;
      heatmap.visible = mode === "2d";
      heatmap.userData.textures = [gapTexture, topTexture];
      heatmap.userData.extent = extent;
      scene.add(heatmap);
    },

    /** Heat map extent, or null. */
    get backgroundExtent() {
      return heatmap ? heatmap.userData.extent : null;
    },

    setAspect(next) {
      aspect = next > 0 ? next : 1;
      perspective.aspect = aspect;
      perspective.updateProjectionMatrix();
      const halfHeight = orthographic.top;
      orthographic.left = -halfHeight * aspect;
      orthographic.right = halfHeight * aspect;
      orthographic.updateProjectionMatrix();
    },

    /**
     * Point the camera at the box [min, max]; returns the orbit target.
     * In 2D the whole box fits the view; in 3D its bounding sphere does,
     * seen from `direction` (a Vector3 from the target towards the camera)
     * or from the default angle when it is null.
     */
    fit(min, max, direction = null) {
      const center = new THREE.Vector3()
        .addVectors(min, max)
        .multiplyScalar(0.5);
      const size = new THREE.Vector3().subVectors(max, min);
      const radius = Math.max(size.length() / 2, 1e-6);
      bounds.set(center.clone(), radius);
      if (mode === "2d") {
        const halfHeight =
          Math.max(size.y / 2, size.x / 2 / aspect, 1e-6) * 1.08;
        orthographic.top = halfHeight;
        orthographic.bottom = -halfHeight;
        orthographic.left = -halfHeight * aspect;
        orthographic.right = halfHeight * aspect;
        orthographic.zoom = 1;
        orthographic.near = 0.01 * radius;
        orthographic.far = 1000 * radius;
        orthographic.position.set(center.x, center.y, 100 * radius);
        orthographic.up.set(0, 1, 0);
        orthographic.lookAt(center.x, center.y, 0);
        orthographic.updateProjectionMatrix();
        refDistance = 1;
        return new THREE.Vector3(center.x, center.y, 0);
      }
      const halfFov = THREE.MathUtils.degToRad(perspective.fov / 2);
      const fitFov =
        aspect < 1 ? Math.atan(Math.tan(halfFov) * aspect) : halfFov;
      // Between the bounding sphere's exact fit (1 / sin) and its silhouette
      // (1 / tan): point clouds rarely fill the corners of their box.
      const distance = (radius / Math.tan(fitFov)) * 0.95;
      const view =
        direction && direction.lengthSq() > 0
          ? direction.clone().normalize()
          : DEFAULT_DIRECTION.clone();
      perspective.position.copy(center).addScaledVector(view, distance);
      perspective.up.set(0, 1, 0);
      perspective.near = distance / 1000;
      perspective.far = distance * 1000;
      perspective.lookAt(center);
      perspective.updateProjectionMatrix();
      refDistance = distance;
      return center;
    },

    /** Every disposable three.js object, for cleanup and its tests. */
    disposables() {
      const list = [];
      for (const cloud of [data, samples]) {
        list.push(cloud.points.geometry, cloud.points.material);
      }
      if (heatmap) {
        list.push(
          heatmap.geometry,
          heatmap.material,
          ...heatmap.userData.textures,
        );
      }
      return list;
    },

    dispose() {
      disposeHeatmap();
      for (const item of self.disposables()) item.dispose();
      scene.clear();
    },
  };

  function disposeHeatmap() {
    if (!heatmap) return;
    scene.remove(heatmap);
    heatmap.geometry.dispose();
    heatmap.material.dispose();
    for (const texture of heatmap.userData.textures) texture.dispose();
    heatmap = null;
  }

  self.setMode("3d");
  return self;
}

/** Grow the box [min, max] (Vector3) by `n` points of a flat xyz array. */
export function expandBox(min, max, positions, n) {
  for (let i = 0; i < n; i++) {
    const x = positions[i * 3];
    const y = positions[i * 3 + 1];
    const z = positions[i * 3 + 2];
    if (x < min.x) min.x = x;
    if (y < min.y) min.y = y;
    if (z < min.z) min.z = z;
    if (x > max.x) max.x = x;
    if (y > max.y) max.y = y;
    if (z > max.z) max.z = z;
  }
}

export { THREE };
