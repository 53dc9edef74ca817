import type { MeshMapResult } from '../../shared/src/protocol';

// The messages between the Mesh Map webview (client/webview/mesh-map.ts) and the extension
// (mesh-map.ts): the webview never talks to the server; the extension asks and relays.

export type FromWebview =
  /** The page has loaded its scripts and can draw: (re)send the map. */
  | { type: 'ready' }
  /** The pickers changed: draw the map for this service and source cluster (both optional). */
  | { type: 'request'; service?: string; from?: string }
  /** A node was clicked or activated with the keyboard: open its manifest. */
  | { type: 'open'; id: string };

export type ToWebview = { type: 'map'; map: MeshMapResult };
