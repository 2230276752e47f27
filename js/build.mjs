// Bundles the viewer into gdeep_widgets/static/: an ES module for anywidget and
// an IIFE for the self-contained HTML page written by save_html and the demo.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "gdeep_widgets", "static");
const watch = process.argv.includes("--watch");

const common = {
  bundle: true,
  minify: !watch,
  sourcemap: false,
  target: ["es2020"],
  logLevel: "info",
  legalComments: "none",
};

const builds = [
  {
    ...common,
    entryPoints: [path.join(root, "js", "src", "flow-viewer.js")],
    outfile: path.join(outdir, "flow-viewer.js"),
    format: "esm",
  },
  {
    ...common,
    entryPoints: [path.join(root, "js", "src", "standalone.js")],
    outfile: path.join(outdir, "flow-viewer-standalone.js"),
    format: "iife",
    globalName: "gdeepWidgets",
  },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
