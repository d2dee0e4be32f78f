// The extension in a real extension host, against the simulator over HTTPS on loopback.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/activate';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { startConnectProxy } from '../support/connectProxy';
import { sleep, until as waitUntil } from '../support/wait';
import { config, set } from '../support/userSettings';
import { credentialsIn } from '../support/webviewCredentials';
import { ON_DEMAND_MS } from '../../src/core/sharing/readCoordinator';

/** A row's description without its time in state ("idle ≥12 s" → "idle"), which moves on by itself every second. */
const withoutTime = (d: unknown) => String(d).replace(/ ≥?\d+ (?:s|min|秒|分钟)(?= ·)/, '');

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
let diagnostics: (() => string) | undefined;

/** The shared wait, with this suite's pace and the extension's state on timeout. */
const until = <T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> =>
  waitUntil(what, probe, { timeoutMs, everyMs: 50, diagnostics });

describe('CC-Gateway extension in the extension host', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let sim: Simulator;

  const rows = () => {
    const nodes = api.tree.getChildren();
    return nodes.map((n) => ({ node: n, item: api.tree.getTreeItem(n) }));
  };
  const row = (agentId: string) => rows().find((r) => r.item.id === `agent:${agentId}`)?.item;

  // Anything our extension lets escape lands here instead of disappearing into the host's log.
  const escaped: string[] = [];
  const onRejection = (reason: unknown) => escaped.push(reason instanceof Error ? `${reason.message}\n${reason.stack ?? ''}` : String(reason));

  before(async () => {
    process.on('unhandledRejection', onRejection);
    sim = await startSimulator({ guid: process.env.CCGW_TEST_GUID || undefined });
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
    diagnostics = () =>
      JSON.stringify({ view: api.monitor.core.viewState, refused: api.monitor.core.refusedCredentials.length, entries: api.monitor.core.store.all().map((e) => [e.agentId, e.state, e.error?.kind]), requests: sim.stats.requests, focused: vscode.window.state.focused });
    await vscode.commands.executeCommand('ccGateway.clearGuid');
    await set('gatewayUrl', undefined);
    await set('agents', undefined);
  });

  after(async () => {
    process.off('unhandledRejection', onRejection);
    for (const key of ['gatewayUrl', 'agents', 'tls.caFile', 'pollIntervalSeconds', 'statusBar.enabled']) await set(key, undefined);
    await sim.stop();
  });

  it('starts in the "no gateway URL" state with nothing polled', async () => {
    await until('noUrl', () => api.monitor.core.viewState === 'noUrl');
    assert.deepEqual(api.tree.getChildren(), []);
    assert.equal(sim.stats.requests, 0);
  });

  it('shows "no agents", then "no Guid" as settings arrive, without a reload', async () => {
    await set('tls.caFile', sim.caFile);
    await set('gatewayUrl', sim.url);
    await until('noAgents', () => api.monitor.core.viewState === 'noAgents');
    await set('agents', ['101', '102']);
    await until('noGuid', () => api.monitor.core.viewState === 'noGuid');
    assert.equal(sim.stats.guidsSeen.size, 0, 'no Guid was sent before one was set');
  });

  it('setGuid stores the Guid (not in settings) and rows show the simulator numbers', async () => {
    sim.setCounters('101', { talktime: 4328, answernums: 5, calloutnums: 2 });
    sim.setCounters('102', { talktime: 60, answernums: 1, calloutnums: 0 });
    assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', `JSESSIONID=${sim.guid}`), true);
    await until('ready', () => api.monitor.core.viewState === 'ready');
    await until('row 101 numbers', () => withoutTime(row('101')?.description) === 'idle · ↓5 ↑2 · 1:12:08');
    await until('row 102 numbers', () => withoutTime(row('102')?.description) === 'idle · ↓1 ↑0 · 0:01:00');
    assert.equal(row('101')?.label, '101');
    assert.match(String(row('101')?.accessibilityInformation?.label), /^Agent 101, idle for ≥\d+ (?:s|min), 5 answered, 2 outbound, talk time 1:12:08$/);
    assert.deepEqual(sim.stats.guidsSeen, new Set([sim.guid]));
    const all = JSON.stringify(config().inspect('gatewayUrl')) + JSON.stringify(vscode.workspace.getConfiguration().get('ccGateway'));
    assert.ok(!all.includes(sim.guid), 'the Guid is not in any setting');
    const bar = await until('status bar totals', () => (api.statusBar.snapshot.label?.includes('6 answered') ? api.statusBar.snapshot : undefined));
    assert.equal(bar.label, 'CC-Gateway: 6 answered, 2 outbound, talk time 1:13:08');
    assert.equal(bar.warning, false);
  });

  it('rows and status bar follow the simulator counters, refreshing only the changed row', async () => {
    const before = { ...api.tree.refreshCounts };
    sim.simulateCall('101', { talkSeconds: 60 });
    await vscode.commands.executeCommand('ccGateway.refresh');
    await until('row 101 updated', () => withoutTime(row('101')?.description) === 'idle · ↓6 ↑2 · 1:13:08');
    await until('status bar updated', () => api.statusBar.snapshot.label?.includes('7 answered'));
    assert.equal(api.tree.refreshCounts.full, before.full, 'no whole-tree refresh');
    assert.equal(api.tree.refreshCounts.items - before.items, 1, 'only agent 101 was refreshed');
    const children = api.tree.getChildren(rows()[0].node);
    assert.equal(children.length, 5, 'a row expands into one child per metric');
  });

  it('Export Statistics writes CSV and JSON to a given path that round-trip to the simulator numbers', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-export-'));
    try {
      const csvUri = await vscode.commands.executeCommand<vscode.Uri>('ccGateway.exportStatistics', path.join(dir, 'stats.csv'));
      assert.ok(csvUri);
      const rows = parseCsv<Record<string, string>>(fs.readFileSync(csvUri.fsPath, 'utf8'), { columns: true });
      assert.deepEqual(rows.map((r) => r.agent_id), ['101', '102']);
      for (const r of rows) {
        const c = sim.counters(r.agent_id);
        assert.deepEqual([r.state, r.answered_calls, r.outbound_calls, r.talk_time_seconds], ['ok', String(c.answernums), String(c.calloutnums), String(c.talktime)]);
        assert.ok(Math.abs(Date.parse(r.fetched_at) - Date.now()) < 120_000, `fetched_at ${r.fetched_at}`);
      }
      const jsonUri = await vscode.commands.executeCommand<vscode.Uri>('ccGateway.exportStatistics', { path: path.join(dir, 'stats.json') });
      const json = JSON.parse(fs.readFileSync(jsonUri.fsPath, 'utf8')) as { gateway: string; agents: { agentId: string; answeredCalls: number }[] };
      assert.equal(json.gateway, new URL(sim.url).origin);
      assert.deepEqual(json.agents.map((a) => [a.agentId, a.answeredCalls]), [['101', sim.counters('101').answernums], ['102', sim.counters('102').answernums]]);
      for (const f of ['stats.csv', 'stats.json']) assert.ok(!fs.readFileSync(path.join(dir, f), 'utf8').includes(sim.guid), 'no Guid in exports');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('honours http.proxy: polls through a real CONNECT proxy, and names the proxy when it is down', async () => {
    const proxy = await startConnectProxy();
    const http = () => vscode.workspace.getConfiguration('http');
    try {
      await http().update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      sim.simulateCall('102', { talkSeconds: 30 });
      await vscode.commands.executeCommand('ccGateway.refresh');
      const expected = sim.counters('102').answernums;
      await until('row 102 updated through the proxy', () => api.monitor.core.store.get('102')?.stats?.answernums === expected && proxy.connects.length > 0);
      assert.ok(!JSON.stringify(proxy.connects).includes(sim.guid), 'the proxy never saw the Guid');
      // http.noProxy is followed live too: with the gateway listed, polls go direct.
      const tunnels = proxy.connects.length;
      await http().update('noProxy', ['127.0.0.1'], vscode.ConfigurationTarget.Global);
      sim.simulateCall('102', { talkSeconds: 30 });
      await vscode.commands.executeCommand('ccGateway.refresh');
      const direct = sim.counters('102').answernums;
      await until('row 102 updated direct', () => api.monitor.core.store.get('102')?.stats?.answernums === direct);
      assert.equal(proxy.connects.length, tunnels, 'no tunnel while the gateway is in http.noProxy');
      await http().update('noProxy', undefined, vscode.ConfigurationTarget.Global);
      await proxy.stop();
      await vscode.commands.executeCommand('ccGateway.refresh');
      await until('rows name the proxy', () => api.monitor.core.store.all().some((e) => e.state === 'stale' && e.error?.message.includes(`proxy 127.0.0.1:${proxy.port}`)));
    } finally {
      await http().update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await http().update('noProxy', undefined, vscode.ConfigurationTarget.Global);
      await proxy.stop().catch(() => undefined);
    }
    await vscode.commands.executeCommand('ccGateway.refresh');
    await until('direct again', () => api.monitor.core.store.all().every((e) => e.state === 'ok'));
  });

  it('queryAgent returns the statistics for a valid ID', async () => {
    sim.setCounters('4242', { talktime: 10, answernums: 2, calloutnums: 3 });
    const stats = await vscode.commands.executeCommand('ccGateway.queryAgent', ' 4242 ');
    assert.deepEqual(stats, { talktime: 10, answernums: 2, calloutnums: 3 });
  });

  it('showDetails drills down with the heavier statistics call, on demand', async () => {
    sim.resetStats();
    const details = await vscode.commands.executeCommand<Record<string, number>>('ccGateway.showDetails', '101');
    assert.equal(details?.answernums, sim.counters('101').answernums);
    assert.equal(typeof details?.noanswernums, 'number');
    assert.equal(sim.stats.byPath.get('/agentgateway/resource/calldata/101/statistics'), 1);
    // A readable table: plain words, h:mm:ss, the field names; no Guid. The page gets it by postMessage.
    const data = await until('details posted', () => api.supervisor.details.lastData.get('101'));
    const row = (field: string) => data.rows.find((r) => r.field === field);
    assert.deepEqual(row('noanswernums')?.label, 'Calls not answered for a long time');
    assert.match(row('noanswernums')!.value, /^\d+$/);
    assert.match(row('talktime')!.value, new RegExp(`^${Math.floor(sim.counters('101').talktime / 3600)}:\\d\\d:\\d\\d$`));
    // The fields the docs do not name get words too, marked as such, with the field name beside them.
    assert.equal(row('waittime')?.label, 'Waiting time (undocumented field)');
    assert.match(data.status, /^Updated at \d\d:\d\d:\d\d from https:\/\/127\.0\.0\.1:\d+; refreshes every \d+ s while this panel is visible\.$/);
    assert.equal(data.refresh, 'Refresh');
    const html = api.supervisor.details.lastHtml.get('101') ?? '';
    assert.match(html, /script-src 'nonce-[A-Za-z0-9+/=]{20,}'/);
    assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
    // What was handed to the webview (not a copy kept aside): the page and the data, without a credential.
    const sent = await until('page and data handed over', () => {
      const mine = api.webviews!.sent.filter((x) => x.panel === 'details:101');
      return mine.some((x) => x.kind === 'message') && mine;
    });
    assert.equal(sent.filter((x) => x.kind === 'html').at(-1)?.text, html, 'the page handed to the webview is the one checked above');
    assert.deepEqual(JSON.parse(sent.filter((x) => x.kind === 'message').at(-1)!.text), { type: 'details', data });
    assert.deepEqual(credentialsIn(sent, [sim.guid, ...sim.sessions.stats.issued, process.env.CCGW_TEST_GUID, process.env.CCGW_TEST_PASSWORD]), [], 'no Guid or password in the page');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('queryAgent with an invalid ID sends no request', async () => {
    sim.resetStats();
    for (const bad of ['100', 'abc', '60000', '1/../2']) {
      assert.equal(await vscode.commands.executeCommand('ccGateway.queryAgent', bad), undefined);
    }
    await sleep(100);
    assert.equal([...sim.stats.byPath.keys()].filter((p) => !/\/(101|102)\//.test(p)).length, 0);
  });

  it('applies agent and interval changes live', async () => {
    await set('agents', ['101', '103']);
    await until('row 103', () => row('103'));
    assert.equal(row('102'), undefined);
    await set('pollIntervalSeconds', 5);
    sim.resetStats();
    await sleep(6_500);
    const polls = sim.stats.byPath.get('/agentgateway/resource/calldata/103/statisticsEx') ?? 0;
    assert.ok(polls >= 1 && polls <= 2, `agent 103 polled ${polls} times in 6.5 s at 5 s`);
  });

  it('sends zero requests while nothing shows the numbers, and catches up when something does', async () => {
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await set('statusBar.enabled', false);
    await until('status bar hidden', () => !api.statusBar.snapshot.visible);
    sim.resetStats();
    await vscode.commands.executeCommand('ccGateway.refresh');
    await sleep(2_000); // a fixed window; the interval is 5 s and refresh would poll at once if active
    assert.equal(sim.stats.requests, 0, `${sim.stats.requests} requests while neither the view nor the status bar was shown`);
    sim.simulateCall('103', { talkSeconds: 5 });
    await set('statusBar.enabled', true);
    await until('caught up after the status bar came back', () => (sim.stats.byAgent.get('103') ?? 0) >= 1, 3_000);
  });

  it('an expired Guid shows the "set a new Guid" state once, and a new Guid recovers', async () => {
    const refusedToasts = () => api.notifier.count(`refused:${api.monitor.settings.origin}`);
    const toastsBefore = refusedToasts();
    sim.expireGuid();
    // Past the 2 s in which a window's Refresh is answered by its last on-demand read (the catch-up above).
    await sleep(ON_DEMAND_MS);
    await vscode.commands.executeCommand('ccGateway.refresh');
    await until('auth banner', () => api.monitor.core.refusedCredentials.length === 1 && rows()[0]?.item.id === 'banner:auth');
    // The status model says it of every agent reading with that Guid, whether its own read was
    // refused or it was held once another's was (which comes first is a matter of timing).
    await until('every agent "Guid refused"', () => ['101', '103'].every((id) => api.monitor.core.status.agent(id).cause === 'guid-refused' && api.monitor.core.status.agent(id).act === 'setGuid'));
    assert.match(String(row('101')?.description), /^as of \d\d?:\d\d(\s[AP]M)? · ↓\d+ ↑\d+ · \d+:\d\d:\d\d$/, 'last numbers stay visible, marked as of when');
    await until('status bar warning', () => api.statusBar.snapshot.warning);
    sim.resetStats();
    for (let i = 0; i < 3; i++) await vscode.commands.executeCommand('ccGateway.refresh');
    await sleep(300);
    assert.equal(sim.stats.requests, 0, 'polling stopped');
    assert.equal(refusedToasts() - toastsBefore, 1, `one notification for ${api.monitor.core.store.size} refused agents and 3 refreshes`);
    const fresh = sim.rotateGuid();
    await vscode.commands.executeCommand('ccGateway.setGuid', fresh);
    await until('recovered', () => api.monitor.core.store.get('101')?.state === 'ok' && api.monitor.core.refusedCredentials.length === 0);
    await until('status bar back to normal', () => !api.statusBar.snapshot.warning);
    // A second expiry is a new problem: it is worth one more notification, not zero.
    const again = sim.rotateGuid();
    await vscode.commands.executeCommand('ccGateway.refresh');
    await until('refused again', () => api.monitor.core.refusedCredentials.length === 1);
    assert.equal(refusedToasts() - toastsBefore, 2);
    await vscode.commands.executeCommand('ccGateway.setGuid', again);
    await until('recovered again', () => api.monitor.core.store.get('101')?.state === 'ok' && api.monitor.core.refusedCredentials.length === 0);
  });

  it('a gateway that stays down and invalid agent entries do not flood notifications', async () => {
    const total = api.notifier.count();
    await set('agents', ['101', 'abc', '103']);
    await set('agents', ['103', 'abc', '101']);
    await until('invalid entry reported', () => api.notifier.count('invalidAgents') >= 1);
    assert.equal(api.notifier.count() - total, 1, 'the same invalid entry is reported once');
    await set('agents', ['101', '103']);
    await sim.stop();
    try {
      for (let i = 0; i < 5; i++) {
        await vscode.commands.executeCommand('ccGateway.refresh');
        await sleep(200);
      }
      await until('rows stale with a network reason', () => api.monitor.core.store.all().every((e) => e.state === 'stale' && e.error?.kind === 'network'));
      assert.equal(api.notifier.count() - total, 1, 'a gateway outage shows in the rows and the status bar, not in toasts');
      // The status bar says its numbers are old (icon, time, words), without a warning colour: the extension retries by itself.
      await until('status bar marked stale', () => api.statusBar.snapshot.text.startsWith('$(history) '));
      assert.match(String(api.statusBar.snapshot.label), /numbers as of .+, not current/);
      assert.equal(api.statusBar.snapshot.warning, false, 'an outage the extension is riding out is no warning');
    } finally {
      await sim.restart();
    }
    await vscode.commands.executeCommand('ccGateway.refresh');
    await until('back after the outage', () => api.monitor.core.store.all().every((e) => e.state === 'ok'));
  });

  it('flipping gatewayUrl between two gateways, each with its own Guid, while polls are in flight: neither ever receives the other’s', async () => {
    const other = await startSimulator();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-ca-'));
    const bundle = path.join(dir, 'both.pem');
    fs.writeFileSync(bundle, `${sim.caPem}\n${other.caPem}`);
    const simOrigin = new URL(sim.url).origin;
    const otherOrigin = new URL(other.url).origin;
    try {
      await set('tls.caFile', bundle);
      await until('ready on the bundle CA', () => api.monitor.core.viewState === 'ready' && api.monitor.core.store.all().every((e) => e.state === 'ok'));
      // A gateway with no Guid of its own is asked for one and sent nothing, though this one's polls are in flight.
      sim.setFault({ kind: 'latency', ms: 150 });
      await vscode.commands.executeCommand('ccGateway.refresh');
      await set('gatewayUrl', other.url);
      await until('noGuid for the new origin', () => api.monitor.core.viewState === 'noGuid');
      await sleep(300);
      assert.equal(other.stats.guidsSeen.size, 0, 'no Guid was sent to a gateway that has none stored');
      assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', other.guid), true);
      await until('numbers from the other gateway', () => api.monitor.core.store.all().every((e) => e.state === 'ok'));

      // Slow Guid lookups (a keyring, a remote window) and slow answers keep requests waiting across the flips.
      api.testHooks.secretLatencyMs = 150;
      other.setFault({ kind: 'latency', ms: 60 });
      sim.setFault({ kind: 'latency', ms: 60 });
      sim.resetStats();
      other.resetStats();
      let flips = 0;
      // Short stays flip while lookups are pending (the race); every third stay is long enough for answers.
      for (let i = 0; i < 18; i++) {
        await set('gatewayUrl', i % 2 === 0 ? sim.url : other.url);
        flips++;
        await vscode.commands.executeCommand('ccGateway.refresh');
        await sleep(i % 3 === 2 ? 500 : 10 + ((i * 37) % 60));
      }
      await sleep(800);
      console.log(`[integration] ${flips} flips: ${sim.stats.requests} requests at ${simOrigin}, ${other.stats.requests} at ${otherOrigin}`);
      assert.ok(sim.stats.requests > 0 && other.stats.requests > 0, 'both gateways were polled during the flips');
      assert.deepEqual([...sim.stats.guidsSeen], [sim.guid], `${simOrigin} received only its own Guid`);
      assert.deepEqual([...other.stats.guidsSeen], [other.guid], `${otherOrigin} received only its own Guid`);
    } finally {
      api.testHooks.secretLatencyMs = 0;
      sim.setFault(undefined);
      other.setFault(undefined);
      await set('gatewayUrl', other.url);
      await vscode.commands.executeCommand('ccGateway.clearGuid');
      await set('tls.caFile', sim.caFile);
      await set('gatewayUrl', sim.url);
      await other.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    await until('back to ready', () => api.monitor.core.viewState === 'ready');
  });

  it('a query or drill-down interrupted by a connection change is answered by the new connection, never "cancelled"', async () => {
    const other = await startSimulator();
    try {
      other.setCounters('101', { talktime: 90, answernums: 9, calloutnums: 4 });
      other.setCounters('4343', { talktime: 30, answernums: 3, calloutnums: 1 });
      // Settings written and queried at once, as a script does.
      await set('gatewayUrl', other.url);
      await set('tls.caFile', other.caFile);
      assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', other.guid), true);
      assert.deepEqual(await vscode.commands.executeCommand('ccGateway.queryAgent', '4343'), { talktime: 30, answernums: 3, calloutnums: 1 });

      // A query of a watched agent joins its poll in flight; a connection setting then changes under it.
      other.setFault({ kind: 'latency', ms: 400 });
      await vscode.commands.executeCommand('ccGateway.refresh');
      await sleep(100);
      const query = vscode.commands.executeCommand('ccGateway.queryAgent', '101');
      await sleep(50);
      await set('requestTimeoutSeconds', 9);
      assert.deepEqual(await query, { talktime: 90, answernums: 9, calloutnums: 4 }, 'the numbers, not undefined or "cancelled"');

      const details = vscode.commands.executeCommand<Record<string, number>>('ccGateway.showDetails', '101');
      await sleep(100);
      await set('requestTimeoutSeconds', 8);
      assert.equal((await details)?.answernums, 9, 'the drill-down too');
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.commands.executeCommand('ccGateway.clearGuid');
    } finally {
      other.setFault(undefined);
      await set('requestTimeoutSeconds', undefined);
      await set('tls.caFile', sim.caFile);
      await set('gatewayUrl', sim.url);
      await other.stop();
    }
    await until('back to ready', () => api.monitor.core.viewState === 'ready');
  });

  it('a self-signed gateway: its certificate is shown once, trusted for that origin only, and a replacement is refused again', async () => {
    const selfSigned = await startSimulator({ tls: 'selfSigned' });
    const origin = new URL(selfSigned.url).origin;
    const topic = `certificate:${origin}`;
    try {
      await set('tls.caFile', undefined);
      await set('gatewayUrl', selfSigned.url);
      assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', selfSigned.guid), true);
      const refused = await until('certificate refused', () => api.monitor.core.refusedCertificate);
      assert.equal(refused.origin, origin);
      assert.equal(refused.refusal.certificate.fingerprint256, selfSigned.fingerprint256);
      assert.equal(refused.refusal.reason, 'DEPTH_ZERO_SELF_SIGNED_CERT');
      await until('rows say why', () => api.monitor.core.store.all().every((e) => e.error?.kind === 'tls'));
      const banner = rows()[0]?.item;
      assert.equal(banner?.id, 'banner:certificate');
      assert.equal(banner?.command?.command, 'ccGateway.trustCertificate');
      for (let i = 0; i < 3; i++) {
        await vscode.commands.executeCommand('ccGateway.refresh');
        await sleep(150);
      }
      assert.equal(api.notifier.count(topic), 1, 'one notification for the certificate, not one per agent or cycle');
      assert.equal(selfSigned.stats.guidsSeen.size, 0, 'no Guid to a certificate nobody trusted');

      // A script naming another certificate is refused at once.
      assert.equal(await vscode.commands.executeCommand('ccGateway.trustCertificate', { fingerprint256: 'AB'.repeat(32) }), false);
      assert.deepEqual(api.trusted.origins(), []);
      // The right fingerprint still pins nothing without a person's click: the command asks in its modal.
      const trusting = vscode.commands.executeCommand<boolean>('ccGateway.trustCertificate', { fingerprint256: selfSigned.fingerprint256.toLowerCase() }).then((value) => ({ value }), (error: unknown) => ({ error }));
      await sleep(500);
      assert.deepEqual(api.trusted.origins(), [], 'nothing pinned while the modal is up');
      // The workbench refuses modal dialogs while extension tests run, so the modal ends in an error that quotes it (a real window waits for the click).
      const outcome = await trusting;
      assert.ok('error' in outcome, `the command returned ${JSON.stringify(outcome)} without asking`);
      assert.match(String((outcome.error as Error).message), /refused to show dialog.*could not be verified\. Trust it for this gateway\?/s);
      assert.deepEqual(api.trusted.origins(), [], 'nothing pinned once the modal is gone');
      // What the click would do, through the store.
      await api.trusted.trust(origin, refused.refusal.certificate);
      assert.deepEqual(api.trusted.origins(), [origin], 'trusted for this origin only');
      assert.deepEqual(api.trusted.fingerprints(origin), [selfSigned.fingerprint256]);
      await until('numbers through the pinned certificate', () => api.monitor.core.store.all().every((e) => e.state === 'ok'));
      assert.deepEqual([...selfSigned.stats.guidsSeen], [selfSigned.guid]);
      assert.equal(api.monitor.core.refusedCertificate, undefined);
      assert.notEqual(rows()[0]?.item.id, 'banner:certificate');
      assert.deepEqual(api.notifier.openTopics('certificate:'), [], 'the notification topic is resolved');

      // The gateway now presents another certificate: refused, explained, numbers kept.
      const trusted = selfSigned.fingerprint256;
      const second = await selfSigned.replaceCertificate('selfSigned');
      selfSigned.stats.guidsSeen.clear();
      await vscode.commands.executeCommand('ccGateway.refresh');
      const changed = await until('replacement refused', () => (api.monitor.core.refusedCertificate?.refusal.pinned ? api.monitor.core.refusedCertificate : undefined));
      assert.equal(changed.refusal.certificate.fingerprint256, second);
      assert.equal(changed.refusal.pinned, trusted);
      // A row whose request was cut when the gateway swapped certificates first reads "network"; while the
      // gateway counts as down only one probe goes out per interval (5 s here), so ask again each second.
      let asked = Date.now();
      await until('rows stale, numbers kept', async () => {
        if (Date.now() - asked > 1000) {
          asked = Date.now();
          await vscode.commands.executeCommand('ccGateway.refresh');
        }
        return api.monitor.core.store.all().every((e) => e.state === 'stale' && e.stats && /different certificate/.test(e.error?.message ?? ''));
      }, 20_000);
      assert.equal(rows()[0]?.item.label, 'Certificate changed: review it');
      assert.equal(api.notifier.count(topic), 2, 'a different certificate is news again');
      assert.equal(selfSigned.stats.guidsSeen.size, 0, 'no Guid to the replacement');

      // Forgetting a pin from a script is asked in a modal too; without the click the pin stays.
      const forgetting = await vscode.commands.executeCommand('ccGateway.forgetTrustedCertificates', origin).then((value) => ({ value }), (error: unknown) => ({ error }));
      assert.ok('error' in forgetting, `the command returned ${JSON.stringify(forgetting)} without asking`);
      assert.match(String((forgetting.error as Error).message), /refused to show dialog.*Forget the certificate you trusted for/s);
      assert.deepEqual(api.trusted.origins(), [origin], 'the pin stays without a click');
      assert.equal(await api.trusted.forget(origin), true);
      assert.deepEqual(api.trusted.origins(), []);
      await vscode.commands.executeCommand('ccGateway.clearGuid');
    } finally {
      await set('tls.caFile', sim.caFile);
      await set('gatewayUrl', sim.url);
      await selfSigned.stop();
    }
    await until('back to ready', () => api.monitor.core.viewState === 'ready');
  });

  it('disposing the monitor (what deactivation does) closes its connection: no timer armed, nothing in flight, no socket, no request', async () => {
    await until('polling', () => api.monitor.core.store.get('101')?.state === 'ok');
    await sleep(200);
    assert.ok(sim.openSockets > 0, 'the pool holds a keep-alive connection');
    const connection = api.monitor.core.connection;
    assert.ok(connection);
    assert.equal(connection.schedulerSnapshot.timerArmed, true, 'the next poll is armed before disposal');
    api.monitor.dispose();
    assert.equal(api.monitor.core.connection, undefined);
    assert.equal(connection.isClosed, true);
    assert.deepEqual({ timerArmed: connection.schedulerSnapshot.timerArmed, inFlight: connection.schedulerSnapshot.inFlight }, { timerArmed: false, inFlight: 0 });
    await until('sockets closed', () => sim.openSockets === 0, 5_000);
    sim.resetStats();
    await vscode.commands.executeCommand('ccGateway.refresh');
    await sleep(500);
    assert.equal(sim.stats.requests, 0);
  });

  it('left the process-wide TLS settings as they were', async () => {
    const https = await import('node:https');
    assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
    assert.notEqual(https.globalAgent.options.rejectUnauthorized, false);
  });

  it('let no promise rejection escape into the extension host during the whole suite', () => {
    const ours = escaped.filter((r) => /ccgateway|dist[\\/](extension|gatewayClient)\.js|GatewayError/i.test(r));
    assert.deepEqual(ours, [], `unhandled rejections from the extension:\n${ours.join('\n')}`);
  });
});
