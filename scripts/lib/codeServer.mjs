// Starts a throwaway code-server (real VS Code 1.100 workbench + Node extension host),
// builds the workbench URL that loads the extension under development, and launches
// Debian's Chromium through playwright-core. Recipe: /work/shared/docs/real-vscode-offline.md
import { spawn, spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import {
  CHROMIUM,
  codeServerBin as defaultCodeServerBin,
  groupAlive,
  repoRoot,
  terminateGroup,
  trackGroup,
  untrackGroup,
} from './prereqs.mjs';

export const runsRoot = path.join(repoRoot, '.vscode-test', 'runs');

export const DEFAULT_USER_SETTINGS = Object.freeze({
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'update.mode': 'none',
  'git.openRepositoryInParentFolders': 'never',
});

/** A free TCP port on 127.0.0.1 (bind port 0, read it, release it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function newRunDir() {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dir = path.join(runsRoot, `${stamp}-${crypto.randomBytes(3).toString('hex')}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes ud/User/settings.json: the harness defaults overlaid with `userSettings`. */
export function writeUserSettings(udDir, userSettings = {}) {
  const file = path.join(udDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ ...DEFAULT_USER_SETTINGS, ...userSettings }, null, 2) + '\n');
  return file;
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Starts code-server on a free loopback port with fresh dirs under .vscode-test/runs/<timestamp>/.
 * Returns { port, baseUrl, dirs: { run, ud, ext, workspace, log, config }, pid, stop(), alive(), url({ extensionTestsPath? }) }.
 * stop() kills the server's whole process group (SIGTERM, SIGKILL after 5 s); it is idempotent.
 * `env` is added to the server's environment (the extension host inherits it).
 * `installVsix`: install that package (or those) into the extensions dir first; url() then loads it instead of `extensionPath`.
 * `locale`: VS Code's display language (`--locale`); other than English it needs a language pack among `installVsix`.
 * `beforeStart(dirs)`: runs once the dirs exist and the packages are installed, before the server starts.
 * `workspaceTrust: true` leaves Workspace Trust on, so the workspace opens untrusted (Restricted Mode).
 */
export async function startCodeServer({
  extensionPath = repoRoot,
  workspaceDir,
  userSettings = {},
  env = {},
  codeServerBin = defaultCodeServerBin,
  readyTimeoutMs = 60_000,
  workspaceTrust = false,
  installVsix,
  locale,
  beforeStart,
} = {}) {
  if (!fs.existsSync(codeServerBin)) throw new Error(`code-server not installed at ${codeServerBin} (run ensurePrereqs first)`);
  const run = newRunDir();
  const dirs = {
    run,
    ud: path.join(run, 'ud'),
    ext: path.join(run, 'ext'),
    workspace: workspaceDir ?? path.join(run, 'workspace'),
    log: path.join(run, 'code-server.log'),
    config: path.join(run, 'config.yaml'),
  };
  for (const d of [dirs.ud, dirs.ext, dirs.workspace]) fs.mkdirSync(d, { recursive: true });
  // With trust on and no prompt, the (never trusted) workspace folder opens in Restricted Mode.
  const trustSettings = workspaceTrust
    ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' }
    : {};
  writeUserSettings(dirs.ud, { ...trustSettings, ...userSettings });
  // Own config file: keeps code-server from writing ~/.config/code-server/config.yaml.
  fs.writeFileSync(dirs.config, 'auth: none\n');

  // Installed like a user would (`--install-extension`), instead of loading the development folder.
  for (const vsix of [installVsix ?? []].flat()) {
    const r = spawnSync(process.execPath, [codeServerBin, '--user-data-dir', dirs.ud, '--extensions-dir', dirs.ext, '--install-extension', vsix], {
      cwd: run,
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`code-server --install-extension ${path.basename(vsix)} failed (exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim().slice(-500)}`);
  }

  beforeStart?.(dirs);
  const port = await freePort();
  const childEnv = { ...process.env };
  // Variables code-server (or a surrounding VS Code) would read instead of our flags.
  for (const k of Object.keys(childEnv)) {
    if (/^(PORT|PASSWORD|HASHED_PASSWORD|GITHUB_TOKEN|CODE_SERVER_.*|VSCODE_.*|ELECTRON_RUN_AS_NODE)$/.test(k)) delete childEnv[k];
  }
  Object.assign(childEnv, env);

  const args = [
    codeServerBin,
    '--config', dirs.config,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', dirs.ud,
    '--extensions-dir', dirs.ext,
    ...(locale ? ['--locale', locale] : []),
    dirs.workspace,
  ];
  const logFd = fs.openSync(dirs.log, 'a');
  let child;
  try {
    child = spawn(process.execPath, args, { cwd: run, env: childEnv, stdio: ['ignore', logFd, logFd], detached: true });
  } finally {
    fs.closeSync(logFd);
  }
  const pid = child.pid;
  if (!pid) throw new Error('could not spawn code-server');
  trackGroup(pid);
  let exited = null;
  child.on('exit', (code, signal) => (exited = { code, signal }));
  child.on('error', (err) => (exited = { error: err }));

  let stopping;
  const stop = () => {
    stopping ??= (async () => {
      await terminateGroup(pid, 5000);
      untrackGroup(pid);
    })();
    return stopping;
  };

  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited before it was ready (${JSON.stringify(exited)}); log ${dirs.log}:\n${tail(dirs.log)}`);
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${baseUrl} within ${readyTimeoutMs / 1000}s; log ${dirs.log}:\n${tail(dirs.log)}`);
    }
    if (await healthy(`${baseUrl}/healthz`)) break;
    await delay(200);
  }
  return {
    port,
    baseUrl,
    dirs,
    pid,
    stop,
    alive: () => groupAlive(pid),
    /** Workbench URL for this server: its workspace, the extension at `extensionPath`. */
    url: ({ extensionTestsPath } = {}) =>
      workbenchUrl({ port, folder: dirs.workspace, extensionDevelopmentPath: installVsix ? null : extensionPath, extensionTestsPath }),
  };
}

/** True when GET `url` answers 2xx within 2 s. */
function healthy(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode >= 200 && res.statusCode < 300);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** `vscode-remote://127.0.0.1:PORT/ABS/PATH` for a path on the server. */
function remoteUri(port, absPath) {
  return `vscode-remote://127.0.0.1:${port}${path.resolve(absPath)}`;
}

/**
 * The workbench URL that opens `folder` with the extension under development loaded and,
 * when extensionTestsPath is given, runs that test entry in the extension host.
 */
export function workbenchUrl({ port, folder, extensionDevelopmentPath = repoRoot, extensionTestsPath }) {
  const payload = extensionDevelopmentPath ? [['extensionDevelopmentPath', remoteUri(port, extensionDevelopmentPath)]] : [];
  if (extensionTestsPath) payload.push(['extensionTestsPath', remoteUri(port, extensionTestsPath)]);
  const folderParam = encodeURIComponent(path.resolve(folder)).replace(/%2F/g, '/');
  return `http://127.0.0.1:${port}/?folder=${folderParam}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

export const CHROMIUM_ARGS = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

/**
 * Launches Debian's Chromium (headless) through playwright-core with one 1400x900 page.
 * Returns { browser, context, page, close() }; close() is idempotent and bounded.
 * Playwright's own signal handlers are off: the caller's SIGINT handler closes the browser.
 */
export async function launchBrowser({ headless = true, viewport = { width: 1400, height: 900 } } = {}) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless,
    args: [...CHROMIUM_ARGS],
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 60_000,
  });
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  let closing;
  const close = () => {
    closing ??= Promise.race([browser.close().catch(() => {}), delay(10_000)]);
    return closing;
  };
  return { browser, context, page, close };
}
