// `npm run docs:map`: the README's picture of the bundled example, drawn by `mesh-lens graph`.
// The SVG is the command's output as is; the README shows a PNG of it, taken by headless Chromium,
// because the VS Code Marketplace (and vsce, which packages the README) refuses SVG images.
// Needs dist/ built (the npm script builds first) and Debian's chromium.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const svg = 'docs/images/mesh-map.svg';
const png = 'docs/images/mesh-map.png';
execFileSync(process.execPath, [
  'dist/cli.js',
  'graph',
  'examples/bookinfo-multicluster',
  '--format',
  'svg',
  '-o',
  svg,
]);
// Graphviz sizes its SVG in points; the window is as large in CSS pixels, so nothing is cut.
const [width, height] = ['width', 'height'].map((name) =>
  Math.ceil(
    (Number(new RegExp(`<svg[^>]* ${name}="([\\d.]+)pt"`).exec(readFileSync(svg, 'utf8'))?.[1]) * 4) / 3,
  ),
);
execFileSync(
  process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--hide-scrollbars',
    '--force-device-scale-factor=2',
    `--window-size=${width},${height}`,
    `--screenshot=${resolve(png)}`,
    pathToFileURL(resolve(svg)).toString(),
  ],
  { stdio: 'ignore' },
);
console.log(`wrote ${svg} and ${png} (${width}×${height} CSS pixels, at 2×)`);
