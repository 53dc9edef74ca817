import { execFile } from 'node:child_process';

// The one place Mesh Lens starts a process: a cluster's `render:` command from the topology file
// (SPEC §9, e.g. `helm template …`), run only when the user allowed it — `mesh-lens check
// --allow-render`, or in the editor a trusted workspace with `meshLens.render.enable` on.

/** How long one render command may run: `helm template` of a large chart takes seconds, not minutes. */
export const RENDER_TIMEOUT_MS = 120_000;

export type RenderResult = { stdout: string; error?: undefined } | { stdout: string; error: string };

/** Runs a render command with `sh -c` in the workspace root; its output, or why it failed. */
export function runRenderCommand(
  command: string,
  cwd: string,
  timeoutMs = RENDER_TIMEOUT_MS,
  signal?: AbortSignal,
): Promise<RenderResult> {
  return new Promise((done) => {
    execFile(
      'sh',
      ['-c', command],
      { cwd, timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', signal },
      (error, stdout, stderr) => {
        if (!error) return done({ stdout });
        const why = signal?.aborted
          ? 'stopped: the server is exiting'
          : error.killed
            ? `timed out after ${timeoutMs / 1000} s`
            : stderr.trim() || error.message;
        done({ stdout, error: why });
      },
    );
  });
}
