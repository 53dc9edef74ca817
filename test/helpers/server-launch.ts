import { availableParallelism } from 'node:os';
import { serverNodeOptions } from '../../shared/src/protocol';

/**
 * Set (space-separated; empty for node's defaults) to start the server with other node options than
 * the extension's: `npm run bench -- --node-defaults` measures what they change.
 */
export const SERVER_NODE_OPTIONS_ENV = 'MESH_LENS_SERVER_NODE_OPTIONS';

/**
 * The arguments that start `bundle` (dist/server.js or the tests' build of it) as the extension
 * starts the server on this machine: its node options first (shared/src/protocol.ts), then `args`.
 * Every test and the benchmark start the server this way, so that they measure what users run.
 */
export function serverProcessArgs(bundle: string, ...args: string[]): string[] {
  return [...serverNodeOptionsHere(), bundle, ...args];
}

/** The node options `serverProcessArgs` starts the server with in this process. */
export function serverNodeOptionsHere(): string[] {
  const chosen = process.env[SERVER_NODE_OPTIONS_ENV];
  if (chosen === undefined) return serverNodeOptions(availableParallelism());
  return chosen.split(' ').filter(Boolean);
}
