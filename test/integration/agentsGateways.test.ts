// in a real extension host: three simulators configured at once (the top-level
// settings and two entries of ccGateway.gateways). Named to sort before extension.test.ts,
// whose last test disposes the monitor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/activate';
import type { GatewayUnit } from '../../src/extension/gateways/gatewayUnit';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { generateCa } from '../../src/simulator/certs';
import { sleep, until as waitUntil } from '../support/wait';
import { set } from '../support/userSettings';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
const PASSWORD = process.env.CCGW_TEST_PASSWORD || 'Test@Pass-1';
const SETTINGS = ['gatewayUrl', 'gateways', 'agents', 'tls.caFile', 'pollIntervalSeconds', 'requestTimeoutSeconds'];

describe('Several gateways at once', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  /**
   * a: the top-level settings, pasted Guid; b and c: listed, sign-in sessions. a and c have
   * certificates from one company CA: c's entry names no CA file, ccGateway.tls.caFile covers it.
   */
  let a: Simulator, b: Simulator, c: Simulator;
  const unit = (name: string): GatewayUnit => {
    const u = api.gateways.find(name);
    assert.ok(u, `gateway ${name} is configured`);
    return u;
  };
  const rootRows = () => api.fleetTree.getChildren().map((n) => api.fleetTree.getTreeItem(n));
  const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000) =>
    waitUntil(what, probe, { timeoutMs, everyMs: 50, diagnostics: () => JSON.stringify(rootRows().map((i) => [i.id, i.label, i.description])) });
  const listed = () => [
    { name: 'Site B', url: b.url, agents: ['101', '102'], 'tls.caFile': b.caFile },
    { name: 'Site C', url: c.url, agents: ['101'] },
  ];

  before(async () => {
    const companyCa = await generateCa('Company CA');
    a = await startSimulator({ ca: companyCa });
    b = await startSimulator({ auth: { mode: 1, defaultPassword: PASSWORD, eventHoldMs: 1000 } });
    c = await startSimulator({ ca: companyCa, auth: { mode: 1, defaultPassword: PASSWORD, eventHoldMs: 1000 } });
    a.setCounters('101', { answernums: 1, calloutnums: 0, talktime: 60 });
    b.setCounters('101', { answernums: 22, calloutnums: 2, talktime: 600 });
    c.setCounters('101', { answernums: 333, calloutnums: 3, talktime: 900 });
    api = (await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate())!;
    await set('pollIntervalSeconds', 5);
    await set('requestTimeoutSeconds', 2);
    await set('tls.caFile', a.caFile);
    await set('gatewayUrl', a.url);
    await set('agents', ['101']);
    await set('gateways', listed());
    await vscode.commands.executeCommand('ccGateway.agents.focus');
  });

  after(async () => {
    // Later suites count the credentials they find: leave none (a removed gateway's stored password stays until removed).
    await vscode.commands.executeCommand('ccGateway.manageCredentials', { remove: [{ origin: a.url }, { origin: b.url, agentId: '101', kind: 'password' }, { origin: c.url, agentId: '101', kind: 'password' }] });
    for (const key of SETTINGS) await set(key, undefined);
    await Promise.all([a, b, c].map((s) => s.stop()));
  });

  it('all three polled, each with its own credential; a row per gateway with its state and totals, hierarchical ids', async () => {
    const aName = new URL(a.url).host;
    await until('three gateways', () => api.gateways.list.length === 3);
    assert.deepEqual(api.gateways.list.map((u) => u.name), [aName, 'Site B', 'Site C']);
    assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', { gateway: aName, guid: a.guid }), true);
    assert.equal(await vscode.commands.executeCommand('ccGateway.signIn', { gateway: 'Site B', agentId: '101', password: PASSWORD }), true);
    assert.equal(await vscode.commands.executeCommand('ccGateway.signIn', { gateway: 'https://' + new URL(c.url).host, agentId: '101', password: PASSWORD }), true);
    await until('numbers from all three', () => api.gateways.list.every((u) => u.monitor.core.store.get('101')?.state === 'ok'));
    assert.deepEqual(api.gateways.list.map((u) => u.monitor.core.store.get('101')?.stats?.answernums), [1, 22, 333], 'each gateway shows its own simulator’s numbers');
    for (const [sim, others] of [[a, [b, c]], [b, [a, c]], [c, [a, b]]] as const) {
      for (const g of sim.stats.guidsSeen) for (const o of others) assert.ok(!o.stats.guidsSeen.has(g), 'no Guid of one gateway reached another');
    }
    const rows = await until('gateway rows with totals', () => {
      const r = rootRows();
      return r.length === 3 && String(r[2].description).includes('↓333') && r[2].description;
    });
    assert.ok(rows);
    const [ra, rb, rc] = rootRows();
    assert.deepEqual([ra.id, rb.id, rc.id], ['gateway:settings', 'gateway:gateway:site b', 'gateway:gateway:site c']);
    assert.match(String(rb.description), /↓22 ↑2 · signed in as 101/);
    assert.match(String(rb.accessibilityInformation?.label), /Gateway Site B, signed in as 101, .*22 answered, 2 outbound/);
    const underB = api.fleetTree.getChildren(api.fleetTree.getChildren()[1]).map((n) => api.fleetTree.getTreeItem(n).id);
    assert.ok(underB.includes('gateway:gateway:site b/agent:101') && underB.includes('gateway:gateway:site b/session:101'), JSON.stringify(underB));
    const underC = api.fleetTree.getChildren(api.fleetTree.getChildren()[2]).map((n) => api.fleetTree.getTreeItem(n).id);
    assert.ok(underC.includes('gateway:gateway:site c/agent:101'), 'agent 101 on two gateways: two ids');
    await until('status bar sums all gateways', () => api.statusBar.snapshot.text.includes(`↓${1 + 22 + 333} `) && api.statusBar.snapshot.text);
    assert.match(String(api.statusBar.snapshot.label), /3 gateways: .*Site B: signed in as 101 · 22 answered/);
  });

  it('one company CA: a listed gateway without its own tls.caFile is trusted through ccGateway.tls.caFile; each names its own setting', async () => {
    const [ua, ub, uc] = [unit(new URL(a.url).host), unit('Site B'), unit('Site C')];
    assert.deepEqual([ua, ub, uc].map((u) => [u.monitor.settings.caFile, u.monitor.settings.caFileSetting]), [
      [a.caFile, 'ccGateway.tls.caFile'],
      [b.caFile, 'ccGateway.gateways › Site B › tls.caFile'],
      [a.caFile, 'ccGateway.tls.caFile'],
    ]);
    await until('Site C polled', () => uc.monitor.core.store.get('101')?.state === 'ok');
    assert.equal(uc.monitor.core.refusedCertificate, undefined);
    assert.ok(c.stats.requests > 0);
  });

  it('a script whose query fails gets the reason as a rejection, not undefined', async () => {
    a.setFault({ kind: 'retcode', retcode: '000-002' }, '4242');
    try {
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('ccGateway.queryAgent', { gateway: new URL(a.url).host, agentId: '4242' })), (e: Error & { kind?: string }) => {
        assert.equal(e.message, 'Agent 4242: The gateway rejected the request as invalid (000-002): check agent ID 4242 and the gateway URL.');
        assert.equal(e.kind, 'invalid-request');
        return true;
      });
    } finally {
      a.setFault(undefined, '4242');
    }
  });

  it('queryAgent { gateway, agentId } answers from that gateway', async () => {
    const fromC = await vscode.commands.executeCommand<{ answernums: number }>('ccGateway.queryAgent', { gateway: 'site c', agentId: '101' });
    assert.equal(fromC?.answernums, 333);
    const fromB = await vscode.commands.executeCommand<{ answernums: number }>('ccGateway.queryAgent', { gateway: 'Site B', agentId: '101' });
    assert.equal(fromB?.answernums, 22);
    const none = await vscode.commands.executeCommand('ccGateway.queryAgent', { gateway: 'Site Z', agentId: '101' });
    assert.equal(none, undefined, 'an unknown gateway is refused, not guessed');
    // The row actions take the same script form: the gateway picks the unit, the agent ID the row.
    const now = await vscode.commands.executeCommand<{ answernums: number }>('ccGateway.queryNow', { gateway: 'Site B', agentId: '101' });
    assert.equal(now?.answernums, 22, 'Query Now { gateway, agentId } answers from that gateway');
  });

  it('Show Trend for all gateways together: one chart over every gateway’s agents (101 on two gateways counted apart)', async () => {
    const before = api.gateways.list.map((u) => u.monitor.core.store.get('101')?.stats?.answernums ?? 0);
    a.simulateCall('101', { talkSeconds: 30 });
    c.simulateCall('101', { talkSeconds: 60 });
    await vscode.commands.executeCommand('ccGateway.refresh');
    await until('the calls on the rows', () => api.gateways.list[0].monitor.core.store.get('101')?.stats?.answernums === before[0] + 1 && api.gateways.list[2].monitor.core.store.get('101')?.stats?.answernums === before[2] + 1);
    await api.supervisor.history.flush();
    assert.deepEqual(await vscode.commands.executeCommand('ccGateway.showTrend', { allGateways: true }), { kind: 'total' });
    const data = await until('the chart of all gateways', () => api.supervisor.allGatewaysTrends?.lastData.get('total'));
    const sum = (xs: number[]) => xs.reduce((x, y) => x + y, 0);
    assert.equal(sum(data.answered), 2, 'one call on A and one on C since the first records');
    assert.equal(data.talkCumulative[data.talkCumulative.length - 1], 90);
    assert.match(data.title, /all gateways/);
  });

  it('one gateway hangs, another refuses the Guid: the third stays fresh and its row says nothing is wrong', async () => {
    const cUnit = unit('Site C');
    b.setFault({ kind: 'hang' });
    a.rotateGuid();
    await vscode.commands.executeCommand('ccGateway.refresh');
    await until('A refused', () => unit(new URL(a.url).host).monitor.core.refusedCredentials.length > 0);
    await until('B not current', () => unit('Site B').monitor.core.store.get('101')?.state !== 'ok');
    const before = cUnit.monitor.core.store.get('101')?.fetchedAt ?? 0;
    const answered = c.counters('101').answernums + 1;
    c.simulateCall('101', { talkSeconds: 30 });
    await until('C numbers moved on', () => (cUnit.monitor.core.store.get('101')?.fetchedAt ?? 0) > before && cUnit.monitor.core.store.get('101')?.stats?.answernums === answered);
    const [ra, rb, rc] = rootRows();
    assert.match(String(ra.description), /Guid refused/);
    assert.match(`${String(rb.description)} ${String(rb.accessibilityInformation?.label)}`, /unreachable|as of|not current/);
    assert.doesNotMatch(`${String(rc.description)} ${String(rc.accessibilityInformation?.label)}`, /unreachable|as of|not current|refused|stale/);
    assert.equal((rc.iconPath as vscode.ThemeIcon).id, 'pass');
    b.setFault(undefined);
    assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', { gateway: new URL(a.url).host, guid: a.guid }), true);
    await until('all fresh again', () => api.gateways.list.every((u) => u.monitor.core.store.get('101')?.state === 'ok'));
  });

  it('removing a gateway signs out only its sessions and leaves the others’ units, sessions and numbers untouched', async () => {
    const [ua, uc] = [unit(new URL(a.url).host), unit('Site C')];
    const connections = [ua.monitor.core.connection, uc.monitor.core.connection];
    const signOuts = { b: b.sessions.stats.signOuts.length, c: c.sessions.stats.signOuts.length };
    await set('gateways', listed().filter((g) => g.name !== 'Site B'));
    await until('two gateways', () => api.gateways.list.length === 2);
    await until('B signed out', () => b.sessions.stats.signOuts.length === signOuts.b + 1);
    await sleep(500);
    assert.equal(c.sessions.stats.signOuts.length, signOuts.c, 'C was not signed out');
    assert.equal(unit(new URL(a.url).host), ua, 'A kept its unit');
    assert.equal(unit('Site C'), uc, 'C kept its unit');
    assert.deepEqual([ua.monitor.core.connection, uc.monitor.core.connection], connections, 'and their connections');
    assert.equal(uc.monitor.core.sessions.get('101')?.kind, 'signed-in');
    const requests = b.stats.requests;
    await sleep(2000);
    assert.equal(b.stats.requests, requests, 'nothing more to the removed gateway');
    // Back to one gateway: the tree looks as it did before (no gateway row, today's ids).
    await set('gateways', undefined);
    await until('one gateway', () => api.gateways.list.length === 1);
    await until('flat rows again', () => rootRows().some((i) => i.id === 'agent:101'));
  });
});
