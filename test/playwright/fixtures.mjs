// Worker-scoped fixtures of the browser tests: the HTTPS gateway simulator, a throwaway
// code-server and a workbench page in Debian's Chromium (the `browser` fixture, launched with
// playwright.config.mjs's launchOptions). Each starts once per worker and stops by itself when
// the worker ends, failures included. Set per file with test.use: simulatorOptions (an object),
// codeServerOptions (a worker fixture that may use `sim`, giving startCodeServer's options) and
// workbenchUrl (the same, may use `codeServer`). Model: coder/code-server test/e2e/baseFixture.ts.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import process from 'node:process';
import { test as base, expect } from '@playwright/test';
import { startCodeServer } from '../../scripts/lib/codeServer.mjs';
import { repoRoot } from '../../scripts/lib/prereqs.mjs';
import { redact, secrets } from './secrets.mjs';
import { Workbench } from './pages/workbench.mjs';

export { expect };

/** The compiled simulator (tsc -p .). */
export function loadSimulator() {
  const file = path.join(repoRoot, 'out', 'src', 'simulator', 'simulator.js');
  if (!fs.existsSync(file)) throw new Error(`${path.relative(repoRoot, file)} is missing (compile with tsc -p .)`);
  return createRequire(import.meta.url)(file);
}

/** The .vsix to install: the one scripts/test.mjs built and checked, else artifacts/ (npm run package), else none (development folder). */
export function vsixToInstall() {
  const file = process.env.CCGW_UI_VSIX || path.join(repoRoot, 'artifacts', 'ccgateway-agent-stats.vsix');
  return fs.existsSync(file) ? file : undefined;
}

/**
 * Where this run's code-servers are listed (dirs and process group, one JSON line each):
 * scripts/test.mjs's leak check scans their user-data and workspace dirs for the test
 * credentials, and on an interrupt it stops any group a killed worker left behind.
 */
function recordServer(server) {
  const manifest = process.env.CCGW_SERVER_DIRS_FILE;
  if (manifest) fs.appendFileSync(manifest, `${JSON.stringify({ ...server.dirs, pid: server.pid })}\n`);
}

const cleanConsole = (text) => text.replace(/%c/g, '').replace(/\bcolor: #[0-9a-f]{3,6}\s*/gi, '').trim();

export const test = base.extend({
  // --- options -------------------------------------------------------------
  simulatorOptions: [{}, { scope: 'worker', option: true }],
  /** startCodeServer's options (settings pointing at the simulator, packages to install...). */
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  codeServerOptions: [async ({}, use) => use({}), { scope: 'worker', option: true }],
  /** The URL the workbench page opens. */
  workbenchUrl: [async ({ codeServer }, use) => use(codeServer.url()), { scope: 'worker', option: true }],

  /** This run's test credentials ({ guid, queuePassword, windowsPassword }). */
  // eslint-disable-next-line no-empty-pattern -- Playwright reads a fixture's dependencies from this pattern
  secrets: [async ({}, use) => use(secrets()), { scope: 'worker' }],

  /** The gateway simulator on loopback; `counters` of each agent set by the test file. */
  sim: [
    async ({ simulatorOptions }, use) => {
      const { startSimulator } = loadSimulator();
      const sim = await startSimulator(simulatorOptions);
      try {
        await use(sim);
      } finally {
        await sim.stop();
      }
    },
    { scope: 'worker', timeout: 30_000 },
  ],

  /** A throwaway code-server (fresh user-data dir) set up by codeServerOptions. */
  codeServer: [
    async ({ codeServerOptions }, use) => {
      const server = await startCodeServer(codeServerOptions);
      recordServer(server);
      try {
        await use(server);
      } finally {
        await server.stop();
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],

  /**
   * One workbench page for the whole worker (the UI tests build on each other, in order), in a
   * context of the worker's browser; the workbench console goes to artifacts/<project>-console.log, redacted.
   */
  workbench: [
    async ({ browser, workbenchUrl }, use, workerInfo) => {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, deviceScaleFactor: 1 });
      try {
        const page = await context.newPage();
        page.setDefaultTimeout(15_000);
        const consoleLog = path.join(repoRoot, 'artifacts', `${workerInfo.project.name}-console.log`);
        fs.mkdirSync(path.dirname(consoleLog), { recursive: true });
        fs.writeFileSync(consoleLog, '');
        page.on('console', (msg) => fs.appendFileSync(consoleLog, `${redact(`[${msg.type()}] ${cleanConsole(msg.text())}`)}\n`));
        page.on('pageerror', (err) => fs.appendFileSync(consoleLog, `[page error] ${redact(err.message)}\n`));
        await page.goto(workbenchUrl, { timeout: 60_000 });
        const wb = new Workbench(page);
        await wb.waitLoaded();
        await use(wb);
      } finally {
        await context.close().catch(() => {});
      }
    },
    { scope: 'worker', timeout: 120_000 },
  ],

  /** Things a test starts that must outlive it (a second simulator): stopped when the worker ends. */
  keepUntilWorkerEnds: [
    // eslint-disable-next-line no-empty-pattern -- as above
    async ({}, use) => {
      const stops = [];
      try {
        await use((stop) => stops.push(stop));
      } finally {
        for (const stop of stops.reverse()) await Promise.resolve().then(stop).catch(() => {});
      }
    },
    { scope: 'worker' },
  ],
});

/**
 * Documentation screenshots (artifacts/screenshots/, as before): what the tests saw at each step,
 * kept on success too, as the old runner did. Playwright's own traces and
 * screenshots are kept on failure only (playwright.config.mjs).
 */
export async function shot(page, name) {
  const dir = path.join(repoRoot, 'artifacts', 'screenshots');
  fs.mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, name) });
}
