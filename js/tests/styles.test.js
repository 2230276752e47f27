import assert from "node:assert/strict";
import { test } from "node:test";
import { CSS } from "../src/lib/styles.js";

// Selectors of every rule, @container blocks included (their inner rules).
function selectors(css) {
  const found = [];
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  for (const match of text.matchAll(/([^{}]+)\{/g)) {
    const head = match[1].trim();
    if (head.startsWith("@")) continue;
    found.push(...head.split(",").map((s) => s.trim()));
  }
  return found;
}

test("every style rule is scoped under the viewer's root class", () => {
  const list = selectors(CSS);
  assert.ok(list.length > 20);
  for (const selector of list) {
    assert.match(selector, /^\.gdeep-flow-viewer(\s|$|\s*\*)/, selector);
  }
});
