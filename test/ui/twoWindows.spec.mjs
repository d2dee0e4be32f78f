// In the browser: two workbench windows of one code-server (one user-data dir, so one machine's
// sessions folder, two extension hosts) watch the same four agents on one simulator, every 5 s
// (the setting's minimum), with the .vsix installed. The simulator's own counts say what the
// gateway paid: statisticsEx requests per agent over 3 whole intervals with one window, then
// with two windows showing the view, then with the second window showing another view (its status
// bar still polls; an unfocused window does not poll at all). Two windows must cost what one
// does; the second window's rows must show the numbers and states the gateway has now (read by
// the other window, shared); Refresh clicked in both at once still reads once per agent per 2 s;
// and no {agentid} ever gets more than 5 requests in 2 s (the simulator's overload log).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot } from '../../scripts/lib/prereqs.mjs';
import { expect, shot, test, vsixToInstall } from '../playwright/fixtures.mjs';
import { Workbench } from '../playwright/pages/workbench.mjs';
import { until } from '../playwright/pages/wait.mjs';
import { redact, secrets } from '../playwright/secrets.mjs';

const AGENTS = ['101', '102', '103', '104'];
const COUNTERS = {
  101: { answernums: 5, calloutnums: 0, talktime: 4328 },
  102: { answernums: 3, calloutnums: 2, talktime: 1815 },
  103: { answernums: 7, calloutnums: 1, talktime: 600 },
  104: { answernums: 2, calloutnums: 4, talktime: 125 },
};
const INTERVAL_MS = 5000;
/** Whole intervals per measurement. */
const SPAN = 3;
/**
 * Where in an interval a measurement starts and ends. Every agent's read falls at its own moment in
 * the first half of the interval (docs/shared-reads.md), the same in every window: 4 s in, the
 * reads of this interval are done and the next ones not begun, so a span of whole intervals holds
 * one moment per agent and interval.
 */
const QUIET_AT_MS = 4000;
/** An on-demand read (Refresh) is claimed per agent per 2 s bucket among all windows (docs/shared-reads.md). */
const ON_DEMAND_MS = 2000;
/** When the Refresh clicks begin: 3 s into an interval and at a bucket's start (both line up every 10 s). */
const CLICK_AT_MS = INTERVAL_MS + 3000;
const CLICK_EVERY_MS = 2 * INTERVAL_MS;
/** The gateway's budget: 5 requests per {agentid} in 2 s. */
const BUDGET = { max: 5, windowMs: 2000 };

const exPath = (agent) => `/agentgateway/resource/calldata/${agent}/statisticsEx`;

/** statisticsEx requests per agent so far, as the simulator counted them. */
function exCounts(sim) {
  return Object.fromEntries(AGENTS.map((a) => [a, sim.stats.byPath.get(exPath(a)) ?? 0]));
}

/** Waits until the wall clock (the windows' shared clock: one machine) is at `QUIET_AT_MS` into an interval. */
async function untilQuietPoint() {
  const now = Date.now();
  let at = Math.floor(now / INTERVAL_MS) * INTERVAL_MS + QUIET_AT_MS;
  if (at <= now + 200) at += INTERVAL_MS;
  await delay(at - now);
}

/** statisticsEx requests per agent over SPAN whole intervals (quiet point to quiet point), while `during` runs. */
async function measure(sim, during = async () => {}) {
  await untilQuietPoint();
  const start = Date.now();
  const before = exCounts(sim);
  const running = during();
  await delay(start + SPAN * INTERVAL_MS - Date.now());
  const after = exCounts(sim);
  await running;
  return Object.fromEntries(AGENTS.map((a) => [a, after[a] - before[a]]));
}

/** A measured figure, printed under the test's line by the reporter: the annotation when it passes, its output when it fails. */
function report(text) {
  test.info().annotations.push({ type: 'measured', description: text });
  console.log(text);
}

const total = (counts) => Object.values(counts).reduce((s, n) => s + n, 0);
const show = (counts) => AGENTS.map((a) => `${a}: ${counts[a]}`).join(', ');

/**
 * Two windows cost what one does: per agent, at most one request more than the one window sent
 * over the same number of intervals. With SPAN reads per agent, 5 % is less than one request; one
 * read whose moment falls a little late (a loaded machine) can land on either side of the span's
 * edge, so one more per agent is the tightest bound that does not flap. Reading alone in each
 * window would cost SPAN more per agent.
 */
function expectSameCost(one, two, what) {
  for (const a of AGENTS) {
    expect(two[a], `${what}: agent ${a} got ${two[a]} statisticsEx requests in ${SPAN} intervals, one window sent ${one[a]} (${show(two)} against ${show(one)})`).toBeLessThanOrEqual(one[a] + 1);
  }
}

/** Whether `page`'s document has the focus (an unfocused window does not poll: it would prove nothing). */
const focused = (page) => page.evaluate(() => globalThis.document.hasFocus());

test.describe.configure({ mode: 'serial' });
test.use({
  simulatorOptions: { guid: secrets().guid, overloadControl: true },
  codeServerOptions: [
    async ({ sim }, use) => {
      for (const [id, c] of Object.entries(COUNTERS)) sim.setCounters(id, c);
      await use({
        installVsix: vsixToInstall(),
        userSettings: { 'ccGateway.tls.caFile': sim.caFile, 'ccGateway.gatewayUrl': sim.url, 'ccGateway.agents': AGENTS, 'ccGateway.pollIntervalSeconds': INTERVAL_MS / 1000 },
      });
    },
    { scope: 'worker' },
  ],
});

/** What the tests measured, for the next test and the report. */
const measured = {};
/** The second window (opened by the second test, closed with the worker's browser context). */
let second;

/** The state a row's description names first ("idle ≥12 s · ↓5 ↑0 · 1:12:08" → "idle"), or '' when it names none. */
const stateWord = (d) => (d.startsWith('↓') ? '' : d.split(' · ')[0].replace(/\s*≥?\s*\d.*$/, ''));

/**
 * Waits until every agent's row in `wb` shows the numbers the simulator has now (↓ answered ↑
 * outbound), not marked as old, and the agent's state (a state batch another window read included).
 */
async function rowsShowCurrent(wb, sim, what, timeoutMs = 2 * INTERVAL_MS + 5000) {
  const seen = {};
  try {
    return await until(`${what} and state`, async () => {
      for (const a of AGENTS) seen[a] = await wb.view.description(a);
      const current = (a) => seen[a]?.includes(`↓${sim.counters(a).answernums} ↑${sim.counters(a).calloutnums}`) && !/as of/.test(seen[a]) && stateWord(seen[a]);
      return AGENTS.every(current) ? { ...seen } : undefined;
    }, timeoutMs);
  } catch (e) {
    throw new Error(`${e instanceof Error ? e.message : String(e)}; the rows read ${AGENTS.map((a) => `${a} "${seen[a]}"`).join(', ')}`);
  }
}

test('two windows 1: one window signs in with a Guid and reads each agent once per interval', async ({ workbench: wb, sim }) => {
  test.setTimeout(60_000);
  const { view, palette, quickInput } = wb;
  await palette.run('View: Close All Editors').catch(() => {});
  await view.open();
  await palette.run('CC-Gateway: Set Guid');
  await quickInput.submitSecret(secrets().guid);
  await rowsShowCurrent(wb, sim, 'window 1: every agent row with its numbers', 30_000);
  expect(await focused(wb.page), 'window 1 has the focus (an unfocused window does not poll)').toBe(true);
  measured.one = await measure(sim);
  report(`one window: statisticsEx per agent in ${SPAN} intervals: ${show(measured.one)} (total ${total(measured.one)})`);
  // The baseline itself: one read per agent per interval (the span's edges may catch one more or one fewer).
  for (const a of AGENTS) expect(Math.abs(measured.one[a] - SPAN), `one window: agent ${a} got ${measured.one[a]} requests in ${SPAN} intervals (${show(measured.one)})`).toBeLessThanOrEqual(1);
});

test('two windows 2: a second window showing the view costs no more, and its rows show current numbers and states', async ({ workbench: wb, codeServer, sim }) => {
  test.setTimeout(75_000);
  const opened = Date.now();
  const page = await wb.page.context().newPage();
  page.setDefaultTimeout(15_000);
  const consoleLog = path.join(repoRoot, 'artifacts', 'ui-window2-console.log');
  fs.writeFileSync(consoleLog, '');
  page.on('console', (msg) => fs.appendFileSync(consoleLog, `${redact(`[${msg.type()}] ${msg.text().replace(/%c/g, '')}`)}\n`));
  await page.goto(codeServer.url(), { timeout: 60_000 });
  second = new Workbench(page);
  await second.waitLoaded();
  await second.view.open();
  // The Guid window 1 stored is this machine's: window 2 needs none typed.
  await rowsShowCurrent(second, sim, 'window 2: every agent row with its numbers', 30_000);
  report(`window 2 showed every agent's numbers ${((Date.now() - opened) / 1000).toFixed(1)} s after it was opened`);
  expect(await focused(wb.page), 'window 1 still has the focus (both windows poll)').toBe(true);
  expect(await focused(page), 'window 2 has the focus (both windows poll)').toBe(true);
  // While measuring: a call ends at agent 103; both windows' rows must show it within two intervals.
  measured.two = await measure(sim, async () => {
    sim.simulateCall('103', { talkSeconds: 30 });
    await Promise.all([rowsShowCurrent(second, sim, 'window 2: the new call of agent 103'), rowsShowCurrent(wb, sim, 'window 1: the new call of agent 103')]);
  });
  report(`two windows showing the view: statisticsEx per agent in ${SPAN} intervals: ${show(measured.two)} (total ${total(measured.two)}; one window: ${total(measured.one)})`);
  await second.moveMouseAway();
  await shot(page, 'two-windows-second.png');
  expectSameCost(measured.one, measured.two, 'two windows showing the view');
  const rows = await rowsShowCurrent(second, sim, 'window 2: current numbers after the span');
  expect(rows['103'], `window 2's row 103 shows the call that ended: "${rows['103']}"`).toContain(`↓${COUNTERS[103].answernums + 1} ↑${COUNTERS[103].calloutnums}`);
  const first = await rowsShowCurrent(wb, sim, 'window 1: current numbers after the span');
  report(`rows: window 1 ${AGENTS.map((a) => `"${first[a]}"`).join(', ')}; window 2 ${AGENTS.map((a) => `"${rows[a]}"`).join(', ')}`);
  for (const a of AGENTS) expect(stateWord(rows[a]), `window 2's row ${a} names the state window 1's does: "${rows[a]}" / "${first[a]}"`).toBe(stateWord(first[a]));
});

test('two windows 3: the second window showing another view (its status bar still polls) costs no more', async ({ workbench: wb, sim }) => {
  test.setTimeout(45_000);
  expect(second, 'window 2 is open').toBeDefined();
  await second.palette.run('View: Show Explorer');
  await until('window 2 with the CC-Gateway view hidden', async () => !(await second.view.container.isVisible()));
  await until('window 2\'s status bar with the totals', async () => /answered/.test((await second.statusBar.label()) ?? ''));
  measured.background = await measure(sim);
  report(`two windows, the second showing another view: statisticsEx per agent in ${SPAN} intervals: ${show(measured.background)} (total ${total(measured.background)})`);
  expectSameCost(measured.one, measured.background, 'two windows, the second showing another view');
  await rowsShowCurrent(wb, sim, 'window 1: current numbers');
});

/** Clicks the Agents view's Refresh `times` times in a row, as fast as a person could (title action, shown on hover). */
async function clickRefresh(wb, times) {
  const header = wb.view.container.locator('.pane-header').filter({ hasText: /^\s*Agents/ });
  const button = header.locator('.action-label[aria-label="Refresh"]');
  for (let i = 0; i < times; i++) {
    await header.hover();
    await button.click();
  }
}

test('two windows 4: Refresh clicked in both windows at once; no agent ever got more than 5 requests in 2 s', async ({ workbench: wb, sim }) => {
  test.setTimeout(45_000);
  await second.view.open();
  // Clicked at the start of a 2 s bucket that lies in the second half of an interval (3 s in, every
  // tenth second is one): this interval's reads are done (they fall in its first half), the next
  // interval's have not begun, so every statisticsEx counted until 4.9 s in is a Refresh's, all in one bucket.
  await delay(CLICK_EVERY_MS - ((Date.now() - CLICK_AT_MS) % CLICK_EVERY_MS + CLICK_EVERY_MS) % CLICK_EVERY_MS);
  const before = new Map(sim.stats.byPath);
  const start = Date.now();
  // Four clicks in each window, each asking every agent now: shared, one read per agent per 2 s
  // bucket among both windows (a window's own second click included).
  await Promise.all([clickRefresh(wb, 4), clickRefresh(second, 4)]);
  const clicked = Date.now();
  await delay(Math.max(500, start + 1900 - clicked));
  const end = Date.now();
  const sent = new Map([...sim.stats.byPath].map(([p, n]) => [p, n - (before.get(p) ?? 0)]).filter(([, n]) => n > 0));
  // One read per agent for the bucket, both windows together (and one more per bucket or interval
  // the count ran into on a slow machine); one state batch per asking agent per interval touched.
  const buckets = Math.floor(clicked / ON_DEMAND_MS) - Math.floor(start / ON_DEMAND_MS) + 1;
  const intervals = Math.floor(end / INTERVAL_MS) - Math.floor(start / INTERVAL_MS) + 1;
  report(`Refresh 4 times in each window (clicks took ${clicked - start} ms, ${buckets} bucket(s) of 2 s, counted for ${end - start} ms): ${[...sent].map(([p, n]) => `${p.replace('/agentgateway/resource/', '')} ${n}`).join(', ')}`);
  for (const a of AGENTS) expect(sent.get(exPath(a)) ?? 0, `statisticsEx of ${a} after 8 Refresh clicks in ${buckets} bucket(s) of 2 s and ${intervals} interval(s)`).toBeLessThanOrEqual(buckets + intervals - 1);
  for (const [p, n] of sent) if (p.endsWith('/agentbylist')) expect(n, `${p} after the clicks (${intervals} interval(s))`).toBeLessThanOrEqual(intervals);
  // The whole run, as the gateway counts: every calldata and agentgroup request per {agentid} in its path.
  const worst = sim.queues.maxInWindow(BUDGET.windowMs);
  const times = sim.queues.log.get(worst.agent) ?? [];
  const from = times.find((t) => times.filter((u) => u >= t && u - t < BUDGET.windowMs).length === worst.count) ?? 0;
  const densest = times.filter((u) => u >= from && u - from < BUDGET.windowMs).map((u) => Math.round(u - from));
  report(`the most requests of one agent in any ${BUDGET.windowMs / 1000} s: ${worst.count} (agent ${worst.agent}, at +${densest.join(', +')} ms; ${times.length} in the run)`);
  expect(worst.count, `agent ${worst.agent} got ${worst.count} requests within ${BUDGET.windowMs} ms (at +${densest.join(', +')} ms)`).toBeLessThanOrEqual(BUDGET.max);
  expect(sim.queues.overloadAnswers, 'requests the gateway refused as over its budget (000-007)').toBe(0);
  await rowsShowCurrent(second, sim, 'window 2: current numbers after the refreshes');
});
