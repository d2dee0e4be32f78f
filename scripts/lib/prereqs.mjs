// Installs what the real-VS-Code test runs need, idempotently and quickly when
// everything is already present (recipe: /work/shared/docs/real-vscode-offline.md):
//   1. Debian packages (build deps of code-server's native modules, ripgrep, chromium)
//   2. the @vscode/ripgrep download cache (its postinstall would fetch from GitHub)
//   3. code-server 4.100.3 in .vscode-test/code-server/ (not a project dependency)
// and Debian's redis-server, which the unit tests and the benchmark start on a loopback port
// (the team transport's tests talk to a real Redis, never to a mock).
// Also home of the small child-process helpers the test scripts share: every
// child runs in its own process group, is tracked by PID, and every wait is bounded.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CHROMIUM = '/usr/bin/chromium';
const RIPGREP_PKG_VERSION = '1.15.11'; // @vscode/ripgrep pinned by code-server 4.100.3
const RIPGREP_BIN_VERSION = 'v13.0.0-10';
const BUILD_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'pkg-config', 'ripgrep'];
const BROWSER_PACKAGES = ['chromium'];
/** The unit tests start their own redis-server (test/support/redisServer.ts). */
export const REDIS_PACKAGES = ['redis-server'];

// ---------------------------------------------------------------------------
// Process helpers

/** PIDs of process groups this process started and has not yet seen exit. */
const liveGroups = new Set();

/** Send `signal` to the process group led by `pid` (a group we started). */
export function killGroup(pid, signal = 'SIGTERM') {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

export function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM the group, wait up to `graceMs` for it to go away, then SIGKILL it. */
export async function terminateGroup(pid, graceMs = 5000) {
  if (!killGroup(pid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pid)) return;
    await delay(100);
  }
  killGroup(pid, 'SIGKILL');
  const hardDeadline = Date.now() + 2000;
  while (groupAlive(pid) && Date.now() < hardDeadline) await delay(50);
}

let exitHookInstalled = false;
export function trackGroup(pid) {
  if (!exitHookInstalled) {
    // Whatever happens, never leave a child group behind when this process exits.
    exitHookInstalled = true;
    process.on('exit', killAllTrackedSync);
  }
  liveGroups.add(pid);
}
export function untrackGroup(pid) {
  liveGroups.delete(pid);
}

/** Synchronous last resort (process 'exit' handler): SIGKILL every group we started. */
export function killAllTrackedSync() {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
}

/** Terminate every group we started (SIGTERM, then SIGKILL after 5 s). */
export async function terminateAllTracked() {
  const pids = [...liveGroups];
  await Promise.all(pids.map((pid) => terminateGroup(pid)));
  for (const pid of pids) liveGroups.delete(pid);
}

/**
 * Runs a command in its own process group with a hard timeout.
 * stdio: 'inherit' (stdout/stderr to ours), 'pipe' (collected and returned), or a file path (appended).
 * onStdoutLine / onStderrLine: each line of that stream to a callback instead (stderr with onStderrLine only).
 * Resolves { code, signal, timedOut, stdout, stderr }; never rejects on a non-zero exit.
 */
export function runCommand(cmd, args, { cwd = repoRoot, env, timeoutMs = 300_000, stdio = 'inherit', onStdoutLine, onStderrLine } = {}) {
  return new Promise((resolve, reject) => {
    let out = ['ignore', 'inherit', 'inherit'];
    let fd;
    if (stdio === 'pipe' || onStdoutLine) out = ['ignore', 'pipe', stdio === 'pipe' || onStderrLine ? 'pipe' : 'inherit'];
    else if (stdio !== 'inherit') {
      fd = fs.openSync(stdio, 'a');
      out = ['ignore', fd, fd];
    }
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: out, detached: true });
    } catch (err) {
      if (fd !== undefined) fs.closeSync(fd);
      reject(err);
      return;
    }
    if (fd !== undefined) fs.closeSync(fd);
    const pid = child.pid;
    if (pid) trackGroup(pid);
    let stdoutBuf = '';
    let stderrBuf = '';
    let partial = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk) => {
      if (onStdoutLine) {
        partial += chunk;
        const lines = partial.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) onStdoutLine(line);
      } else stdoutBuf += chunk;
    });
    child.stderr?.setEncoding('utf8');
    let partialErr = '';
    child.stderr?.on('data', (chunk) => {
      if (!onStderrLine) {
        stderrBuf += chunk;
        return;
      }
      partialErr += chunk;
      const lines = partialErr.split('\n');
      partialErr = lines.pop() ?? '';
      for (const line of lines) onStderrLine(line);
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (pid) void terminateGroup(pid);
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      if (pid) untrackGroup(pid);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (onStdoutLine && partial) onStdoutLine(partial);
      if (onStderrLine && partialErr) onStderrLine(partialErr);
      // The leader is gone; make sure nothing it started is left behind in its group.
      if (pid) {
        killGroup(pid, 'SIGKILL');
        untrackGroup(pid);
      }
      resolve({ code, signal, timedOut, stdout: stdoutBuf, stderr: stderrBuf });
    });
  });
}

/** Why `npm ci` must run (node_modules missing or older than the lock file), or null. */
export function needsNpmCi() {
  const lock = path.join(repoRoot, 'package-lock.json');
  const nm = path.join(repoRoot, 'node_modules');
  if (!fs.existsSync(nm)) return 'node_modules is missing';
  const stamp = fs.existsSync(path.join(nm, '.package-lock.json')) ? path.join(nm, '.package-lock.json') : nm;
  if (fs.statSync(stamp).mtimeMs < fs.statSync(lock).mtimeMs) return 'node_modules is older than package-lock.json';
  return null;
}

export function formatMs(ms) {
  return ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${((ms % 60_000) / 1000).toFixed(0)}s` : `${(ms / 1000).toFixed(1)}s`;
}

async function step(log, name, fn) {
  const t0 = Date.now();
  try {
    const note = await fn();
    log(`[prereqs] ${name}: ${note ?? 'ok'} (${formatMs(Date.now() - t0)})`);
  } catch (err) {
    log(`[prereqs] ${name}: FAILED (${formatMs(Date.now() - t0)})`);
    throw err;
  }
}

// ---------------------------------------------------------------------------
// 1. Debian packages

function missingDebianPackages(pkgs) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...pkgs], { encoding: 'utf8' });
  if (r.error) throw new Error(`dpkg-query is not available (${r.error.message}); this script expects Debian 12`);
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((l) => l.endsWith(' install ok installed'))
      .map((l) => l.split(' ')[0].split(':')[0]),
  );
  return pkgs.filter((p) => !installed.has(p));
}

async function ensureDebianPackages(pkgs) {
  const missing = missingDebianPackages(pkgs);
  if (missing.length === 0) return `already installed (${pkgs.length} packages)`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')}\n` +
        `Install them as root, then re-run:\n  sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const upd = await runCommand('apt-get', ['update'], { env, timeoutMs: 300_000 });
  if (upd.code !== 0) throw new Error(`apt-get update failed (exit ${upd.code}${upd.timedOut ? ', timed out' : ''})`);
  const inst = await runCommand('apt-get', ['install', '-y', ...missing], { env, timeoutMs: 900_000 });
  if (inst.code !== 0) throw new Error(`apt-get install failed (exit ${inst.code}${inst.timedOut ? ', timed out' : ''})`);
  const still = missingDebianPackages(pkgs);
  if (still.length) throw new Error(`still missing after apt-get install: ${still.join(' ')}`);
  return `installed ${missing.join(' ')}`;
}

// ---------------------------------------------------------------------------
// 2. ripgrep cache: @vscode/ripgrep's postinstall looks in os.tmpdir()/vscode-ripgrep-cache-<version>
// for the release tarball before trying GitHub. Put Debian's rg there.

function ripgrepTarget() {
  if (process.arch === 'x64') return 'x86_64-unknown-linux-musl';
  if (process.arch === 'arm64') return 'aarch64-unknown-linux-musl';
  throw new Error(`unsupported architecture for the ripgrep cache: ${process.arch}`);
}

async function ensureRipgrepCache() {
  const dir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  const tarball = path.join(dir, `ripgrep-${RIPGREP_BIN_VERSION}-${ripgrepTarget()}.tar.gz`);
  if (fs.existsSync(tarball) && fs.statSync(tarball).size > 0) return 'already present';
  const rg = '/usr/bin/rg';
  if (!fs.existsSync(rg)) throw new Error(`${rg} not found (Debian package ripgrep)`);
  fs.mkdirSync(dir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-rg-'));
  try {
    fs.copyFileSync(rg, path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    const tmp = `${tarball}.${process.pid}.tmp`;
    const r = await runCommand('tar', ['-czf', tmp, '-C', staging, 'rg'], { stdio: 'pipe', timeoutMs: 60_000 });
    if (r.code !== 0) throw new Error(`tar failed: ${r.stderr.trim()}`);
    fs.renameSync(tmp, tarball); // atomic: a concurrent run never sees a half-written tarball
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return `created ${tarball}`;
}

// ---------------------------------------------------------------------------
// 3. code-server

export const codeServerDir = path.join(repoRoot, '.vscode-test', 'code-server');
export const codeServerBin = path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function codeServerInstalled() {
  const pkgDir = path.join(codeServerDir, 'node_modules', 'code-server');
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    if (pkg.version !== CODE_SERVER_VERSION) return false;
  } catch {
    return false;
  }
  // The postinstall (which builds the native modules) ends by installing lib/vscode/extensions;
  // when that folder exists and the binaries are in place, the install completed.
  return (
    fs.existsSync(codeServerBin) &&
    fs.existsSync(path.join(pkgDir, 'lib', 'vscode', 'node_modules.asar')) &&
    fs.existsSync(path.join(pkgDir, 'lib', 'vscode', 'extensions', 'node_modules')) &&
    fs.existsSync(path.join(pkgDir, 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'))
  );
}

async function ensureCodeServer() {
  if (codeServerInstalled()) return `${CODE_SERVER_VERSION} already installed`;
  if (process.versions.node.split('.')[0] !== '20') {
    throw new Error(`code-server ${CODE_SERVER_VERSION} needs Node 20 (this is ${process.version})`);
  }
  fs.mkdirSync(codeServerDir, { recursive: true });
  // Own package.json, so npm installs here and never walks up into the project.
  const pkgJson = path.join(codeServerDir, 'package.json');
  if (!fs.existsSync(pkgJson)) fs.writeFileSync(pkgJson, JSON.stringify({ private: true }) + '\n');
  const logFile = path.join(repoRoot, '.vscode-test', 'code-server-install.log');
  fs.writeFileSync(logFile, '');
  const env = {
    ...process.env,
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp` without a TTY
    npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root otherwise
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  // node-gyp must not download Node headers (no internet besides npm): use Debian's nodejs headers.
  if (!env.npm_config_nodedir && fs.existsSync('/usr/include/node/node.h')) {
    const configured = spawnSync('npm', ['config', 'get', 'nodedir'], { encoding: 'utf8' }).stdout?.trim();
    if (!configured || configured === 'undefined' || configured === 'null') env.npm_config_nodedir = '/usr';
  }
  const r = await runCommand('npm', ['install', '--save-exact', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: codeServerDir,
    env,
    stdio: logFile,
    timeoutMs: 900_000,
  });
  if (r.code !== 0 || !codeServerInstalled()) {
    const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
    throw new Error(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}); last lines of ${logFile}:\n${tail}`);
  }
  return `installed ${CODE_SERVER_VERSION} (log: ${path.relative(repoRoot, logFile)})`;
}

// ---------------------------------------------------------------------------

/**
 * Makes sure everything the real-VS-Code runs need is installed.
 * needBrowser: also Debian's chromium, playwright-core and @playwright/test (false when only code-server is needed).
 * nodeModulesReady: settles once the project's node_modules are in place (the Playwright packages are looked
 *   for after it; nothing before needs them, so the rest can run while npm ci does).
 * Returns { codeServerBin, chromium }.
 */
/** Debian's redis-server for the unit tests (one apt-get run when it is missing). */
export async function ensureRedisServer({ log = console.log } = {}) {
  await step(log, 'redis-server', () => ensureDebianPackages(REDIS_PACKAGES));
}

/** `onDebianPackages`: called once the Debian step ended (redis-server among them), whatever its outcome. */
export async function ensurePrereqs({ needBrowser = true, log = console.log, nodeModulesReady = Promise.resolve(), onDebianPackages = () => undefined } = {}) {
  if (process.platform !== 'linux') throw new Error('the real-VS-Code test recipe supports Linux (Debian 12) only');
  const pkgs = [...(needBrowser ? [...BUILD_PACKAGES, ...BROWSER_PACKAGES] : BUILD_PACKAGES), ...REDIS_PACKAGES];
  try {
    await step(log, 'Debian packages', () => ensureDebianPackages(pkgs));
  } finally {
    onDebianPackages();
  }
  if (!codeServerInstalled()) await step(log, 'ripgrep download cache', ensureRipgrepCache);
  await step(log, 'code-server', ensureCodeServer);
  if (needBrowser) {
    // The Playwright packages come from the project's node_modules, which npm ci may still be filling.
    await nodeModulesReady;
    await step(log, 'chromium + playwright', async () => {
      if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found (Debian package chromium)`);
      const pw = path.join(repoRoot, 'node_modules', 'playwright-core', 'package.json');
      const runner = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'package.json');
      for (const f of [pw, runner]) if (!fs.existsSync(f)) throw new Error(`${path.basename(path.dirname(f))} is not installed (devDependency; run npm ci)`);
      const version = (f) => JSON.parse(fs.readFileSync(f, 'utf8')).version;
      return `chromium at ${CHROMIUM}, playwright-core ${version(pw)}, @playwright/test ${version(runner)}`;
    });
  }
  return { codeServerBin, chromium: CHROMIUM };
}
