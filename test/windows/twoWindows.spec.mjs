// Two windows on one machine, in a real workbench: one code-server (one
// user-data dir, so one global storage folder), two Chromium pages on the same workbench URL,
// each with its own extension host running test/windows/window.test.ts (via index.ts). The
// simulator runs in the worker, so it outlives the pages. Checked from outside, one test per
// check, in order: numbers in both windows (their own reports), one sign-in, closing the owner's
// page hands the event loop to the other window within 60 s, at most one agentevent request of
// agent 101 in flight at any moment.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { workbenchUrl } from '../../scripts/lib/codeServer.mjs';
import { repoRoot } from '../../scripts/lib/prereqs.mjs';
import { expect, test as base } from '../playwright/fixtures.mjs';
import { redact, secrets } from '../playwright/secrets.mjs';
import { until } from '../playwright/pages/wait.mjs';

const HANDOVER_LIMIT_MS = 60_000;
const reportsRoot = path.join(repoRoot, 'artifacts');
// Session Guids the simulator hands out are never known to this process's caller: the reporter
// redacts anything Guid-shaped, and scripts/test.mjs's leak check searches for the Guid pattern.

/** A report file of a window, once it is there. */
async function report(dir, name, timeoutMs, what) {
  const file = path.join(dir, `${name}.json`);
  await until(what, () => fs.existsSync(file), timeoutMs);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const test = base.extend({
  /** Both windows' pages in one browser context, and what the test saw of them. */
  windows: [
    async ({ browser, codeServer }, use) => {
      fs.mkdirSync(reportsRoot, { recursive: true });
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const url = workbenchUrl({ port: codeServer.port, folder: codeServer.dirs.workspace, extensionDevelopmentPath: repoRoot, extensionTestsPath: path.join(repoRoot, 'out', 'test', 'windows', 'index') });
      // Both windows' consoles (their extension hosts' test output included), redacted, for diagnosis.
      const consoleLog = path.join(reportsRoot, 'windows-console.log');
      fs.writeFileSync(consoleLog, '');
      let opened = 0;
      const open = async () => {
        const name = `window ${++opened}`;
        const page = await context.newPage();
        page.on('console', (msg) => fs.appendFileSync(consoleLog, `${redact(`[${name}] ${msg.text().replace(/%c/g, '')}`)}\n`));
        await page.exposeFunction('codeAutomationExit', (code) => fs.appendFileSync(consoleLog, `[${name}] test run ended (${code})\n`));
        await page.goto(url, { timeout: 60_000 });
        return page;
      };
      try {
        await use({ open, state: {} });
      } finally {
        await context.close().catch(() => {});
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],
});

test.describe.configure({ mode: 'serial' });
// Rotations every 5 s with the vendor's ratio of grace to interval; the idle sign-out is the vendor's 2 minutes.
test.use({
  simulatorOptions: { auth: { mode: 2, rotateEveryMs: 5000, graceMs: 5000, eventHoldMs: 2000, idleSignOutMs: 120_000, defaultPassword: secrets().windowsPassword } },
  codeServerOptions: [
    async ({ sim }, use) =>
      use({
        userSettings: { 'ccGateway.gatewayUrl': sim.url, 'ccGateway.agents': ['101', '102'], 'ccGateway.tls.caFile': sim.caFile, 'ccGateway.pollIntervalSeconds': 5 },
        env: { CCGW_TEST_HOOKS: '1', CCGW_TEST_PASSWORD: secrets().windowsPassword, CCGW_WINDOWS_DIR: reportsDirFor(sim) },
      }),
    { scope: 'worker' },
  ],
});

// The reports folder must be known when code-server starts (the extension hosts read it from their environment).
const reportsDirs = new WeakMap();
function reportsDirFor(sim) {
  if (!reportsDirs.has(sim)) {
    fs.mkdirSync(reportsRoot, { recursive: true });
    reportsDirs.set(sim, fs.mkdtempSync(path.join(reportsRoot, 'windows-')));
  }
  return reportsDirs.get(sim);
}

test('window 1 signs in and shows numbers', async ({ windows, sim }) => {
  windows.state.first = await windows.open();
  const r1 = await report(reportsDirFor(sim), 'first', 90_000, 'window 1 to sign in and show numbers');
  expect(r1.signedIn, `window 1 signed in (row "${r1.label}")`).toBe(true);
  expect(r1.elsewhere, 'window 1 owns the session').toBe(false);
  expect(r1.rows.map((r) => r.state), `window 1 shows numbers (row "${r1.label}")`).toEqual(['ok', 'ok']);
});

test('window 2 follows window 1\'s session and shows numbers with its Guid', async ({ windows, sim }) => {
  await windows.open();
  const r2 = await report(reportsDirFor(sim), 'second-following', 90_000, 'window 2 to follow the session and show numbers');
  expect(r2.signedIn, `window 2 signed in (row "${r2.label}")`).toBe(true);
  expect(r2.elsewhere, 'window 2 follows the session of window 1').toBe(true);
  expect(r2.rows.map((r) => r.state), `window 2 shows numbers (row "${r2.label}")`).toEqual(['ok', 'ok']);
});

test('one sign-in for both windows', async ({ sim }) => {
  expect(sim.sessions.stats.signIns.length, `sign-ins: ${sim.sessions.stats.signIns.length}`).toBe(1);
});

test('closing window 1 hands the event loop to window 2 within 60 s, numbers after it', async ({ windows, sim }) => {
  test.setTimeout(HANDOVER_LIMIT_MS + 60_000);
  await delay(5000);
  const closedAt = Date.now();
  await windows.state.first.close({ runBeforeUnload: true });
  const r3 = await report(reportsDirFor(sim), 'second-owner', HANDOVER_LIMIT_MS + 30_000, 'window 2 to take the session over');
  const ms = r3.takenAt - closedAt;
  expect(ms, `closing window 1 handed the event loop to window 2 in ${(ms / 1000).toFixed(1)} s (limit 60 s)`).toBeLessThan(HANDOVER_LIMIT_MS);
  expect(r3.rows.map((r) => r.state), `numbers after the handover (row "${r3.label}")`).toEqual(['ok', 'ok']);
  expect(r3.status?.kind, 'window 2 is signed in').toBe('signed-in');
});

test('window 2 runs the event loop', async ({ sim }) => {
  const polls = () => sim.stats.byPath.get('/agentgateway/resource/agentevent/101') ?? 0;
  const n = polls();
  await delay(5000);
  expect(polls() - n, 'agentevent polls of 101 in 5 s').toBeGreaterThan(0);
});

test('window 1 closing did not sign the agent out', async ({ sim }) => {
  expect(sim.sessions.stats.signOuts.length, `sign-outs: ${sim.sessions.stats.signOuts.length}`).toBe(0);
});

test('at most one agentevent request of 101 in flight at any moment', async ({ sim }) => {
  expect(sim.sessions.stats.maxEventPollsInFlight.get('101'), 'the most agentevent requests of 101 in flight at once').toBe(1);
});
