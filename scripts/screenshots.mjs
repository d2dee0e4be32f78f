// `npm run screenshots`: the README's and the walkthrough's pictures, taken from the current
// build at the default side-bar width (300 px), with the UI tests' harness: the simulator in
// this process (sign-in sessions, simulated calls, queues), code-server loading this folder's
// dist/, and Debian's Chromium through playwright-core. Writes:
//   media/screenshot-agents.png            whole window: Queues and Agents views, status bar (README, walkthrough)
//   media/screenshot-teams.png             the side bar alone: teams, Total, session row (README, walkthrough)
//   media/screenshot-queue-agents.png      the side bar alone: the Billing queue opened to its agents (README)
//   media/screenshot-trend.png             Show Trend on the Total row (README, walkthrough)
//   media/screenshot-trust-certificate.png the review dialog of a self-signed gateway (README, walkthrough)
// All traffic is to 127.0.0.1; everything it started stops at the end, or on Ctrl+C.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { launchBrowser, startCodeServer } from './lib/codeServer.mjs';
import { ensurePrereqs, repoRoot, terminateAllTracked } from './lib/prereqs.mjs';
import { until as waitFor } from '../test/playwright/pages/wait.mjs';
import { Workbench } from '../test/playwright/pages/workbench.mjs';

const VIEWPORT = { width: 1000, height: 640 };
const PASSWORD = 'demo1234'; // the simulator's throwaway password
const AGENTS = ['101', '102', '103', '104', '105', '106'];
const out = (name) => path.join(repoRoot, 'media', name);

const cleanups = [];
async function cleanupAll() {
  while (cleanups.length) await Promise.resolve().then(cleanups.pop()).catch(() => undefined);
  await terminateAllTracked();
}
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => void cleanupAll().finally(() => process.exit(130)));

async function main() {
  const simModule = path.join(repoRoot, 'out', 'src', 'simulator', 'simulator.js');
  if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js')) || !fs.existsSync(simModule)) throw new Error('build first: npm run build && npx tsc -p . (npm run screenshots does both)');
  const { codeServerBin } = await ensurePrereqs({ needBrowser: true, log: (l) => console.log(`  ${l}`) });
  const { startSimulator } = createRequire(import.meta.url)(simModule);
  const sim = await startSimulator({ autoCalls: { everyMs: 2000, agents: AGENTS }, auth: { mode: 2, defaultPassword: PASSWORD }, overloadControl: true });
  cleanups.push(() => sim.stop());
  // A morning's numbers, so the rows are not all zeros; the simulated calls add to them.
  const start = { 101: [14, 2, 3120], 102: [9, 5, 2485], 103: [17, 1, 4410], 104: [6, 8, 1990], 105: [11, 3, 2870], 106: [4, 0, 905] };
  for (const [id, [answernums, calloutnums, talktime]] of Object.entries(start)) sim.setCounters(id, { answernums, calloutnums, talktime });
  sim.queues.setWaiting(1, 6, 140);
  sim.queues.setWaiting(3, 2, 35);

  const settings = {
    'ccGateway.gatewayUrl': sim.url,
    'ccGateway.tls.caFile': sim.caFile,
    'ccGateway.agents': AGENTS.slice(0, 5),
    'ccGateway.teams': { Billing: ['101', '102', '103'], Sales: ['104', '105'] },
    'ccGateway.pollIntervalSeconds': 5,
    'ccGateway.thresholds.stateSeconds': { 'wrap-up': 120, talking: 1200 },
    'ccGateway.thresholds.queueWaitingCalls': 5,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
  };
  const server = await startCodeServer({ codeServerBin, userSettings: settings });
  cleanups.push(server.stop);
  const browser = await launchBrowser({ viewport: VIEWPORT });
  cleanups.push(browser.close);
  const { page } = browser;
  await page.goto(server.url(), { timeout: 60_000 });
  await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  const wb = new Workbench(page);
  // The page objects of the UI tests (test/playwright/pages/), under the names this script used.
  const u = {
    runCommand: (title) => wb.palette.run(title),
    clearNotifications: () => wb.notifications.clearAll(),
    openView: () => wb.view.open(),
    quickInput: wb.quickInput.widget,
    setSideBarWidth: (px) => wb.view.setWidth(px),
    rowDescription: (label) => wb.view.description(label),
    treeRow: (label) => wb.view.row(label),
    webview: (re) => wb.webview(re),
    welcomeShows: (re, button) => wb.view.welcomeShows(re, button),
    sidebar: wb.view.sidebar,
  };
  await u.runCommand('View: Close All Editors').catch(() => undefined);
  await u.clearNotifications();

  // Sign in as a supervisor would, with an agent account of one's own (106: busy, takes no calls).
  await u.openView();
  await u.runCommand('CC-Gateway: Sign In');
  for (const [step, text] of [[1, '106'], [2, PASSWORD], [3, '']]) {
    await waitFor(`the sign-in box ${step}/3`, async () => new RegExp(`Sign In \\(${step}/3\\)`).test(((await u.quickInput.locator('.quick-input-title').allInnerTexts())[0] ?? '').trim()));
    await u.quickInput.locator('input.input').fill('');
    await page.keyboard.type(text, { delay: 5 });
    await page.keyboard.press('Enter');
  }
  await u.quickInput.waitFor({ state: 'hidden', timeout: 15_000 });
  await u.setSideBarWidth(300);
  await waitFor('the Billing queue and the Total row with numbers', async () => /waiting/.test((await u.rowDescription('Billing')) ?? '') && /↓\d+/.test((await u.rowDescription('Total')) ?? ''), 60_000);
  await delay(12_000); // a few simulated calls: states and times in state on the rows
  await u.clearNotifications();
  await page.mouse.move(700, 400);
  await delay(500);
  await page.screenshot({ path: out('screenshot-agents.png') });
  await u.sidebar.screenshot({ path: out('screenshot-teams.png') });
  console.log('  media/screenshot-agents.png, media/screenshot-teams.png');

  // A queue opened to its agents: who is signed in to Billing, each with state and time in state.
  await u.treeRow('Billing').first().click();
  await waitFor('Billing\'s agent rows with their states', async () => {
    const under = await wb.view.agentsUnder(/^Billing$/);
    if (under.length < 3) return false;
    const d = await u.rowDescription(under[0]);
    return !!d && /^(idle|talking|busy|rest|wrap-up)\b/.test(d);
  }, 30_000);
  await page.mouse.move(700, 400);
  await delay(800);
  await u.sidebar.screenshot({ path: out('screenshot-queue-agents.png') });
  console.log('  media/screenshot-queue-agents.png');
  await u.treeRow('Billing').first().click();

  const total = u.treeRow('Total').first();
  await total.hover();
  await total.locator('.action-label[aria-label="Show Trend"]').click();
  const f = await u.webview(/^Trend/);
  await waitFor('the trend chart', () => f.locator('canvas').first().isVisible(), 30_000);
  await page.mouse.move(700, 400);
  await delay(1000);
  await page.screenshot({ path: out('screenshot-trend.png') });
  console.log('  media/screenshot-trend.png');

  // A gateway with a self-signed certificate: the review dialog (a static gateway: a pasted Guid).
  const selfSigned = await startSimulator({ tls: 'selfSigned' });
  cleanups.push(() => selfSigned.stop());
  await u.runCommand('View: Close All Editors').catch(() => undefined);
  await u.clearNotifications();
  await u.runCommand('CC-Gateway: Set Gateway URL');
  await u.quickInput.locator('input.input').fill(selfSigned.url);
  await page.keyboard.press('Enter');
  await u.welcomeShows(/Sign in to see the numbers/, 'Sign In…');
  await u.runCommand('CC-Gateway: Set Guid');
  await u.quickInput.locator('input[type="password"]').waitFor({ state: 'visible', timeout: 15_000 });
  await page.keyboard.type(selfSigned.guid, { delay: 2 });
  await page.keyboard.press('Enter');
  const banner = u.treeRow('Certificate not trusted: review it').first();
  await waitFor('the "Certificate not trusted" row', () => banner.isVisible(), 30_000);
  await banner.click();
  const dialog = page.locator('.monaco-dialog-box');
  await waitFor('the certificate dialog', async () => (await dialog.isVisible()) && (await dialog.innerText()).includes(selfSigned.fingerprint256));
  await page.mouse.move(10, 600);
  await page.screenshot({ path: out('screenshot-trust-certificate.png') });
  console.log('  media/screenshot-trust-certificate.png');
}

let code = 1;
try {
  await main();
  code = 0;
} catch (err) {
  console.error(`screenshots failed: ${err instanceof Error ? err.message : String(err)}`);
} finally {
  await cleanupAll();
}
process.exit(code);
