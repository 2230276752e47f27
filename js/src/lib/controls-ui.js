// The plain-DOM overlay of a view: header (title, status), the stage that
// holds the canvas, the legend, an error box and the playback bar. Text from
// Python (title, class names) goes in through textContent only. Icon-only
// buttons carry an aria-label and a title; their icons are drawn in CSS.

import { CONVERGED, UNKNOWN, classColor, rampGradientCss } from "./colors.js";
import { CSS } from "./styles.js";

export const SPEEDS = [1, 2, 4, 8, 15, 30];

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function formatNumber(x) {
  if (!(x > 0)) return "0";
  return x >= 0.01 && x < 1000
    ? String(Number(x.toPrecision(3)))
    : x.toExponential(1);
}

/**
 * Build the DOM inside `root`. `actions` receives the user's intents:
 * togglePlay(), scrub(k), setFps(v), setShowData(b), setShowUnconverged(b),
 * resetCamera(). All listeners end with `signal`.
 *
 * @param {HTMLElement} root
 * @param {object} actions
 * @param {AbortSignal} signal
 */
export function createControls(root, actions, signal) {
  const style = element("style");
  style.textContent = CSS;

  const header = element("div", "gdeep-header");
  const title = element("div", "gdeep-title");
  // One span per part, so that a narrow header wraps between parts.
  const status = element("div", "gdeep-status");
  status.setAttribute("aria-live", "polite");
  header.append(title, status);

  const stage = element("div", "gdeep-stage");
  const snapshot = element("img", "gdeep-snapshot");
  snapshot.alt = "";
  snapshot.hidden = true;
  const notice = element("div", "gdeep-notice");
  notice.hidden = true;
  const legend = element("div", "gdeep-legend");
  const message = element("div", "gdeep-message");
  message.setAttribute("role", "alert");
  message.hidden = true;
  stage.append(snapshot, notice, legend, message);

  const bar = element("div", "gdeep-controls");
  const iconButton = (className, icon, label) => {
    const button = element("button", `gdeep-icon-button ${className}`);
    button.type = "button";
    button.title = label;
    button.setAttribute("aria-label", label);
    button.append(element("span", `gdeep-icon ${icon}`));
    return button;
  };
  const play = iconButton("gdeep-play", "gdeep-icon-play", "Play the flow");
  const slider = element("input", "gdeep-slider");
  slider.type = "range";
  slider.min = "0";
  slider.max = "0";
  slider.step = "1";
  slider.value = "0";
  slider.setAttribute("aria-label", "frame");
  // "frame " is dropped in narrow views by CSS; the numbers keep a minimum
  // width so the slider does not jitter during playback.
  const frameWord = element("span", "gdeep-frame-word", "frame ");
  const frameText = element("span", "gdeep-frame-text", "0 / 0");
  const frameLabel = element("span", "gdeep-frame-label");
  frameLabel.append(frameWord, frameText);
  const speed = element("select", "gdeep-speed");
  speed.title = "Playback speed";
  speed.setAttribute("aria-label", "Playback speed");
  for (const fps of SPEEDS) {
    const option = element("option", "", `${fps} fps`);
    option.value = String(fps);
    speed.append(option);
  }
  const toggle = (text, hint, className) => {
    const label = element("label");
    label.title = hint;
    const box = element("input", className);
    box.type = "checkbox";
    label.append(box, element("span", "", text));
    return [label, box];
  };
  const [dataLabel, dataBox] = toggle(
    "data",
    "Show the dataset",
    "gdeep-show-data",
  );
  const [farLabel, farBox] = toggle(
    "non-converged",
    "Show sample points not yet on the boundary",
    "gdeep-show-unconverged",
  );
  const reset = iconButton(
    "gdeep-reset",
    "gdeep-icon-fit",
    "Reset the view (fit the camera to the points)",
  );
  // Two groups: in a narrow view the options wrap onto a second row as a
  // whole, under the playback controls.
  const transport = element("div", "gdeep-transport");
  transport.append(play, slider, frameLabel);
  const options = element("div", "gdeep-options");
  options.append(speed, dataLabel, farLabel, reset);
  bar.append(transport, options);

  root.append(style, header, stage, bar);

  const listen = (node, type, handler) =>
    node.addEventListener(type, handler, { signal });
  listen(play, "click", () => actions.togglePlay());
  listen(slider, "input", () => actions.scrub(Number(slider.value)));
  listen(speed, "change", () => actions.setFps(Number(speed.value)));
  listen(dataBox, "change", () => actions.setShowData(dataBox.checked));
  listen(farBox, "change", () => actions.setShowUnconverged(farBox.checked));
  listen(reset, "click", () => actions.resetCamera());

  let legendKey = "";
  let labelChars = 0;

  return {
    stage,
    snapshot,
    setTitle(text) {
      title.textContent = text;
      title.title = text;
      header.hidden = false;
    },
    /** Status parts, shown joined by " · " (full text in the tooltip). */
    setStatus(parts) {
      const spans = parts.map((part, k) =>
        element("span", "gdeep-status-part", k ? `· ${part}` : part),
      );
      status.replaceChildren(...spans);
      status.title = parts.join(" · ");
    },
    /** A note centred on an empty stage ("" hides it). */
    setNotice(text) {
      notice.textContent = text;
      notice.hidden = !text;
    },
    /** Show `text` in the error box ("" hides it). */
    setMessage(text) {
      message.textContent = text;
      message.hidden = !text;
    },
    setPlaying(playing, canPlay) {
      const label = playing ? "Pause" : "Play the flow";
      play.title = label;
      play.setAttribute("aria-label", label);
      play.setAttribute("aria-pressed", String(playing));
      const icon = playing ? "pause" : "play";
      play.children[0].className = `gdeep-icon gdeep-icon-${icon}`;
      play.disabled = !canPlay && !playing;
    },
    setFrame(k, count, epoch) {
      slider.max = String(Math.max(count - 1, 0));
      slider.value = String(k);
      slider.disabled = count < 2;
      const shown = count ? k + 1 : 0;
      const text =
        `${shown} / ${count}` + (epoch !== null ? ` · epoch ${epoch}` : "");
      frameText.textContent = text;
      // Only ever widen, so the slider does not jitter during playback.
      if (text.length > labelChars) {
        labelChars = text.length;
        frameText.style.minWidth = `${labelChars}ch`;
      }
    },
    setOptions({ fps, showData, showUnconverged, hasData }) {
      if (!SPEEDS.includes(fps) && fps > 0) {
        const option = element("option", "", `${formatNumber(fps)} fps`);
        option.value = String(fps);
        speed.append(option);
      }
      speed.value = String(fps);
      dataBox.checked = showData;
      dataBox.disabled = !hasData;
      farBox.checked = showUnconverged;
    },
    /** Class swatches, then the distance ramp when samples are shown. */
    setLegend({ classNames, hasSamples, hasDistances, delta, maxDistance }) {
      const key = JSON.stringify([
        classNames,
        hasSamples,
        hasDistances,
        delta,
        maxDistance,
      ]);
      if (key === legendKey) return;
      legendKey = key;
      const rows = [];
      const row = (color, text, ring = false) => {
        const line = element("div", "gdeep-legend-row");
        const swatch = element(
          "span",
          ring ? "gdeep-swatch gdeep-ring" : "gdeep-swatch",
        );
        swatch.style.background = color;
        line.append(swatch, element("span", "", text));
        rows.push(line);
      };
      classNames.forEach((name, k) => row(classColor(k), name));
      if (hasSamples && hasDistances) {
        rows.push(element("div", "gdeep-legend-head", "distance to boundary"));
        // The ramp only when some point is (or was) off the boundary.
        const withRamp = maxDistance >= delta;
        if (withRamp) {
          const ramp = element("div", "gdeep-ramp");
          ramp.style.background = rampGradientCss();
          const labels = element("div", "gdeep-ramp-labels");
          labels.append(
            element("span", "", formatNumber(maxDistance)),
            element("span", "", `δ = ${formatNumber(delta)}`),
          );
          rows.push(ramp, labels);
        }
        const bound = withRamp ? "δ" : `δ = ${formatNumber(delta)}`;
        row(CONVERGED, `on boundary (< ${bound})`, true);
      } else if (hasSamples) {
        row(UNKNOWN, "sample points");
      }
      legend.replaceChildren(...rows);
      legend.hidden = rows.length === 0;
    },
    dispose() {
      root.replaceChildren();
    },
  };
}
