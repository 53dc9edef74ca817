// SVG through Graphviz compiled to WebAssembly (@viz-js/viz): a real layout engine, no browser and
// no native build. The library is not bundled into dist/cli.js: scripts/build.mjs copies its
// self-contained build beside the bundles, where the editor's mesh map loads it too, and the CLI
// reads it only when asked for an SVG, so `check` starts as fast as before.

interface Viz {
  renderString(dot: string, options: { format: string; engine: string }): string;
}

interface VizModule {
  instance(): Promise<Viz>;
}

/** The SVG of a DOT graph, labeled for screen readers (`description`), which Graphviz does not do. */
export async function renderSvg(dot: string, description: string): Promise<string> {
  // A literal path, resolved against dist/cli.js at run time (the build marks it external): the
  // bundles load nothing by a computed name (test/reliability/safety.test.ts).
  const viz = await (require('./viz-global.js') as VizModule).instance();
  const svg = viz.renderString(dot, { format: 'svg', engine: 'dot' });
  return svg.replace('<svg ', `<svg role="img" aria-label="${escapeAttribute(description)}" `);
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
