// The Queues view in a real extension host against the simulator. Named to sort
// before extension.test.ts, whose last test disposes the monitor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/activate';
import type { QueueTreeNode } from '../../src/extension/ui/trees/queuesTreeProvider';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { credentialsIn } from '../support/webviewCredentials';
import { sleep, until as waitUntil } from '../support/wait';
import { set } from '../support/userSettings';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
const PASSWORD = process.env.CCGW_TEST_PASSWORD || 'Test@Pass-1';
const SETTINGS = ['gatewayUrl', 'agents', 'tls.caFile', 'pollIntervalSeconds', 'queues', 'thresholds.queueWaitingCalls', 'statusBar.enabled', 'queueAgents'];

describe('Queues view', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let sim: Simulator;
  const rows = () => api.queuesTree.getChildren().map((n: QueueTreeNode) => ({ node: n, item: api.queuesTree.getTreeItem(n) }));
  const queueRequests = () => [...sim.stats.byPath].filter(([p]) => p.includes('/queuedevice/')).reduce((n, [, c]) => n + c, 0);
  const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000) =>
    waitUntil(what, probe, { timeoutMs, everyMs: 50, diagnostics: () => JSON.stringify({ view: api.monitor.core.viewState, queues: api.monitor.queues.viewState, rows: rows().map((r) => [r.item.label, r.item.description]), sessions: [...api.monitor.core.sessions] }) });

  before(async () => {
    sim = await startSimulator({ auth: { mode: 1, defaultPassword: PASSWORD, eventHoldMs: 1000 }, overloadControl: true });
    sim.queues.setWaiting(1, 4, 95);
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    api = (await ext.activate())!;
    await set('tls.caFile', sim.caFile);
    await set('gatewayUrl', sim.url);
    await set('agents', ['101']);
    await set('pollIntervalSeconds', 5);
    // The queues' agents are agentsQueueAgents.test.ts's subject: here the rows keep free/signed-in.
    await set('queueAgents', 'opened');
    await vscode.commands.executeCommand('ccGateway.agents.focus');
  });

  after(async () => {
    await vscode.commands.executeCommand('ccGateway.signOut', '101').then(undefined, () => undefined);
    await vscode.commands.executeCommand('ccGateway.clearGuid').then(undefined, () => undefined);
    for (const key of SETTINGS) await set(key, undefined);
    await sim.stop();
  });

  it('a pasted Guid only: numbers for the agents, "Sign in to see queues" for the queues, and no queue request', async () => {
    assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', sim.guid), true);
    await until('agent numbers', () => api.monitor.core.store.get('101')?.state === 'ok');
    await until('the sign-in hint', () => rows().length === 1 && rows()[0].item.label === 'Sign in to see queues');
    assert.equal(rows()[0].item.command?.command, 'ccGateway.signIn');
    await vscode.commands.executeCommand('ccGateway.refresh');
    await sleep(1000);
    assert.equal(queueRequests(), 0, 'nothing asked without a signed-in session');
  });

  it('signed in: one row per real queue with calls waiting, the longest wait, free/signed-in agents, in words for screen readers', async () => {
    assert.equal(await vscode.commands.executeCommand('ccGateway.signIn', { agentId: '101', password: PASSWORD }), true);
    await until('three queue rows with numbers', () => rows().length === 3 && api.monitor.queues.all().every((e) => e.state === 'ok'));
    const [billing, sales, tech] = rows().map((r) => r.item);
    assert.deepEqual([billing.label, sales.label, tech.label], ['Billing', 'Sales', 'Technical support']);
    assert.match(String(billing.description), /^4 waiting · \d:\d\d · \d+\/\d+$/);
    assert.match(billing.accessibilityInformation!.label, /^Queue Billing, 4 calls waiting, longest wait \d:\d\d, \d+ of \d+ signed-in agents available$/);
    assert.equal(billing.contextValue, 'queue.ok');
    const paths = [...sim.stats.byPath.keys()].filter((p) => p.includes('/queuedevice/'));
    assert.ok(paths.length > 0 && paths.every((p) => p.startsWith('/agentgateway/resource/queuedevice/101/')), `asked as the session's agent: ${paths.join(', ')}`);
  });

  it('queryacdstat at most once per poll interval, with the session\'s agent in the path', async () => {
    const from = sim.queues.acdLog.length;
    await sleep(11_000);
    const log = sim.queues.acdLog.slice(from);
    assert.ok(log.length >= 1 && log.length <= 3, `${log.length} queue queries in 11 s at 5 s`);
    for (let i = 1; i < log.length; i++) assert.ok(log[i].at - log[i - 1].at >= 4_900, `two queue queries ${log[i].at - log[i - 1].at} ms apart`);
    assert.ok(log.every((e) => e.agent === '101'));
    assert.equal(sim.queues.overloadAnswers, 0);
  });

  it('a queue over the waiting-calls threshold gets a warning icon and counts in the status bar', async () => {
    await set('thresholds.queueWaitingCalls', 3);
    await until('warning icon on Billing', () => (rows()[0]?.item.iconPath as vscode.ThemeIcon | undefined)?.id === 'warning');
    assert.notEqual((rows()[1].item.iconPath as vscode.ThemeIcon).id, 'warning');
    await until('status bar counts it', () => api.statusBar.attentionCount >= 1 && /\b\d+ waiting · ↓/.test(api.statusBar.snapshot.text));
    assert.match(api.statusBar.snapshot.label ?? '', /calls waiting in 3 queues, longest wait/);
    await set('thresholds.queueWaitingCalls', undefined);
  });

  it('none while paused, none while nothing shows the numbers', async () => {
    await vscode.commands.executeCommand('ccGateway.pausePolling');
    let before = queueRequests();
    await sleep(6_000);
    assert.equal(queueRequests(), before, 'paused');
    await vscode.commands.executeCommand('ccGateway.resumePolling');
    await until('a queue query on resume', () => queueRequests() > before);

    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await set('statusBar.enabled', false);
    await until('status bar hidden', () => !api.statusBar.snapshot.visible);
    await sleep(200);
    before = queueRequests();
    await vscode.commands.executeCommand('ccGateway.refresh');
    await sleep(6_000);
    assert.equal(queueRequests(), before, 'nothing shows the numbers');
    await set('statusBar.enabled', undefined);
    await until('caught up when the status bar came back', () => queueRequests() > before);
    await vscode.commands.executeCommand('ccGateway.agents.focus');
  });

  it('Show Trend on a queue charts its calls waiting and longest wait from the day\'s history', async () => {
    const target = await vscode.commands.executeCommand('ccGateway.showTrend', rows()[0].node);
    assert.deepEqual(target, { kind: 'queue', queueId: 1 });
    const data = await api.supervisor.trends.data({ kind: 'queue', queueId: 1 });
    assert.equal(data.title, 'Trend: queue Billing');
    assert.ok(data.queue && data.buckets.length >= 1, JSON.stringify(data));
    assert.ok(Math.max(...data.queue.waitingMax) >= 4, JSON.stringify(data.queue));
    // The page's HTML carries no data; the numbers go by message: everything handed to the page is searched.
    await until('the queue chart was sent its numbers', () => api.webviews!.sent.some((x) => x.kind === 'message' && x.text.includes('waitingMax')));
    assert.deepEqual(credentialsIn(api.webviews!.sent, [sim.guid, ...sim.sessions.stats.issued]), [], 'no Guid handed to the page or its messages');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('ccGateway.queues picks the queues; Watch Queues with a list writes it', async () => {
    assert.deepEqual(await vscode.commands.executeCommand('ccGateway.watchQueues', [2, 77]), [2, 77]);
    await until('two rows: Sales and an unknown queue', () => rows().length === 2 && rows()[1].item.contextValue === 'queue.missing');
    assert.equal(rows()[0].item.label, 'Sales');
    assert.equal(rows()[1].item.label, 'Queue 77');
    await set('queues', undefined);
    await until('every real queue again', () => rows().length === 3);
  });
});
