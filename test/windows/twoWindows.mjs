// Two windows on one machine (issue 12 item 4), in a real workbench: one code-server (one
// user-data dir, so one global storage folder), two Chromium pages on the same workbench URL,
// each with its own extension host running test/windows/window.test.ts. The simulator runs
// here, so it outlives the pages. Checked from outside: at most one agentevent request of agent
// 101 in flight at any moment, numbers in both windows (their own reports), and closing the
// owner's page hands the event loop to the other window within 60 s.
// Used by scripts/test.mjs; standalone: `node test/windows/twoWindows.mjs` after build + tsc.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { launchBrowser, startCodeServer, workbenchUrl } from '../../scripts/lib/codeServer.mjs';
import { repoRoot } from '../../scripts/lib/prereqs.mjs';

const HANDOVER_LIMIT_MS = 60_000;

async function waitForFile(file, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!fs.existsSync(file)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await delay(200);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/** Returns { passed, failed }; every check is one line and one count. */
export async function runTwoWindows({ codeServerBin, log = console.log, addSecret = () => {}, onServer = () => {}, registerCleanup = () => {} }) {
  const results = { passed: 0, failed: 0 };
  const check = (ok, text) => {
    results[ok ? 'passed' : 'failed']++;
    log(`  ${ok ? '✓' : '✗'} two windows: ${text}`);
  };
  const password = `Pw-${crypto.randomBytes(9).toString('base64url')}`;
  addSecret(password);
  const { startSimulator } = createRequire(import.meta.url)(path.join(repoRoot, 'out', 'src', 'simulator', 'simulator.js'));
  // Rotations every 5 s with the vendor's ratio of grace to interval; the idle sign-out is the vendor's 2 minutes.
  const sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: 5000, graceMs: 5000, eventHoldMs: 2000, idleSignOutMs: 120_000, defaultPassword: password } });
  registerCleanup(() => sim.stop());
  // Every Guid handed out, for the leak check of the caller (the owner passes it to the other window in memory only).
  const guidWatch = setInterval(() => {
    const g = sim.sessions.currentGuid('101');
    if (g) addSecret(g);
  }, 100);
  const reports = fs.mkdtempSync(path.join(repoRoot, 'artifacts', 'windows-'));
  let server;
  let browser;
  try {
    server = await startCodeServer({
      codeServerBin,
      userSettings: { 'ccGateway.gatewayUrl': sim.url, 'ccGateway.agents': ['101', '102'], 'ccGateway.tls.caFile': sim.caFile, 'ccGateway.pollIntervalSeconds': 5 },
      env: { CCGW_TEST_HOOKS: '1', CCGW_TEST_PASSWORD: password, CCGW_WINDOWS_DIR: reports },
    });
    registerCleanup(server.stop);
    onServer(server.dirs);
    log(`code-server on ${server.baseUrl} (dirs: ${path.relative(repoRoot, server.dirs.run)}), simulator on ${sim.url}`);
    browser = await launchBrowser();
    registerCleanup(browser.close);
    const url = workbenchUrl({ port: server.port, folder: server.dirs.workspace, extensionDevelopmentPath: repoRoot, extensionTestsPath: path.join(repoRoot, 'out', 'test', 'windows', 'index') });
    const openPage = async (page, name) => {
      await page.exposeFunction('codeAutomationExit', (code) => log(`[${name}] test run ended (${code})`));
      page.on('console', (msg) => {
        const text = msg.text();
        if (/ccgateway|CC-Gateway|window|✓|✗|Error/i.test(text) && !/open-vsx|Failed to load resource/.test(text)) log(`[${name}] ${text.replace(/%c/g, '').slice(0, 300)}`);
      });
      await page.goto(url, { timeout: 60_000 });
    };

    const first = browser.page;
    await openPage(first, 'window 1');
    const r1 = await waitForFile(path.join(reports, 'first.json'), 90_000, 'window 1 to sign in and show numbers');
    check(r1.signedIn === true && r1.elsewhere === false && r1.rows.every((r) => r.state === 'ok'), `window 1 signed in and shows numbers (${JSON.stringify(r1.rows.map((r) => r.state))}, row "${r1.label}")`);

    const second = await browser.context.newPage();
    await openPage(second, 'window 2');
    const r2 = await waitForFile(path.join(reports, 'second-following.json'), 90_000, 'window 2 to follow the session and show numbers');
    check(r2.signedIn === true && r2.elsewhere === true && r2.rows.every((r) => r.state === 'ok'), `window 2 follows window 1's session and shows numbers with its Guid (row "${r2.label}")`);
    check(sim.sessions.stats.signIns.length === 1, `one sign-in for both windows (${sim.sessions.stats.signIns.length})`);
    const statsBefore = sim.stats.byPath.get('/agentgateway/resource/calldata/101/statisticsEx') ?? 0;

    await delay(5000);
    const closedAt = Date.now();
    await first.close({ runBeforeUnload: true });
    log(`  window 1 closed`);
    let r3;
    try {
      r3 = await waitForFile(path.join(reports, 'second-owner.json'), HANDOVER_LIMIT_MS + 30_000, 'window 2 to take the session over');
    } catch (e) {
      check(false, e.message);
    }
    if (r3) {
      const ms = r3.takenAt - closedAt;
      check(ms < HANDOVER_LIMIT_MS && r3.rows.every((r) => r.state === 'ok') && r3.status?.kind === 'signed-in', `closing window 1 handed the event loop to window 2 in ${(ms / 1000).toFixed(1)} s (limit 60 s), numbers after it (row "${r3.label}")`);
      const polls = () => sim.stats.byPath.get('/agentgateway/resource/agentevent/101') ?? 0;
      const n = polls();
      await delay(5000);
      check(polls() > n, `window 2 runs the event loop (${polls() - n} polls in 5 s)`);
      check(sim.sessions.stats.signOuts.length === 0, `window 1 closing did not sign the agent out (sign-outs: ${sim.sessions.stats.signOuts.length})`);
      log(`  sign-ins: ${sim.sessions.stats.signIns.length}, statistics polls of 101 while both were open and after: ${(sim.stats.byPath.get('/agentgateway/resource/calldata/101/statisticsEx') ?? 0) - statsBefore}`);
    }
    check(sim.sessions.stats.maxEventPollsInFlight.get('101') === 1, `at most one agentevent request of 101 in flight at any moment (max seen ${sim.sessions.stats.maxEventPollsInFlight.get('101')})`);
  } finally {
    clearInterval(guidWatch);
    await browser?.close();
    await server?.stop();
    await sim.stop();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { ensurePrereqs } = await import('../../scripts/lib/prereqs.mjs');
  const { codeServerBin } = await ensurePrereqs({ needBrowser: true, log: console.log });
  const r = await runTwoWindows({ codeServerBin });
  console.log(`${r.passed} passed, ${r.failed} failed`);
  process.exit(r.failed ? 1 : 0);
}
