import type { MeshMapResult, MeshMapRoute } from '../../shared/src/protocol';
import type { FromWebview, ToWebview } from '../src/mesh-map-messages';

// The Mesh Map webview's script: lays out the server's DOT with Graphviz (dist/viz-global.js,
// loaded before this script), themes it through classes (mesh-map.css), and turns the pickers and
// clicks into messages for the extension, which talks to the server.

declare const acquireVsCodeApi: () => { postMessage(message: FromWebview): void };
declare const Viz: { instance(): Promise<{ renderSVGElement(dot: string): SVGSVGElement }> };

const vscode = acquireVsCodeApi();
const graphviz = Viz.instance();
const serviceSelect = element<HTMLSelectElement>('service');
const fromSelect = element<HTMLSelectElement>('from');
const explanation = element<HTMLElement>('explanation');
const map = element<HTMLElement>('map');
const route = element<HTMLElement>('route');
const routeSummary = element<HTMLElement>('route-summary');
const routeInstances = element<HTMLElement>('route-instances');

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

window.addEventListener('message', (event: MessageEvent<ToWebview>) => {
  if (event.data?.type === 'map') void draw(event.data.map);
});
serviceSelect.addEventListener('change', requestMap);
fromSelect.addEventListener('change', requestMap);
map.addEventListener('click', (event) => openNode(event.target));
routeInstances.addEventListener('click', (event) => {
  const button = event.target instanceof Element ? event.target.closest('button[data-target]') : null;
  const id = button?.getAttribute('data-target');
  if (id) vscode.postMessage({ type: 'open', id });
});
map.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault();
    openNode(event.target);
  }
});
vscode.postMessage({ type: 'ready' });

function requestMap(): void {
  const service = serviceSelect.value;
  const from = service && fromSelect.value;
  vscode.postMessage({ type: 'request', ...(service ? { service } : {}), ...(from ? { from } : {}) });
}

async function draw(result: MeshMapResult): Promise<void> {
  fillSelect(serviceSelect, result.services, result.service, 'All global services');
  fillSelect(
    fromSelect,
    result.clusters,
    result.from,
    result.service ? '(no route)' : '(choose a service first)',
  );
  fromSelect.disabled = !result.service;
  explanation.textContent = result.explanation ?? '';
  explanation.hidden = !result.explanation;
  showRoute(result.route);
  try {
    const svg = (await graphviz).renderSVGElement(result.dot);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', result.summary);
    makeOpenable(svg, new Set(result.targets.map((target) => target.id)));
    map.replaceChildren(svg);
  } catch (error) {
    const message = document.createElement('p');
    message.textContent = `The map could not be drawn: ${error instanceof Error ? error.message : error}`;
    map.replaceChildren(message);
  }
  map.setAttribute('aria-busy', 'false');
}

/** Options as given, keeping the chosen value; the first option is the "none" choice. */
function fillSelect(
  select: HTMLSelectElement,
  values: string[],
  chosen: string | undefined,
  none: string,
): void {
  const options = [new Option(none, ''), ...values.map((value) => new Option(value, value))];
  select.replaceChildren(...options);
  select.value = chosen ?? '';
}

/** Nodes with a manifest behind them take the focus and open it (a cluster box opens its cluster's). */
function makeOpenable(svg: SVGSVGElement, targets: Set<string>): void {
  for (const group of svg.querySelectorAll<SVGGElement>('g.node, g.cluster')) {
    if (!targets.has(targetId(group))) continue;
    group.classList.add('openable');
    group.setAttribute('tabindex', '0');
    group.setAttribute('role', 'button');
    const label = [...group.querySelectorAll('text')].map((text) => text.textContent).join(' ');
    group.setAttribute('aria-label', `Open ${label}`);
  }
}

function targetId(group: Element): string {
  return group.id.replace(/_box$/, '');
}

function openNode(target: EventTarget | null): void {
  const group = target instanceof Element ? target.closest('g.openable') : null;
  if (group) vscode.postMessage({ type: 'open', id: targetId(group) });
}

/** The reach panel: every instance of the service, whether the client uses it, a button to open it. */
function showRoute(routed: MeshMapRoute | undefined): void {
  route.hidden = !routed;
  if (!routed) return;
  routeSummary.textContent = `Reach: ${routed.summary}`;
  routeInstances.replaceChildren(
    ...routed.instances.map((instance) => {
      const row = document.createElement('tr');
      if (instance.reachable.startsWith('yes: chosen')) row.classList.add('chosen');
      const open = document.createElement('button');
      open.type = 'button';
      open.dataset.target = instance.target;
      open.textContent = instance.file;
      open.title = `Open ${instance.file}`;
      row.append(
        cell(instance.cluster),
        cell(open),
        cell(String(instance.endpoints)),
        cell(instance.exported ? instance.reachable : 'no: not exported'),
      );
      return row;
    }),
  );
}

function cell(content: string | Node): HTMLTableCellElement {
  const td = document.createElement('td');
  td.append(content);
  return td;
}
