// `npm test` (and CI): install prerequisites, build, lint (eslint, and tsc on the page objects), then run
//   unit tests (mocha, plain node), the integration suite inside a real VS Code extension host
//   (code-server + Chromium), the browser UI tests (@playwright/test, playwright.config.mjs), and a
//   leak check for the test Guids and passwords.
// Two lanes run side by side (main()): prerequisites (begun during npm ci) then the extension-host
//   suites; npm ci, package (dist/ without the test hooks, checked in the .vsix), build with the test
//   hooks (the dist/ the extension hosts load), compile, then unit tests (two mocha processes), lint and the UI
//   tests; the two-window suite goes to the lane free first, and the demo check runs last, alone (it
//   rebuilds dist/ and out/). Each step's output is printed as one block when the step ends; the
//   summary lists each step's time.
// Ends with a line `N passed, N failed` and exits 1 if anything failed or a step errored.
//   Then the demo's stop check (test/demo/stopCheck.mjs: `npm run demo` with its simulator process leaves nothing behind).
// Flags: --only-unit (compile + unit tests), --skip-integration, --skip-ui, --skip-demo, --suite=<main|untrusted|zh-cn|plain|windows>.
import { AsyncLocalStorage } from 'node:async_hooks';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { launchBrowser, runsRoot, startCodeServer, workbenchUrl } from './lib/codeServer.mjs';
import { writeLanguagePackCache, zhCnLanguagePack } from './lib/languagePack.mjs';
import { listZip, readZipEntry, testOnlyCodeIn, TEST_ONLY_MARKERS, vsixProblems } from './lib/vsix.mjs';
import { ensureSecrets } from '../test/playwright/secrets.mjs';
import { ensurePrereqs, ensureRedisServer, formatMs, needsNpmCi, repoRoot, runCommand, terminateAllTracked, terminateGroup } from './lib/prereqs.mjs';

const argv = new Set(process.argv.slice(2));
const known = new Set(['--only-unit', '--skip-integration', '--skip-ui', '--skip-demo']);
const SUITE_NAMES = ['main', 'untrusted', 'zh-cn', 'plain', 'windows'];
// --suite=<name>: only that extension-host suite (no UI tests), for working on it.
const onlySuite = [...argv].find((a) => a.startsWith('--suite='))?.slice('--suite='.length);
for (const a of argv) {
  if (!known.has(a) && !(a.startsWith('--suite=') && SUITE_NAMES.includes(onlySuite))) {
    console.error(`unknown flag ${a}; known: ${[...known].join(' ')} --suite=${SUITE_NAMES.join('|')}`);
    process.exit(2);
  }
}
const onlyUnit = argv.has('--only-unit');
const skipIntegration = onlyUnit || argv.has('--skip-integration');
const skipUi = onlyUnit || argv.has('--skip-ui') || onlySuite !== undefined;
const skipDemo = skipUi || argv.has('--skip-demo');
const runSuite = (name) => onlySuite === undefined || onlySuite === name;
// The whole main suite, code-server start included: about 3 min on a loaded 2-core machine, so 5 min of room.
const INTEGRATION_TIMEOUT_MS = 300_000;

const artifacts = path.join(repoRoot, 'artifacts');
const node = process.execPath;
const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);

// ---------------------------------------------------------------------------
// Bookkeeping

const totals = { passed: 0, failed: 0 };
const timings = [];
const stepErrors = [];
/** Test Guids and passwords of this run: never printed, searched for by the leak check. */
const secrets = new Set();
/** Dirs of the code-server runs of this process and of its Playwright runs (for the leak check). */
const serverRuns = [];
/** Output folders of the Playwright runs (traces and screenshots of failed tests), for the leak check. */
const playwrightOutputs = [];
/** Things to close on the way out (browsers, servers, simulators), newest first. */
const cleanups = [];

function redact(text) {
  let out = String(text);
  for (const s of secrets) out = out.split(s).join('<guid>');
  return out;
}
/**
 * Steps that run side by side (see main()) keep their lines here and print them as one block when
 * they end, so two steps' lines never interleave. Redacted when printed: by then every secret of the
 * step is known.
 */
const stepOutput = new AsyncLocalStorage();
/** Blocks of the steps still running, printed as they are if the run is interrupted. */
const openBlocks = new Set();
function say(line = '') {
  const block = stepOutput.getStore();
  if (block) block.push(String(line));
  else console.log(redact(line));
}
function flushBlock(block) {
  openBlocks.delete(block);
  if (block.length) console.log(redact(block.join('\n')));
  block.length = 0;
}

/** `alongside`: the step runs while others do; its output is printed as one block when it ends. */
async function step(name, fn, { alongside = false } = {}) {
  if (!alongside) return runStep(name, fn);
  const block = [];
  openBlocks.add(block);
  try {
    return await stepOutput.run(block, () => runStep(name, fn));
  } finally {
    flushBlock(block);
  }
}

async function runStep(name, fn) {
  say(`\n=== ${name}`);
  const t0 = Date.now();
  try {
    const result = await fn();
    const ms = Date.now() - t0;
    timings.push([name, ms, 'ok']);
    say(`=== ${name}: done in ${formatMs(ms)}`);
    return { ok: true, result };
  } catch (err) {
    const ms = Date.now() - t0;
    timings.push([name, ms, 'ERROR']);
    stepErrors.push(name);
    say(`=== ${name}: ERROR after ${formatMs(ms)}: ${err instanceof Error ? err.message : String(err)}`);
    return { ok: false, error: err };
  }
}

function skipped(name, why) {
  timings.push([name, 0, `skipped (${why})`]);
  say(`\n=== ${name}: skipped (${why})`);
}

async function mustSucceed(label, cmd, args, opts = {}) {
  // Inside a step that runs alongside others the command's output joins the step's block.
  const lines = stepOutput.getStore() ? { onStdoutLine: (l) => say(l), onStderrLine: (l) => say(l) } : {};
  const r = await runCommand(cmd, args, { timeoutMs: 300_000, ...lines, ...opts });
  if (r.code !== 0) throw new Error(`${label} failed (exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''})`);
  return r;
}

async function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await Promise.race([fn(), delay(15_000)]);
    } catch {
      // best effort
    }
  }
}

let interrupted = false;
async function onSignal(signal) {
  if (interrupted) return;
  interrupted = true;
  for (const block of [...openBlocks]) flushBlock(block);
  console.log(`\n${signal}: stopping everything this run started...`);
  await runCleanups();
  await terminateAllTracked();
  process.exit(130);
}
process.on('SIGINT', () => void onSignal('SIGINT'));
process.on('SIGTERM', () => void onSignal('SIGTERM'));

function pruneOldRuns(keep = 12) {
  // Keep the newest runs (for inspection); drop the rest unless less than an hour old.
  let entries;
  try {
    entries = fs.readdirSync(runsRoot).sort().reverse();
  } catch {
    return;
  }
  for (const name of entries.slice(keep)) {
    const dir = path.join(runsRoot, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > 3600_000) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // ignore
    }
  }
}

// ---------------------------------------------------------------------------
// Steps

/**
 * The unit tests run as two mocha processes side by side, each over its own share of the files
 * (most of their time is spent waiting on loopback I/O and timers, not on a core). Inside a share
 * files run one after the other in one process, as with plain `mocha`; mocha's own --parallel is
 * not used because it cannot stream results (json-stream) and runs every file in isolation.
 */
const UNIT_BATCHES = 2;
/**
 * Seconds the slow files take (their tests' durations added up, as "unit files" prints them), to
 * share the files out evenly; a file not named here counts 1 s.
 */
const UNIT_FILE_SECONDS = {
  sessionModel: 50,
  gatewayStatusModel: 20,
  gatewayStatus: 5,
  sharedReadsModel: 50,
  sharedReads: 3,
  sessionSharing: 14,
  session: 9,
  faults: 7,
  fleetModel: 7,
  queueMonitor: 5,
  queueAgents: 10,
  center: 5,
  connection: 5,
  proxy: 4,
  redactingReporter: 4,
  sessionLeftovers: 8,
  dayFileCache: 2,
  daySeries: 4,
  caFileSetting: 2,
};

/** The unit test files in UNIT_BATCHES shares of about equal time (the slowest file first, each to the lightest share). */
function unitBatches() {
  const root = path.join(repoRoot, 'out', 'test', 'unit');
  const files = fs
    .readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.test.js'))
    .sort();
  const weight = (f) => UNIT_FILE_SECONDS[path.basename(f, '.test.js')] ?? 1;
  const batches = Array.from({ length: UNIT_BATCHES }, () => ({ files: [], seconds: 0 }));
  for (const f of [...files].sort((a, b) => weight(b) - weight(a))) {
    const lightest = batches.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    lightest.files.push(f);
    lightest.seconds += weight(f);
  }
  for (const b of batches) b.files.sort();
  return batches.filter((b) => b.files.length).map((b) => b.files.map((f) => path.join('out', 'test', 'unit', f)));
}

/** .mocharc.json with its spec globs replaced by the files of one share. */
function unitConfig(files, index) {
  const base = JSON.parse(fs.readFileSync(path.join(repoRoot, '.mocharc.json'), 'utf8'));
  const file = path.join(artifacts, `mocharc.unit-${index + 1}.json`);
  fs.writeFileSync(file, JSON.stringify({ ...base, spec: files }, null, 2) + '\n');
  return file;
}

async function unitTests() {
  const failures = [];
  let passed = 0;
  /** Milliseconds of test time per file. */
  const perFile = new Map();
  const eventRe = /\["(start|pass|fail|end)",(\{.*\})\]$/;
  const batches = unitBatches();
  // Each share's lines are kept apart and printed one share after the other.
  const runs = batches.map(async (files, i) => {
    const lines = [`  unit share ${i + 1} of ${batches.length}: ${files.map((f) => path.basename(f, '.test.js')).join(', ')}`];
    const line = (l) => lines.push(l);
    let endStats = null;
    const t0 = Date.now();
    const r = await runCommand(node, [bin('mocha'), '--config', unitConfig(files, i), '--reporter', 'json-stream', '--no-color'], {
      timeoutMs: 300_000,
      onStderrLine: line,
      onStdoutLine: (text) => {
        const m = eventRe.exec(text);
        let ev;
        if (m) {
          try {
            ev = [m[1], JSON.parse(m[2])];
          } catch {
            ev = undefined;
          }
        }
        if (!ev) {
          line(text);
          return;
        }
        const before = text.slice(0, m.index);
        if (before) line(before);
        const [kind, data] = ev;
        if ((kind === 'pass' || kind === 'fail') && data.file) {
          const f = path.basename(data.file, '.test.js');
          perFile.set(f, (perFile.get(f) ?? 0) + (data.duration ?? 0));
        }
        if (kind === 'pass') {
          passed++;
          line(`  ✓ ${data.fullTitle} (${data.duration ?? 0} ms)`);
        } else if (kind === 'fail') {
          failures.push({ title: data.fullTitle, message: data.stack ?? data.err });
          line(`  ✗ ${data.fullTitle}: ${data.err}`);
        } else if (kind === 'end') endStats = data;
      },
    });
    line(`  unit share ${i + 1}: done in ${formatMs(Date.now() - t0)}`);
    return { lines, r, endStats, i };
  });
  const done = await Promise.all(runs);
  for (const { lines } of done) for (const l of lines) say(l);
  const slowest = [...perFile].sort((a, b) => b[1] - a[1]).slice(0, 12);
  say(`  unit files, slowest first (their tests' time): ${slowest.map(([f, ms]) => `${f} ${formatMs(ms)}`).join(', ')}`);
  for (const f of failures) say(`\n  FAILED ${f.title}\n${f.message}`);
  const failed = failures.length;
  fs.writeFileSync(path.join(artifacts, 'unit.json'), redact(JSON.stringify({ passed, failed, failures }, null, 2)) + '\n');
  totals.passed += passed;
  totals.failed += failed;
  say(`unit: ${passed} passed, ${failed} failed`);
  const broken = done.filter(({ r, endStats }) => !endStats || (r.code !== 0 && failed === 0));
  if (broken.length) {
    const why = broken.map(({ r, i }) => `share ${i + 1}: exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''}`).join('; ');
    throw new Error(`mocha did not complete (${why})`);
  }
}

function cleanConsoleText(text) {
  // Workbench log lines come as "%c INFO color: #33f message"; drop the styling.
  return text
    .replace(/%c/g, '')
    .replace(/\bcolor: #[0-9a-f]{3,6}\s*/gi, '')
    .trim()
    .replace(/^INFO\s+/, '');
}
const CONSOLE_NOISE = [
  /open-vsx\.org/,
  /Failed to load resource/,
  /same-origin iframe/,
  /allow-scripts and allow-same-origin/,
  /Service Worker/,
  /Resolving connection token|Resolved connection token|Creating a socket/,
  /Updating additional builtin extensions cache/,
  /ChatSessionStore|copilot-instructions/,
];

/**
 * suite 'main': test/integration/*.test.ts; 'untrusted': test/integration/untrusted/, in Restricted Mode;
 * 'plain': test/integration/plain/, activated as for a user (no CCGW_TEST_HOOKS) with an OS certificate
 * store the test controls (SSL_CERT_FILE names a bundle that starts empty).
 */
async function integrationTests(codeServerBin, suite = 'main', serverOptions = {}) {
  const guid = `${crypto.randomUUID()}.AgentGateway1`;
  secrets.add(guid);
  // The sign-in tests' password: a credential like the Guid, searched for by the leak check.
  const password = `Pw-${crypto.randomBytes(9).toString('base64url')}`;
  secrets.add(password);
  const resultFile = path.join(artifacts, `integration-${suite}.json`);
  fs.rmSync(resultFile, { force: true });

  const server = await startCodeServer({
    codeServerBin,
    workspaceTrust: suite === 'untrusted',
    env: { CCGW_TEST_GUID: guid, CCGW_TEST_PASSWORD: password, CCGW_TEST_ARTIFACTS: artifacts, CCGW_TEST_SUITE: suite, ...suiteEnv(suite) },
    ...serverOptions,
  });
  cleanups.push(server.stop);
  serverRuns.push(server.dirs);
  say(`code-server on ${server.baseUrl} (dirs: ${path.relative(repoRoot, server.dirs.run)})`);

  const browser = await launchBrowser();
  cleanups.push(browser.close);
  const { page } = browser;
  let resolveExit;
  const exited = new Promise((resolve) => (resolveExit = resolve));
  await page.exposeFunction('codeAutomationExit', (code) => {
    resolveExit(code);
  });
  page.on('console', (msg) => {
    const text = cleanConsoleText(msg.text());
    if (!text || CONSOLE_NOISE.some((re) => re.test(text))) return;
    for (const line of text.split('\n')) say(`[exthost] ${line}`);
  });
  page.on('pageerror', (err) => say(`[exthost] page error: ${err.message}`));

  const url = workbenchUrl({
    port: server.port,
    folder: server.dirs.workspace,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index'),
  });
  await page.goto(url, { timeout: 60_000 });
  const code = await Promise.race([exited, delay(INTEGRATION_TIMEOUT_MS).then(() => 'timeout')]);
  await browser.close();
  await server.stop();

  let result = null;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    result = null;
  }
  if (result) {
    totals.passed += result.passed;
    totals.failed += result.failed;
    say(`integration (${suite}): ${result.passed} passed, ${result.failed} failed (exit code ${code})`);
  }
  if (code === 'timeout') throw new Error(`the integration suite did not finish within ${INTEGRATION_TIMEOUT_MS / 1000}s`);
  if (!result) throw new Error(`the integration suite wrote no results (exit code ${code}); see the [exthost] lines above`);
  if (code !== 0 && result.failed === 0) throw new Error(`the extension host exited with code ${code} although no test failed`);
}

/** The extension host's environment per suite: test hooks for all but 'plain', which gets an OS store instead. */
function suiteEnv(suite) {
  if (suite !== 'plain') return { CCGW_TEST_HOOKS: '1' };
  const store = path.join(artifacts, 'os-store');
  fs.rmSync(store, { recursive: true, force: true });
  fs.mkdirSync(path.join(store, 'certs'), { recursive: true });
  fs.writeFileSync(path.join(store, 'ca-bundle.crt'), '');
  // What OpenSSL (and the extension on Linux) reads as the system store: nothing of this machine's.
  return { SSL_CERT_FILE: path.join(store, 'ca-bundle.crt'), SSL_CERT_DIR: path.join(store, 'certs') };
}

/**
 * Runs the Playwright projects `projects` (playwright.config.mjs) as one child process: its lines
 * (already redacted by its reporter) go through say(); its counts (written by the reporter to
 * artifacts/<name>.json) go into the tally; the code-server dirs its workers created are kept
 * for the leak check. Failed tests leave traces and screenshots under artifacts/playwright/<name>/.
 */
async function playwrightTests(name, projects, extraEnv = {}) {
  const env = { ...process.env, ...extraEnv };
  const creds = ensureSecrets(env);
  for (const v of Object.values(creds)) secrets.add(v);
  const resultFile = path.join(artifacts, `${name}.json`);
  const dirsFile = path.join(artifacts, `${name}-server-dirs.jsonl`);
  for (const f of [resultFile, dirsFile]) fs.rmSync(f, { force: true });
  Object.assign(env, { CCGW_PW_RESULTS: resultFile, CCGW_SERVER_DIRS_FILE: dirsFile });
  const output = path.join(artifacts, 'playwright', name);
  playwrightOutputs.push(output);
  // A worker killed by a signal cannot stop its code-server (own process group): this process does.
  const servers = () => {
    try {
      return fs.readFileSync(dirsFile, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line));
    } catch {
      return []; // no code-server was started
    }
  };
  cleanups.push(() => Promise.all(servers().map((s) => s.pid && terminateGroup(s.pid))));
  const args = [bin('playwright'), 'test', '--config', path.join(repoRoot, 'playwright.config.mjs'), '--output', output, ...projects.map((p) => `--project=${p}`)];
  const r = await runCommand(node, args, { env, timeoutMs: 1_200_000, onStdoutLine: (line) => say(line), onStderrLine: (line) => say(`  [playwright] ${line}`) });
  for (const s of servers()) serverRuns.push({ ...s, byShape: true });
  let result = null;
  try {
    result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  } catch {
    result = null;
  }
  if (!result) throw new Error(`playwright wrote no results (exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''})`);
  // Tests that did not run after a failure in their serial group count as failed (the reporter says which).
  const failed = result.failed + result.notRun;
  totals.passed += result.passed;
  totals.failed += failed;
  say(`${name}: ${result.passed} passed, ${failed} failed`);
  if (r.code !== 0 && failed === 0) throw new Error(`playwright exited with ${r.code ?? r.signal}${r.timedOut ? ' (timed out)' : ''} although no test failed`);
}

/** Two workbench pages on one code-server (one global storage folder): one session owner per agent (test/windows/). */
function twoWindowsTests() {
  return playwrightTests('windows', ['windows']);
}

/** The .vsix users install, in a real workbench; a second workbench in zh-cn measures the rows with Chinese words. */
async function uiTests(vsix) {
  await playwrightTests('ui', ['ui'], { CCGW_UI_VSIX: vsix, CCGW_UI_ZH_CN_PACK: await languagePackOnce() });
}

/**
 * A Guid the simulator hands out at a sign-in (the two-window test's session Guids live only in the
 * Playwright worker, so they are searched for by their shape). Nothing of VS Code's has this suffix.
 */
const SESSION_GUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.AgentGateway/i;

/** Whether `bytes` hold a secret of this run (or, with `byShape`, any session Guid), as UTF-8 or UTF-16LE text. */
function holdsSecret(bytes, byShape) {
  for (const s of secrets) if (bytes.includes(Buffer.from(s, 'utf8')) || bytes.includes(Buffer.from(s, 'utf16le'))) return true;
  return byShape && (SESSION_GUID_RE.test(bytes.toString('latin1')) || SESSION_GUID_RE.test(bytes.toString('utf16le')));
}

/** The bytes of every entry of a zip (a Playwright trace is one): `unzip -p`. */
function unzipped(file) {
  const r = spawnSync('unzip', ['-p', file], { maxBuffer: 1024 * 1024 * 1024 });
  if (r.status !== 0 || r.error) throw new Error(`unzip -p ${path.relative(repoRoot, file)} failed (exit ${r.status ?? r.error?.message})`);
  return r.stdout;
}

/** Files under `dir` that hold a secret (zip files are searched inside). */
function scanForSecrets(dir, byShape = false) {
  const hits = [];
  let entries = [];
  try {
    entries = fs.readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return { hits, scanned: 0 };
  }
  let scanned = 0;
  for (const rel of entries) {
    const file = path.join(dir, rel);
    let st;
    try {
      st = fs.lstatSync(file);
    } catch {
      continue;
    }
    if (!st.isFile()) continue;
    scanned++;
    if (holdsSecret(fs.readFileSync(file), byShape) || (file.endsWith('.zip') && holdsSecret(unzipped(file), byShape))) hits.push(file);
  }
  return { hits, scanned };
}

function leakCheck() {
  if (secrets.size === 0 || serverRuns.length === 0) {
    say('leak check: nothing to check (no Guid was used in this run)');
    return;
  }
  let scanned = 0;
  const hits = [];
  // The dirs of Playwright runs are searched for session Guids by their shape too.
  const dirs = [...serverRuns.flatMap((d) => [[d.ud, d.byShape], [d.workspace, d.byShape]]), ...playwrightOutputs.map((d) => [d, true])];
  for (const [d, byShape] of dirs) {
    const r = scanForSecrets(d, byShape);
    scanned += r.scanned;
    hits.push(...r.hits);
  }
  for (const f of hits) say(`  ✗ leak check: a test credential (Guid or password) was found in ${path.relative(repoRoot, f)}`);
  if (hits.length) totals.failed += hits.length;
  else {
    totals.passed += 1;
    say(`  ✓ leak check: no test Guid or password in ${scanned} files of ${serverRuns.length} user-data/workspace dir pair(s) and ${playwrightOutputs.length} Playwright output folder(s) (traces unzipped)`);
  }
}

/** `npm run demo` started and stopped with SIGTERM: its simulator process, code-server and all they started must be gone. One check. */
async function demoStopCheck() {
  const r = await runCommand(node, [path.join(repoRoot, 'test', 'demo', 'stopCheck.mjs'), 'SIGTERM'], { timeoutMs: 600_000, onStdoutLine: (l) => say(`  ${redact(l)}`), onStderrLine: (l) => say(`  ${l}`) });
  if (r.code !== 0) throw new Error(`the demo stop check failed (exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''})`);
  totals.passed += 1;
  say('  ✓ demo: its simulator process runs on its own and nothing is left behind');
}

/** `npm run package`, then the .vsix read back: only the runtime set may ship. One check in the tally. */
async function packageVsix() {
  const file = path.join(artifacts, 'ccgateway-agent-stats.vsix');
  fs.rmSync(file, { force: true });
  await mustSucceed('npm run package', 'npm', ['run', 'package'], { timeoutMs: 300_000 });
  const entries = listZip(file);
  const size = fs.statSync(file).size;
  for (const e of entries) say(`  ${String(e.size).padStart(8)}  ${e.name}`);
  say(`  ${path.relative(repoRoot, file)}: ${(size / 1024).toFixed(1)} KiB, ${entries.length} files`);
  const problems = vsixProblems(entries);
  // The packaged bundle has no test-only code: no test API whose `trusted` pins a certificate without a person.
  const bundle = readZipEntry(file, 'extension/dist/extension.js');
  const testOnly = bundle ? testOnlyCodeIn(bundle.toString('utf8')) : [];
  if (testOnly.length) problems.push(`extension/dist/extension.js: holds test-only code (${testOnly.join(', ')}): it was built with --test-hooks`);
  for (const p of problems) say(`  ✗ package: ${p}`);
  if (problems.length) {
    throw new Error(`the .vsix ships ${problems.length} file(s) outside the runtime set, lacks one, or ships test-only code`);
  }
  totals.passed += 1;
  say(`  ✓ package: only the runtime set ships, and its extension.js has none of the test-only code (${TEST_ONLY_MARKERS.join(', ')})`);
  return file;
}

/**
 * The build the extension-host suites load: the packaged bundle plus the test API. Its bundle must
 * hold every test-only marker, or the package check above could not see that code slip in.
 */
async function testBuild() {
  await mustSucceed('node scripts/build.mjs --test-hooks', node, [path.join(repoRoot, 'scripts', 'build.mjs'), '--test-hooks']);
  const missing = TEST_ONLY_MARKERS.filter((m) => !testOnlyCodeIn(fs.readFileSync(path.join(repoRoot, 'dist', 'extension.js'), 'utf8')).includes(m));
  if (missing.length) throw new Error(`the test build's dist/extension.js lacks ${missing.join(', ')}: update TEST_ONLY_MARKERS (scripts/lib/vsix.mjs), or the package check proves nothing`);
}

/**
 * The zh-cn language pack, packaged once per run: the UI tests and the zh-cn suite may start at the
 * same time, and packaging rewrites the one file (a code-server installing it while it is rewritten
 * reads a broken zip).
 */
let languagePack;
function languagePackOnce() {
  languagePack ??= zhCnLanguagePack();
  return languagePack;
}

async function zhCnIntegrationTests(codeServerBin) {
  await integrationTests(codeServerBin, 'zh-cn', { installVsix: await languagePackOnce(), locale: 'zh-cn', beforeStart: writeLanguagePackCache });
}

// ---------------------------------------------------------------------------

async function main() {
  const t0 = Date.now();
  fs.mkdirSync(artifacts, { recursive: true });
  pruneOldRuns();

  // From here two lanes run side by side, each step printing its block when it ends:
  //   the prerequisites (begun while npm ci runs: they need only its Playwright packages, checked last),
  //   then the extension-host suites main, untrusted, zh-cn and plain, which mostly wait on poll intervals;
  //   npm ci, package, build with the test hooks, compile, then the unit tests, lint and the UI tests.
  // The two-window suite goes to whichever lane is free first; the demo's stop check runs after both.
  // Both lanes share the 2 cores: steps are timed by the wall clock, the total is the whole run's.
  const alongside = { alongside: true };
  const why = needsNpmCi();
  if (why) say(`npm ci: ${why}`);
  const npmCiDone = why
    ? step('npm ci', () => mustSucceed('npm ci', 'npm', ['ci', '--no-audit', '--no-fund'], { timeoutMs: 900_000 }))
    : Promise.resolve(skipped('npm ci', 'node_modules is up to date'));

  // The unit tests start their own redis-server: they wait for the Debian packages (one apt-get run, no dpkg lock fight).
  let debianDone = () => undefined;
  const debianReady = new Promise((resolve) => (debianDone = resolve));
  const prereqsReady = !skipIntegration || !skipUi
    ? step('prerequisites', () => ensurePrereqs({ needBrowser: true, log: say, nodeModulesReady: npmCiDone, onDebianPackages: debianDone }), alongside).then((r) => (r.ok ? r.result : null))
    : (skipped('prerequisites', 'no real-VS-Code suite selected'), step('redis-server (Debian package)', () => ensureRedisServer({ log: say }), alongside).finally(debianDone), Promise.resolve(null));
  await npmCiDone;

  const buildReady = (async () => {
    let built = true;
    let vsix = null;
    if (!onlyUnit) {
      // The .vsix users install (packaging builds dist/ without the test hooks): built once, its
      // contents checked, and installed by the UI tests. Then dist/ is built again with the test
      // hooks for the extension-host suites, which load it from the repository.
      const r = await step('package (.vsix, contents checked)', packageVsix, alongside);
      if (r.ok) vsix = r.result;
      built = (await step('build with the test hooks (scripts/build.mjs --test-hooks)', testBuild, alongside)).ok;
    }
    const compiled = (await step('compile (tsc -p .)', () => mustSucceed('tsc', node, [bin('tsc'), '-p', '.']), alongside)).ok;
    return { built, vsix, compiled };
  })();

  // Why the real-VS-Code suites cannot run, or null when they can.
  const blockerOf = (b, prereqs) => (!b.compiled || !b.built ? 'build/compile failed' : !prereqs ? 'prerequisites missing' : null);

  /** Steps either lane takes when its own are done, in this order (queued by the extension-host lane); none may write dist/ or out/. */
  const laterSteps = [];
  const runLaterSteps = async () => {
    while (laterSteps.length && !interrupted) await laterSteps.shift()();
  };

  const extensionHostLane = async () => {
    const [b, prereqs] = await Promise.all([buildReady, prereqsReady]);
    const blocker = blockerOf(b, prereqs);
    if (skipIntegration) skipped('integration tests', 'flag');
    else if (blocker) skipped('integration tests', blocker);
    else if (!interrupted) {
      if (runSuite('main')) await step('integration tests (code-server extension host)', () => integrationTests(prereqs.codeServerBin), alongside);
      if (!interrupted && runSuite('untrusted')) await step('integration tests (untrusted workspace, Restricted Mode)', () => integrationTests(prereqs.codeServerBin, 'untrusted'), alongside);
      if (!interrupted && runSuite('zh-cn')) await step('integration tests (display language zh-cn)', () => zhCnIntegrationTests(prereqs.codeServerBin), alongside);
      if (!interrupted && runSuite('plain')) await step('integration tests (plain activation, OS certificate store)', () => integrationTests(prereqs.codeServerBin, 'plain'), alongside);
      if (runSuite('windows')) laterSteps.push(() => step('integration tests (two windows, one session owner)', twoWindowsTests, alongside));
    }
    await runLaterSteps();
  };

  const unitAndUiLane = async () => {
    const b = await buildReady;
    if (interrupted) return;
    await debianReady;
    if (b.compiled) await step('unit tests', unitTests, alongside);
    else skipped('unit tests', 'compile failed');
    if (!onlyUnit && !interrupted) {
      await step('lint (eslint ., import circles)', async () => {
        await mustSucceed('eslint', node, [bin('eslint'), '.']);
        await mustSucceed('the import-circle check', node, [path.join(repoRoot, 'scripts', 'checkImports.mjs')]);
      }, alongside);
      if (!interrupted) await step('type check (tsc -p test/playwright)', () => mustSucceed('tsc', node, [bin('tsc'), '-p', path.join('test', 'playwright')]), alongside);
    }
    const prereqs = await prereqsReady;
    const blocker = blockerOf(b, prereqs);
    if (skipUi) skipped('UI tests', 'flag');
    else if (blocker) skipped('UI tests', blocker);
    else if (!b.vsix) skipped('UI tests', 'no checked .vsix to install');
    else if (!interrupted) await step('UI tests (browser, the .vsix installed)', () => uiTests(b.vsix), alongside);
    await runLaterSteps();
  };

  await Promise.all([extensionHostLane(), unitAndUiLane()]);
  if (interrupted) return 130;

  // Last and alone: `npm run demo` builds (dist/ is removed and written again) and compiles (out/),
  // which the extension-host suites load the extension and their tests from.
  const demoBlocker = blockerOf(await buildReady, await prereqsReady);
  if (skipDemo) skipped('demo stop check', onlySuite !== undefined ? 'one suite only' : 'flag');
  else if (demoBlocker) skipped('demo stop check', demoBlocker);
  else await step('demo stop check (npm run demo leaves nothing behind)', demoStopCheck);
  if (interrupted) return 130;

  await runCleanups();
  if (!interrupted) await step('leak check', leakCheck);

  say('\n=== summary');
  for (const [name, ms, status] of timings) say(`  ${name.padEnd(48)} ${formatMs(ms).padStart(7)}  ${status}`);
  say(`  ${'total'.padEnd(48)} ${formatMs(Date.now() - t0).padStart(7)}`);
  if (stepErrors.length) say(`  steps with errors (each counted as 1 failed): ${stepErrors.join(', ')}`);
  totals.failed += stepErrors.length;
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  return totals.failed > 0 ? 1 : 0;
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (err) {
  console.error(redact(err instanceof Error ? (err.stack ?? err.message) : String(err)));
  console.log(`${totals.passed} passed, ${totals.failed + 1} failed`);
  exitCode = 1;
} finally {
  await runCleanups();
  await terminateAllTracked();
}
process.exit(exitCode);
