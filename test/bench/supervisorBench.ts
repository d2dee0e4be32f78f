// `npm run bench`, supervisor view part: history bytes per agent per day, loading and rendering
// a full day for 200 agents (the real dist/trendView.js with uPlot, in headless Chromium when it
// is installed), a live trend update at 500 agents (re-reading the whole day: time and bytes
// posted, against its budget), and the extra gateway requests per interval with agent state on and off.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { GatewayConnection } from '../../src/core/monitor/gatewayConnection';
import { createGatewayClient } from '../../src/core/wire/client';
import { dayKey, dayStart, HistoryStore } from '../../src/core/history/historyStore';
import { mergeSeries } from '../../src/core/history/daySeries';
import { DayTrends } from '../../src/core/history/dayTrends';
import { BUCKET_MS, buildTrend } from '../../src/core/history/trend';
import { chooseBucketMs } from '../../src/core/history/trendChart';
import type { TrendData } from '../../src/core/history/trendData';
import { startSimulator } from '../../src/simulator/simulator';
import { seededRandom } from '../support/fakeClock';

const ORIGIN = 'https://gateway.example:8043';

const quiet = { warn: () => undefined };
/**
 * A trend update may take this much of the extension host per update: 10% of the 300 ms over
 * which the panel gathers changes before it updates (trendPanel.ts), so a panel left open all
 * shift costs at most a tenth of a core while calls keep coming.
 */
const TREND_UPDATE_BUDGET_MS = 30;

/** A 9-hour shift (today, from 08:00: retention keeps it) polled every 30 s, a call every ~6 minutes each: what the history file holds. */
async function simulatedDay(dir: string, agents: number): Promise<{ bytes: number; records: number; file: string; day: string }> {
  const random = seededRandom(13);
  const store = new HistoryStore(dir, { retentionDays: 14, flushMs: 60_000, log: quiet });
  const today = new Date();
  const start = new Date(today.getFullYear(), today.getMonth(), today.getDate(), 8, 0, 0).getTime();
  const counters = Array.from({ length: agents }, () => ({ answernums: 0, calloutnums: 0, talktime: 0 }));
  let records = 0;
  for (let t = start; t < start + 9 * 3600_000; t += 30_000) {
    for (let a = 0; a < agents; a++) {
      const c = counters[a];
      // One call in 12 polls on average: answered (3 in 4) or outbound, 30–600 s of talk.
      if (random() < 1 / 12) {
        if (random() < 0.75) c.answernums++;
        else c.calloutnums++;
        c.talktime += 30 + Math.floor(random() * 570);
      }
      if (store.record(ORIGIN, String(1001 + a), { ...c }, t)) records++;
    }
    if ((t - start) % 600_000 === 0) await store.flush();
  }
  await store.flush();
  const day = dayKey(start);
  const file = store.fileFor(ORIGIN, day);
  store.dispose();
  return { bytes: fs.statSync(file).size, records, file, day };
}

/** Loads the day and builds the trend of all agents, as Show Trend does; median of 5. */
async function loadDay(dir: string, day: string): Promise<{ ms: number; trend: ReturnType<typeof buildTrend> }> {
  const times: number[] = [];
  let trend = buildTrend([], undefined, 0);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const store = new HistoryStore(dir, { retentionDays: 14, log: quiet });
    const records = await store.readDay(ORIGIN, day);
    trend = buildTrend(records, undefined, dayStart(day));
    store.dispose();
    times.push(performance.now() - t0);
  }
  return { ms: times.sort((a, b) => a - b)[2], trend };
}

/**
 * Show Trend's live update as trendPanel.ts does it: read the day (HistoryStore parses only what
 * was appended since its last read), count the new records into the panel's day series
 * (DayTrends), build the trend of all agents from it, and the message posted to the webview
 * (serialized as VS Code carries it). Before each update, one poll cycle's changes (500
 * agents, a call every ~6 min, polled every 30 s: ~42 lines) are appended, outside the timing.
 * The first read parses the whole day (a panel opened); the median is of the 9 updates after it.
 */
async function trendUpdate(dir: string, day: string, agents: number, from = 17 * 3600_000): Promise<{ coldMs: number; ms: number; bytes: number; buckets: number }> {
  const store = new HistoryStore(dir, { retentionDays: 14, log: quiet });
  const trends = new DayTrends(store);
  const all = Array.from({ length: agents }, (_, a) => String(1001 + a));
  const words = { answered: 'Answered', outbound: 'Outbound', talk: 'Talk time (cumulative)', interval: 'Interval', caption: "The chart's numbers per 15 minutes", empty: 'No changes recorded today yet.', calls: 'Calls', hours: 'Talk time (h)', chartLabel: 'Chart of answered and outbound calls per 15 minutes and cumulative talk time; the same numbers are in the table below.', legendHint: 'Point at the chart to read an interval.' };
  const times: number[] = [];
  let bytes = 0;
  let buckets = 0;
  const at = dayStart(day) + from; // after the simulated shift (and after an earlier run's updates: older records would be a clock set back)
  for (let i = 0; i < 10; i++) {
    for (let a = 0; a < Math.round(agents / 12); a++) store.record(ORIGIN, String(1001 + ((i * 47 + a * 12) % agents)), { answernums: 1000 + i, calloutnums: 0, talktime: 9000 + i }, at + i * 30_000);
    await store.flush();
    const t0 = performance.now();
    const total = await trends.total('total', [{ origin: ORIGIN, agents: all }], day);
    const trend = mergeSeries([total], dayStart(day), BUCKET_MS);
    bytes = Buffer.byteLength(JSON.stringify({ type: 'trend', data: { title: 'Trend: all watched agents', subtitle: `${day} · ${ORIGIN} · calls per 15 minutes`, lang: 'en', ...trend, bucketMs: BUCKET_MS, words } }));
    times.push(performance.now() - t0);
    buckets = trend.buckets.length;
  }
  await store.close();
  const [cold, ...updates] = times;
  return { coldMs: cold, ms: updates.sort((a, b) => a - b)[4], bytes, buckets };
}

/** The 500-agent update, then the same after a torn write glued a 1-digit fragment to a line (older versions' files): bounded alike. */
async function trendUpdateLines(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-history-bench-500-'));
  try {
    const AGENTS = 500;
    const day = await simulatedDay(dir, AGENTS);
    const clean = await trendUpdate(dir, day.day, AGENTS);
    const text = fs.readFileSync(day.file, 'utf8');
    const cut = text.indexOf('\n', text.length / 2) + 1;
    fs.writeFileSync(day.file, `${text.slice(0, cut)}1${text.slice(cut)}`);
    const torn = await trendUpdate(dir, day.day, AGENTS, 17.5 * 3600_000);
    return [
      `trend update at ${AGENTS} agents (a day of ${day.records} records, ${(day.bytes / 1024).toFixed(0)} KiB, +${Math.round(AGENTS / 12)} lines per update): ${clean.ms.toFixed(1)} ms per update (median of 9; the first, parsing the whole day: ${clean.coldMs.toFixed(1)} ms), ${(clean.bytes / 1024).toFixed(1)} KiB posted to the webview, ${clean.buckets} buckets; update / budget ${TREND_UPDATE_BUDGET_MS} ms = ${(clean.ms / TREND_UPDATE_BUDGET_MS).toFixed(2)}`,
      `the same day with a 1-digit torn fragment glued to a line: ${torn.ms.toFixed(1)} ms per update (first ${torn.coldMs.toFixed(1)} ms), ${(torn.bytes / 1024).toFixed(1)} KiB posted, ${torn.buckets} buckets (torn / clean bytes posted = ${(torn.bytes / clean.bytes).toFixed(2)})`,
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Show Trend for all gateways as trendPanel.ts updates it (each gateway's day series and their sum
 * brought up to date with the new records, the trend made of the sum, the message serialized as
 * VS Code posts it), against the same update with one gateway, in the same run: each gateway a
 * 500-agent day (a copy of one simulated day). Before each update one poll cycle's lines (~42) are
 * appended to every gateway of it (all gateways' cycles in one flush: the worst case), or, in the
 * second figure, to one gateway only (the others unchanged). Updates of the two sizes alternate,
 * so load on the machine falls on both alike; medians of 30 after a first (cold) one each.
 * Where files can be watched (Linux, macOS) an update waits for no stat of a held day file (the
 * line says how many it waited for: an unchanged file is stat'ed anyway after 5 reads without
 * one, so one update in 6 of the second figure stats the 9 unchanged files; the median does not
 * show it). What still grows with the gateways is counting their new records, so at 46 records
 * per gateway the ratio is about 2 (1.8–2.1, median 1.9 of nine runs on a loaded 2-core machine). On
 * Windows every update stats every file.
 */
export async function allGatewaysTrendLine(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-history-bench-all-'));
  try {
    const GATEWAYS = 10;
    const AGENTS = 500;
    const UPDATES = 31;
    const day = await simulatedDay(dir, AGENTS);
    const origins = Array.from({ length: GATEWAYS }, (_, i) => `https://gateway${i}.example:8043`);
    const store = new HistoryStore(dir, { retentionDays: 14, flushMs: 60_000, log: quiet });
    for (const o of origins) {
      fs.mkdirSync(path.dirname(store.fileFor(o, day.day)), { recursive: true });
      fs.copyFileSync(day.file, store.fileFor(o, day.day));
    }
    const agents = Array.from({ length: AGENTS }, (_, a) => String(1001 + a));
    const at = dayStart(day.day) + 17 * 3600_000;
    const words = { answered: 'Answered', outbound: 'Outbound', talk: 'Talk time (cumulative)', interval: 'Interval', caption: "The chart's numbers per 15 minutes", empty: 'No changes recorded today yet.', calls: 'Calls', hours: 'Talk time (h)', chartLabel: 'Chart of answered and outbound calls per 15 minutes and cumulative talk time; the same numbers are in the table below.', legendHint: 'Point at the chart to read an interval.' };
    let tick = 0;
    /** Time of one update, and the stats of held day files it waited for. */
    const update = async (trends: DayTrends, gateways: readonly string[], changed: readonly string[]): Promise<{ ms: number; stats: number }> => {
      tick++;
      for (const o of changed) for (let a = 0; a < Math.round(AGENTS / 12); a++) store.record(o, agents[(tick * 47 + a * 12) % AGENTS], { answernums: 1000 + tick, calloutnums: 0, talktime: 9000 + tick }, at + tick * 30_000);
      await store.flush();
      const stats = store.dayFileReads.stats;
      const t0 = performance.now();
      const total = await trends.total('total', gateways.map((origin) => ({ origin, agents })), day.day);
      const bucketMs = chooseBucketMs(total.first, total.last);
      const trend = mergeSeries([total], dayStart(day.day), bucketMs);
      JSON.stringify({ type: 'trend', data: { title: 'Trend: all gateways', subtitle: `${day.day} · ${gateways.length} gateways · calls per 15 minutes`, lang: 'en', ...trend, bucketMs, words } });
      return { ms: performance.now() - t0, stats: store.dayFileReads.stats - stats };
    };
    const median = (xs: number[]) => xs.slice(1).sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
    /** `all` against `one` (the first gateway), alternating; `changedOf` says which gateways get lines before an update. */
    const compare = async (changedOf: (gateways: readonly string[]) => readonly string[]) => {
      const oneTrends = new DayTrends(store);
      const allTrends = new DayTrends(store);
      const one: number[] = [];
      const all: number[] = [];
      let stats = 0;
      for (let i = 0; i < UPDATES; i++) {
        one.push((await update(oneTrends, origins.slice(0, 1), changedOf(origins.slice(0, 1)))).ms);
        const u = await update(allTrends, origins, changedOf(origins));
        all.push(u.ms);
        if (i > 0) stats += u.stats;
      }
      return { one: median(one), all: median(all), counted: allTrends.counts.records, rebuilt: oneTrends.counts.rebuilt + allTrends.counts.rebuilt, stats: (stats / (UPDATES - 1)).toFixed(1) };
    };
    const every = await compare((gateways) => gateways);
    const single = await compare((gateways) => gateways.slice(0, 1));
    // What every update did before the series were kept: the whole day of one gateway counted again (its file parsed already).
    const recount: number[] = [];
    for (let i = 0; i < 6; i++) {
      const t0 = performance.now();
      const records = await store.readDay(origins[0], day.day);
      buildTrend(records, new Set(agents), dayStart(day.day));
      recount.push(performance.now() - t0);
    }
    const whole = store.dayFileReads.whole;
    await store.close();
    const perGateway = Math.round((every.counted - day.records * GATEWAYS) / UPDATES / GATEWAYS);
    return [
      `all-gateways trend, ${GATEWAYS} gateways / 1 gateway = ${(every.all / every.one).toFixed(2)} (${every.all.toFixed(2)} ms against ${one(every.one)} per update with a poll cycle's lines on every gateway; ${AGENTS} agents and a day of ${day.records} records each; ${perGateway} records counted per gateway per update, ${every.stats} stats of held day files waited for per ${GATEWAYS}-gateway update, ${whole} day files parsed whole and ${every.rebuilt + single.rebuilt} series built whole, all in the first updates)`,
      `  the same with a poll cycle's lines on one gateway per update (the others unchanged): ${GATEWAYS} gateways / 1 gateway = ${(single.all / single.one).toFixed(2)} (${single.all.toFixed(2)} ms against ${one(single.one)}; ${single.stats} stats per ${GATEWAYS}-gateway update); one gateway's whole day counted again, as every update did before: ${one(median(recount))} (${GATEWAYS} gateways now / that = ${(every.all / median(recount)).toFixed(2)})`,
    ].join('\n');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const one = (ms: number) => `${ms.toFixed(2)} ms`;

/** The real webview bundle in headless Chromium: time from posting the data to chart and table on screen. */
async function renderInChromium(trend: ReturnType<typeof buildTrend>): Promise<string> {
  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));
  const dist = path.join(__dirname, '..', '..', '..', 'dist');
  if (!chromium || !fs.existsSync(path.join(dist, 'trendView.js'))) return 'render: skipped (Chromium or dist/trendView.js missing; `npm test` installs and builds them)';
  let playwright: typeof import('playwright-core');
  try {
    playwright = await import('playwright-core');
  } catch {
    return 'render: skipped (playwright-core not installed)';
  }
  const page = path.join(os.tmpdir(), `ccgw-trend-bench-${process.pid}.html`);
  const css = fs.existsSync(path.join(dist, 'trendView.css')) ? `<link rel="stylesheet" href="file://${path.join(dist, 'trendView.css')}">` : '';
  fs.writeFileSync(
    page,
    `<!doctype html><html><head><meta charset="utf-8">${css}<script>window.acquireVsCodeApi=()=>({postMessage(){},getState(){},setState(){}});</script></head>` +
      `<body style="width:900px"><div id="root"></div><script src="file://${path.join(dist, 'trendView.js')}"></script></body></html>`,
  );
  const browser = await playwright.chromium.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--allow-file-access-from-files'] });
  try {
    const tab = await browser.newPage();
    await tab.goto(`file://${page}`);
    const words = { answered: 'Answered', outbound: 'Outbound', talk: 'Talk time', interval: 'Interval', caption: 'Calls per 15 minutes', empty: 'No data', calls: 'calls', hours: 'hours', chartLabel: 'Trend', legendHint: 'Point at the chart' };
    const data: TrendData = { title: 'All agents', subtitle: '200 agents', lang: 'en', ...trend, bucketMs: BUCKET_MS, words };
    const times: number[] = [];
    // Runs in the page (a string: this file is compiled without the DOM library).
    const measure = `(async (d) => {
      const t0 = performance.now();
      window.postMessage({ type: 'trend', data: d }, '*');
      await new Promise((resolve) => {
        const check = () => (document.querySelector('.uplot canvas') && document.querySelectorAll('table tr').length > 1 ? resolve() : requestAnimationFrame(check));
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => r()));
      return performance.now() - t0;
    })(${JSON.stringify(data)})`;
    for (let i = 0; i < 5; i++) times.push(await tab.evaluate<number>(measure));
    const rows = await tab.evaluate<number>("document.querySelectorAll('table tr').length");
    return `render in headless Chromium (the real dist/trendView.js with uPlot): median ${times.sort((a, b) => a - b)[2].toFixed(0)} ms to chart and a ${rows - 1}-row table`;
  } finally {
    await browser.close();
    fs.rmSync(page, { force: true });
  }
}

/** Requests per agent per poll cycle, agent state on and off, through the product's GatewayConnection. */
async function stateBudget(): Promise<string> {
  const sim = await startSimulator();
  const agents = Array.from({ length: 50 }, (_, i) => String(101 + i));
  const run = async (stateOn: boolean) => {
    const counts: Record<string, number> = {};
    let done = 0;
    const connection = new GatewayConnection(
      connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 5000 }),
      { agents: [], intervalMs: 3_600_000, active: true, paused: false },
      {
        credentials: { guid: () => Promise.resolve(sim.guid), hasAny: () => Promise.resolve(true) },
        loadClientFactory: () => createGatewayClient,
        readTextFile: (p) => readFile(p, 'utf8'),
        log: { info: () => undefined, warn: () => undefined },
        onRequest: (e) => (counts[e.operation] = (counts[e.operation] ?? 0) + 1),
        jitterRatio: 0,
      },
    );
    connection.states.setEnabled(stateOn);
    connection.onOutcome(() => done++);
    const cycles = 5;
    for (let c = 0; c < cycles; c++) {
      const target = (c + 1) * agents.length;
      if (c === 0) connection.setAgents(agents);
      else connection.refresh();
      while (done < target) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 50)); // the state read follows its statistics answer
    }
    connection.dispose();
    return { stats: (counts.statisticsEx ?? 0) / agents.length / cycles, state: ((counts.agentbyworkno ?? 0) + (counts.agentbylist ?? 0)) / agents.length / cycles, batches: (counts.agentbylist ?? 0) / cycles };
  };
  try {
    const on = await run(true);
    const off = await run(false);
    return `requests per agent per interval (50 agents, 5 cycles): state on ${on.stats.toFixed(2)} statisticsEx + ${on.state.toFixed(2)} state requests (${on.batches.toFixed(2)} agentbylist per interval, the rest agentbyworkno); state off ${off.stats.toFixed(2)} + ${off.state.toFixed(2)}`;
  } finally {
    await sim.stop();
  }
}

export async function supervisorBench(): Promise<string[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-history-bench-'));
  try {
    const AGENTS = 200;
    const day = await simulatedDay(dir, AGENTS);
    const load = await loadDay(dir, day.day);
    return [
      `history: a 9-hour day of ${AGENTS} agents (a call every ~6 min each, polled every 30 s): ${day.records} records, ${(day.bytes / 1024).toFixed(0)} KiB, ${(day.bytes / AGENTS).toFixed(0)} bytes per agent per day`,
      `trend of that day for all ${AGENTS} agents: load and aggregate ${load.ms.toFixed(1)} ms (median of 5), ${load.trend.buckets.length} buckets`,
      await renderInChromium(load.trend),
      ...(await trendUpdateLines()),
      await allGatewaysTrendLine(),
      await stateBudget(),
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
