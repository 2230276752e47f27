import assert from "node:assert/strict";
import { test } from "node:test";
import {
  CONVERGED,
  FAR_END,
  NEAR_END,
  OKABE_ITO,
  hexToRgb,
  viridis,
} from "../src/lib/colors.js";

// CIELAB (D65) of sRGB in 0..1; lightness survives every colour-vision
// deficiency, hue does not.
function lab(rgb) {
  const [r, g, b] = rgb.map((c) =>
    c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4,
  );
  const xyz = [
    (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047,
    0.2126 * r + 0.7152 * g + 0.0722 * b,
    (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883,
  ];
  const [fx, fy, fz] = xyz.map((t) =>
    t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116,
  );
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

const converged = lab(hexToRgb(CONVERGED));

test("on-boundary points differ from every class colour in lightness", () => {
  for (const hex of OKABE_ITO) {
    const other = lab(hexToRgb(hex));
    const dL = Math.abs(converged[0] - other[0]);
    const dE = Math.hypot(...converged.map((v, i) => v - other[i]));
    assert.ok(dL > 10, `${CONVERGED} vs class ${hex}: lightness gap ${dL}`);
    assert.ok(dE > 30, `${CONVERGED} vs class ${hex}: colour distance ${dE}`);
  }
});

test("on-boundary points differ from the distance ramp in lightness", () => {
  const rgb = [0, 0, 0];
  for (let i = 0; i <= 100; i++) {
    viridis(FAR_END + ((NEAR_END - FAR_END) * i) / 100, rgb);
    const dL = Math.abs(converged[0] - lab(rgb)[0]);
    assert.ok(dL > 10, `${CONVERGED} vs ramp step ${i}: lightness gap ${dL}`);
  }
});
