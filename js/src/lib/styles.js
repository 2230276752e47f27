// Styles of the viewer, every selector scoped under .gdeep-flow-viewer (the
// style element sits in the page, so a bare .gdeep-status would also style
// other widgets' elements of that class); JupyterLab theme variables are used
// when present, with light defaults elsewhere.

export const CSS = `
.gdeep-flow-viewer {
  --gdeep-fg: var(--jp-ui-font-color1, #1f2328);
  --gdeep-muted: var(--jp-ui-font-color2, #57606a);
  --gdeep-border: var(--jp-border-color2, #d0d7de);
  --gdeep-panel: rgba(255, 255, 255, 0.9);
  position: relative;
  display: flex;
  flex-direction: column;
  width: 100%;
  /* The width comes from the container, not from the text inside, so
     viewers share a grid row evenly. */
  container-type: inline-size;
  min-width: 240px;
  box-sizing: border-box;
  border: 1px solid var(--gdeep-border);
  border-radius: 6px;
  overflow: hidden;
  background: #fff;
  color: var(--gdeep-fg);
  font: 13px/1.35 var(--jp-ui-font-family, system-ui, -apple-system,
    "Segoe UI", Roboto, sans-serif);
}
.gdeep-flow-viewer * { box-sizing: border-box; }
/* The status moves under the title when both do not fit on one line, and
   then wraps between its parts (its tooltip holds the whole text). */
.gdeep-flow-viewer .gdeep-header {
  display: flex; flex-wrap: wrap; align-items: baseline; gap: 2px 12px;
  padding: 6px 10px; border-bottom: 1px solid var(--gdeep-border);
}
.gdeep-flow-viewer .gdeep-title {
  flex: 0 1 auto; min-width: 0; max-width: 100%; font-weight: 600;
  font-size: 14px; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis;
}
.gdeep-flow-viewer .gdeep-status {
  flex: 1 1 auto; min-width: 0; display: flex; flex-wrap: wrap;
  justify-content: flex-end; column-gap: 0.35em;
  color: var(--gdeep-muted); font-variant-numeric: tabular-nums;
}
.gdeep-flow-viewer .gdeep-status-part {
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}
.gdeep-flow-viewer .gdeep-stage {
  position: relative; flex: 1 1 auto; min-height: 0;
  overflow: hidden; touch-action: none;
}
.gdeep-flow-viewer .gdeep-stage canvas,
.gdeep-flow-viewer .gdeep-snapshot {
  position: absolute; inset: 0; width: 100%; height: 100%; display: block;
}
.gdeep-flow-viewer .gdeep-snapshot[hidden] { display: none; }
.gdeep-flow-viewer .gdeep-notice {
  position: absolute; left: 50%; top: 50%; z-index: 2;
  transform: translate(-50%, -50%); max-width: 80%; padding: 6px 10px;
  border: 1px solid var(--gdeep-border); border-radius: 4px;
  background: var(--gdeep-panel); color: var(--gdeep-muted);
  text-align: center; pointer-events: none;
}
.gdeep-flow-viewer .gdeep-notice[hidden] { display: none; }
.gdeep-flow-viewer .gdeep-legend {
  position: absolute; top: 8px; right: 8px; max-width: min(50%, 240px);
  padding: 6px 8px; border: 1px solid var(--gdeep-border); border-radius: 4px;
  background: var(--gdeep-panel); font-size: 12px; pointer-events: none;
}
.gdeep-flow-viewer .gdeep-legend-row {
  display: flex; align-items: center; gap: 6px;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}
.gdeep-flow-viewer .gdeep-swatch {
  flex: none; width: 10px; height: 10px; border-radius: 50%;
}
.gdeep-flow-viewer .gdeep-swatch.gdeep-ring {
  box-shadow: inset 0 0 0 2px #14141f;
}
.gdeep-flow-viewer .gdeep-legend-head {
  margin-top: 4px; color: var(--gdeep-muted);
}
.gdeep-flow-viewer .gdeep-ramp {
  width: 100%; min-width: 60px; height: 8px; border-radius: 2px;
}
.gdeep-flow-viewer .gdeep-ramp-labels {
  display: flex; justify-content: space-between; gap: 6px;
  color: var(--gdeep-muted); font-size: 11px; white-space: nowrap;
}
.gdeep-flow-viewer .gdeep-message {
  position: absolute; left: 8px; bottom: 8px; right: 8px;
  padding: 6px 8px; border-radius: 4px; font-size: 12px;
  background: #fff1f0; border: 1px solid #d1242f; color: #82071e;
  white-space: pre-wrap;
}
.gdeep-flow-viewer .gdeep-message[hidden],
.gdeep-flow-viewer .gdeep-legend[hidden] { display: none; }
/* Playback bar: the transport group (play, slider, frame) and the options
   group; in a narrow view the options wrap, as a whole, onto a second row. */
.gdeep-flow-viewer .gdeep-controls {
  display: flex; flex-wrap: wrap; align-items: center; gap: 4px 12px;
  padding: 5px 8px; border-top: 1px solid var(--gdeep-border);
}
.gdeep-flow-viewer .gdeep-transport {
  display: flex; align-items: center; gap: 8px;
  flex: 1 1 240px; min-width: 0;
}
.gdeep-flow-viewer .gdeep-options {
  display: flex; align-items: center; gap: 10px;
  flex: 0 0 auto; margin-left: auto;
}
.gdeep-flow-viewer .gdeep-controls button,
.gdeep-flow-viewer .gdeep-controls select {
  font: inherit; color: inherit; background: #f6f8fa;
  border: 1px solid var(--gdeep-border); border-radius: 4px;
  padding: 0 6px; height: 26px; cursor: pointer;
}
.gdeep-flow-viewer .gdeep-controls select { padding: 0 2px; font-size: 12px; }
.gdeep-flow-viewer .gdeep-controls button:disabled {
  cursor: default; opacity: 0.5;
}
.gdeep-flow-viewer .gdeep-controls button:focus-visible,
.gdeep-flow-viewer .gdeep-controls select:focus-visible,
.gdeep-flow-viewer .gdeep-controls input:focus-visible {
  outline: 2px solid #0969da; outline-offset: 1px;
}
.gdeep-flow-viewer .gdeep-icon-button {
  flex: none; width: 30px; padding: 0;
  display: inline-flex; align-items: center; justify-content: center;
}
.gdeep-flow-viewer .gdeep-icon { display: block; flex: none; }
.gdeep-flow-viewer .gdeep-icon-play {
  width: 0; height: 0; margin-left: 2px; border-style: solid;
  border-width: 6px 0 6px 10px;
  border-color: transparent transparent transparent currentColor;
}
.gdeep-flow-viewer .gdeep-icon-pause {
  width: 10px; height: 12px;
  border-left: 3px solid currentColor; border-right: 3px solid currentColor;
}
/* Four corners of a frame: "fit the view". */
.gdeep-flow-viewer .gdeep-icon-fit {
  width: 14px; height: 14px; background-repeat: no-repeat;
  background-image: linear-gradient(currentColor, currentColor),
    linear-gradient(currentColor, currentColor),
    linear-gradient(currentColor, currentColor),
    linear-gradient(currentColor, currentColor),
    linear-gradient(currentColor, currentColor),
    linear-gradient(currentColor, currentColor),
    linear-gradient(currentColor, currentColor),
    linear-gradient(currentColor, currentColor);
  background-size: 5px 2px, 2px 5px, 5px 2px, 2px 5px,
    5px 2px, 2px 5px, 5px 2px, 2px 5px;
  background-position: 0 0, 0 0, 100% 0, 100% 0,
    0 100%, 0 100%, 100% 100%, 100% 100%;
}
.gdeep-flow-viewer .gdeep-slider {
  flex: 1 1 60px; width: 0; min-width: 60px; margin: 0;
}
.gdeep-flow-viewer .gdeep-frame-label {
  flex: none; font-variant-numeric: tabular-nums; white-space: nowrap;
  color: var(--gdeep-muted); font-size: 12px;
}
.gdeep-flow-viewer .gdeep-frame-text { display: inline-block; }
.gdeep-flow-viewer .gdeep-controls label {
  display: inline-flex; align-items: center; gap: 4px;
  cursor: pointer; white-space: nowrap;
}
.gdeep-flow-viewer .gdeep-controls label input { margin: 0; }
@container (max-width: 640px) {
  .gdeep-flow-viewer .gdeep-frame-word { display: none; }
}
@container (max-width: 480px) {
  .gdeep-flow-viewer .gdeep-legend { font-size: 11px; padding: 4px 6px; }
  .gdeep-flow-viewer .gdeep-legend-head { display: none; }
  .gdeep-flow-viewer .gdeep-status { justify-content: flex-start; }
  .gdeep-flow-viewer .gdeep-header,
  .gdeep-flow-viewer .gdeep-controls { padding: 4px 6px; }
}
`;
