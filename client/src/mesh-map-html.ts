import { randomBytes } from 'node:crypto';

// The Mesh Map webview's page: no script or style but the extension's own files, and scripts only
// with this page's nonce. Graphviz runs as WebAssembly, which Chromium compiles only under
// 'wasm-unsafe-eval' (it allows WebAssembly compilation, not JavaScript eval).

export interface MeshMapPage {
  /** The webview's `cspSource`: the origin its local resources are served from. */
  cspSource: string;
  nonce: string;
  /** Webview URIs of Graphviz (dist/viz-global.js), the page's script and its styles. */
  vizScript: string;
  mapScript: string;
  styles: string;
}

export function newNonce(): string {
  return randomBytes(18).toString('base64');
}

export function contentSecurityPolicy(page: Pick<MeshMapPage, 'cspSource' | 'nonce'>): string {
  return [
    "default-src 'none'",
    `style-src ${page.cspSource}`,
    `img-src ${page.cspSource} data:`,
    `script-src 'nonce-${page.nonce}' 'wasm-unsafe-eval'`,
  ].join('; ');
}

export function meshMapHtml(page: MeshMapPage): string {
  const attribute = (value: string) =>
    value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attribute(contentSecurityPolicy(page))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attribute(page.styles)}">
<title>Mesh Map</title>
</head>
<body>
<header>
  <label for="service">Service</label>
  <select id="service"><option value="">All global services</option></select>
  <label for="from">Traffic from</label>
  <select id="from" disabled><option value="">(choose a service first)</option></select>
</header>
<pre id="explanation" role="status" aria-live="polite" hidden></pre>
<section id="route" aria-labelledby="route-summary" hidden>
  <h2 id="route-summary"></h2>
  <table>
    <thead><tr><th scope="col">cluster</th><th scope="col">manifest</th><th scope="col">endpoints</th><th scope="col">reachable</th></tr></thead>
    <tbody id="route-instances"></tbody>
  </table>
</section>
<main id="map" aria-busy="true"><p>Drawing the mesh…</p></main>
<script nonce="${attribute(page.nonce)}" src="${attribute(page.vizScript)}"></script>
<script nonce="${attribute(page.nonce)}" src="${attribute(page.mapScript)}"></script>
</body>
</html>
`;
}
