// Colours: Okabe-Ito for classes (safe for colour-blind readers) and a
// viridis ramp for distances to the boundary.

/** Okabe & Ito (2008), ordered so that the first classes contrast most. */
export const OKABE_ITO = [
  "#0072B2", // blue
  "#E69F00", // orange
  "#009E73", // bluish green
  "#D55E00", // vermillion
  "#CC79A7", // reddish purple
  "#56B4E9", // sky blue
  "#F0E442", // yellow
  "#000000", // black
];

/** Viridis sampled at 9 evenly spaced stops (matplotlib's colormap, CC0). */
export const VIRIDIS = [
  "#440154",
  "#472d7b",
  "#3b528b",
  "#2c728e",
  "#21918c",
  "#28ae80",
  "#5ec962",
  "#addc30",
  "#fde725",
];

/** Not-yet-converged points use viridis up to this position. */
export const FAR_END = 0.0;
export const NEAR_END = 0.8;
/**
 * Points with distance < delta: white, drawn with a dark ring. The classes
 * take the hues and the lightness from black to yellow, and the ramp runs
 * from dark to light, so white is the one colour left: the light end past
 * the ramp, told apart from every class by lightness and by its ring, not by
 * hue alone (colour-blind readers). The ramp's own light end, yellow, is
 * lost next to the yellow and orange classes.
 */
export const CONVERGED = "#ffffff";
/** Points without a known distance. */
export const UNKNOWN = "#8c8c8c";
export const BACKGROUND = "#ffffff";

/** "#rrggbb" -> [r, g, b] in 0..1. */
export function hexToRgb(hex) {
  const n = parseInt(hex.slice(1), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

const VIRIDIS_RGB = VIRIDIS.map(hexToRgb);

/** Viridis at t in [0, 1], written into `out` at `offset`. */
export function viridis(t, out, offset = 0) {
  const x = Math.min(Math.max(t, 0), 1) * (VIRIDIS_RGB.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS_RGB.length - 2);
  const f = x - i;
  const a = VIRIDIS_RGB[i];
  const b = VIRIDIS_RGB[i + 1];
  out[offset] = a[0] + (b[0] - a[0]) * f;
  out[offset + 1] = a[1] + (b[1] - a[1]) * f;
  out[offset + 2] = a[2] + (b[2] - a[2]) * f;
  return out;
}

/** Colour of class `k` (the palette repeats after 8 classes). */
export function classColor(k) {
  return OKABE_ITO[k % OKABE_ITO.length];
}

/**
 * Position on the distance ramp: 0 far (max distance) to 1 near (delta),
 * on a log scale since the flow shrinks distances geometrically.
 */
export function distanceToRamp(d, delta, maxDistance) {
  if (!(maxDistance > delta)) return 1;
  const t = Math.log(d / delta) / Math.log(maxDistance / delta);
  return 1 - Math.min(Math.max(t, 0), 1);
}

/** CSS linear-gradient of the ramp used for non-converged points. */
export function rampGradientCss() {
  const stops = [];
  const rgb = [0, 0, 0];
  for (let i = 0; i <= 8; i++) {
    const t = FAR_END + ((NEAR_END - FAR_END) * i) / 8;
    viridis(t, rgb);
    const css = rgb.map((v) => Math.round(v * 255)).join(",");
    stops.push(`rgb(${css}) ${(i / 8) * 100}%`);
  }
  return `linear-gradient(to right, ${stops.join(", ")})`;
}
