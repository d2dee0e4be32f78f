// A queue's agents in a real extension host against the simulator's center: three queues,
// agents joining and leaving; the rows under each queue follow within one interval, from
// exactly one agentbyskill per watched queue per interval, with no agentbyworkno for queue
// agents and never more than 5 requests of one {agentid} in 2 s. Named to sort before
// extension.test.ts, whose last test disposes the monitor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/activate';
import type { QueueTreeNode } from '../../src/extension/ui/trees/queuesTreeProvider';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { sleep, until as waitUntil } from '../support/wait';
import { set } from '../support/userSettings';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
const PASSWORD = process.env.CCGW_TEST_PASSWORD || 'Test@Pass-1';
const SETTINGS = ['gatewayUrl', 'agents', 'tls.caFile', 'pollIntervalSeconds', 'queues', 'teams', 'queueAgents', 'view.sideBarWidth'];
const INTERVAL_S = 5;

describe('Queues view: a queue\'s agents', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let sim: Simulator;
  const queueRows = () => api.queuesTree.getChildren().filter((n: QueueTreeNode) => n.type === 'queue');
  const agentRows = (queueId: number) => {
    const node = queueRows().find((n) => n.type === 'queue' && n.queueId === queueId);
    return node ? api.queuesTree.getChildren(node).map((n) => ({ node: n, item: api.queuesTree.getTreeItem(n) })) : [];
  };
  /** "201 idle 0:05" per agent row, in the view's order. */
  const shown = (queueId: number) => agentRows(queueId).filter((r) => r.node.type === 'queueAgent').map((r) => `${r.item.label as string}:${String(r.item.description).split(' ')[0]}`).join(',');
  const expected = (queueId: number) => sim.center.agentsOf(queueId).sort((a, b) => Number(a) - Number(b)).map((a) => `${a}:${({ idle: 'idle', talking: 'talking', rest: 'rest', busy: 'busy', wrapUp: 'wrap-up', signedOut: 'signed' })[sim.center.state(a)]}`).join(',');
  const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000) =>
    waitUntil(what, probe, { timeoutMs, everyMs: 50, diagnostics: () => JSON.stringify({ queues: api.monitor.queues.viewState, rows: [1, 2, 3].map((q) => [shown(q), expected(q)]) }) });

  before(async () => {
    sim = await startSimulator({ auth: { mode: 1, defaultPassword: PASSWORD, eventHoldMs: 1000 }, overloadControl: true, seed: 9 });
    sim.queues.setQueues([
      { id: 1, name: 'Billing', members: ['201', '202', '203', '204'] },
      { id: 2, name: 'Sales', members: ['204', '205', '206'] },
      { id: 3, name: 'Support', members: ['207', '208', '209'] },
    ]);
    for (let a = 201; a <= 210; a++) sim.center.enrol(String(a));
    sim.agentStates.set('202', 'talking');
    sim.agentStates.set('205', 'rest');
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    api = (await ext.activate())!;
    await set('tls.caFile', sim.caFile);
    await set('gatewayUrl', sim.url);
    await set('agents', ['101']);
    await set('queues', [1, 2, 3]);
    await set('pollIntervalSeconds', INTERVAL_S);
    // Wide enough for a queue row's counts by state (at the default 300 px they give way to the name; the UI tests check that width).
    await set('view.sideBarWidth', 600);
    await vscode.commands.executeCommand('ccGateway.queues.focus');
  });

  after(async () => {
    await vscode.commands.executeCommand('ccGateway.signOut', '101').then(undefined, () => undefined);
    for (const key of SETTINGS) await set(key, undefined);
    await sim.stop();
  });

  it('signed in: each queue opens to its agents with state and time in state; the row counts them by state', async () => {
    assert.equal(await vscode.commands.executeCommand('ccGateway.signIn', { agentId: '101', password: PASSWORD }), true);
    await until('three queues with their agents', () => [1, 2, 3].every((q) => shown(q) !== '' && shown(q) === expected(q)));
    assert.equal(shown(1), '201:idle,202:talking,203:idle,204:idle');
    const billing = api.queuesTree.getTreeItem(queueRows()[0]);
    assert.equal(billing.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    // Fitted to 300 px: the most frequent state always, the others while they fit, "+N" for the rest.
    assert.match(String(billing.description), /^0 waiting · 0:00 · (1 talking · 3 idle|3 idle \+1)$/);
    assert.match(billing.accessibilityInformation!.label, /agents: 1 talking, 3 idle/);
    const talking = agentRows(1).find((r) => r.item.label === '202')!.item;
    assert.match(String(talking.description), /^talking \d:\d\d$/);
    assert.match(String(talking.accessibilityInformation!.label), /^Agent 202, talking for \d:\d\d$/);
  });

  it('agents joining and leaving: the rows follow within one interval, from one agentbyskill per queue per interval', async () => {
    const from = sim.queues.skillLog.length;
    const changedAt = Date.now();
    sim.center.move('206', 3, 2); // Sales → Support
    sim.signOut('203'); // leaves Billing
    sim.center.move('210', 1); // joins Billing
    await until('rows follow', () => [1, 2, 3].every((q) => shown(q) === expected(q)) && shown(3).includes('206') && !shown(1).includes('203'), (INTERVAL_S + 4) * 1000);
    const took = Date.now() - changedAt;
    assert.ok(took <= (INTERVAL_S + 4) * 1000, `rows followed after ${took} ms`);
    assert.equal(shown(2), '204:idle,205:rest');
    await sleep(INTERVAL_S * 2000 + 1000);
    const log = sim.queues.skillLog.slice(from);
    for (const q of [1, 2, 3]) {
      const times = log.filter((e) => e.skill === q).map((e) => e.at);
      assert.ok(times.length >= 2 && times.length <= 4, `queue ${q}: ${times.length} agentbyskill in ${Math.round((Date.now() - changedAt) / 1000)} s at ${INTERVAL_S} s`);
      for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= INTERVAL_S * 1000 - 100, `queue ${q}: two agentbyskill ${times[i] - times[i - 1]} ms apart`);
    }
    assert.ok(log.every((e) => e.agent === '101'), 'asked as the signed-in agent');
    const perAgent = [...sim.stats.byPath.keys()].filter((p) => /\/agentbyworkno\/2\d\d$/.test(p));
    assert.deepEqual(perAgent, [], 'no agentbyworkno for queue agents');
    const worst = sim.queues.maxInWindow(2000);
    assert.ok(worst.count <= 5, `agent ${worst.agent}: ${worst.count} requests within 2 s`);
    assert.equal(sim.queues.overloadAnswers, 0);
  });

  it('Add Agent on a queue\'s agent row watches it; Add to Team… puts a queue agent in a team', async () => {
    const row = agentRows(3).find((r) => r.item.label === '207')!;
    assert.equal(row.item.contextValue, 'queueAgent');
    assert.equal(await vscode.commands.executeCommand('ccGateway.addAgent', row.node), true);
    await until('207 watched', () => api.monitor.settings.agents.includes('207' as never));
    await until('its row says watched', () => agentRows(3).find((r) => r.item.label === '207')?.item.contextValue === 'queueAgent.watched');
    const row208 = agentRows(3).find((r) => r.item.label === '208')!;
    // From a row the command asks for the team in a picker; a script names it.
    await vscode.commands.executeCommand('ccGateway.addToTeam', { agentIds: [(row208.node as { agentId: string }).agentId], team: 'Support desk' });
    await until('208 in the team', () => api.monitor.settings.teams.some((t) => t.name === 'Support desk' && t.agents.includes('208' as never)));
  });

  it('gateway outage: a queue\'s agent rows say "not current" with the agent rows\' words and icon, the tooltip says so first in plain words; current again when the gateway answers', async () => {
    const queueAgents = () => agentRows(1).filter((r) => r.node.type === 'queueAgent').map((r) => r.item);
    const STATE = /^(idle|talking|busy|rest|wrap-up|signed out)\b/;
    await until('Billing\'s agent rows current', () => queueAgents().length > 0 && queueAgents().every((i) => STATE.test(String(i.description))));
    await sim.stop();
    // Agent 101's row, at the top or in a team (the test before made one).
    const agentRow = () => {
      const top = api.tree.getChildren();
      const node = [...top, ...top.filter((n) => n.type === 'team').flatMap((n) => api.tree.getChildren(n))].find((n) => n.type === 'agent' && n.agentId === '101');
      assert.ok(node, 'agent row 101');
      return api.tree.getTreeItem(node);
    };
    await until('agent row 101 not current', () => /not current/.test(agentRow().accessibilityInformation?.label ?? ''), 20_000);
    // The queue's agent rows say it at once too (from the gateway's status model), not only after the queue's own read failed.
    const rows = queueAgents();
    assert.ok(rows.length > 0);
    const agentIcon = (agentRow().iconPath as vscode.ThemeIcon).id;
    for (const item of rows) {
      const shown = JSON.stringify({ description: item.description, tooltip: item.tooltip, label: item.accessibilityInformation?.label });
      assert.match(String(item.description), /^as of \d/, `row ${item.label as string} during the outage: ${shown}`);
      assert.doesNotMatch(String(item.description), STATE, `no state shown as if it were now: ${shown}`);
      assert.equal((item.iconPath as vscode.ThemeIcon).id, agentIcon, `the agent rows' icon: ${shown}`);
      assert.match(item.accessibilityInformation!.label, /not current: gateway not answering, as of \d/, shown);
      const lines = (item.tooltip as string).split('\n');
      assert.equal(lines[0], 'Not current: the gateway does not answer. The extension keeps trying by itself; nothing to do.', shown);
      assert.match(lines[2], /^Last read: \S+/, shown);
      assert.doesNotMatch(lines.slice(0, -1).join('\n'), /E[A-Z]{4,}|\d{3}-\d{3}/, `codes only on the Details line: ${shown}`);
    }
    await sim.resume();
    await until('current again', () => queueAgents().length > 0 && queueAgents().every((i) => STATE.test(String(i.description))), 30_000);
  });

  it('an answer cut at the gateway\'s limit: the queue row says in words that more may be signed in, and that nothing needs doing', async () => {
    const extra = Array.from({ length: 500 }, (_, i) => String(3000 + i));
    for (const a of extra) sim.center.move(a, 3);
    try {
      await until('Support lists as many agents as the gateway gives at once', () => agentRows(3).filter((r) => r.node.type === 'queueAgent').length === 500, (INTERVAL_S + 10) * 1000);
      const support = api.queuesTree.getTreeItem(queueRows().find((n) => n.type === 'queue' && n.queueId === 3)!);
      const label = support.accessibilityInformation!.label;
      assert.match(label, /The gateway lists at most 500 agents of a queue at once: more may be signed in than these 500, and the counts by state are of these\. Nothing to do\./, label);
      assert.match((support.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' '), /lists at most 500 agents of a queue at once/);
    } finally {
      for (const a of extra) sim.center.move(a, undefined, 3);
    }
    await until('Support back to its own agents', () => agentRows(3).filter((r) => r.node.type === 'queueAgent').length < 10, (INTERVAL_S + 10) * 1000);
  });

  it('"opened" mode: no agentbyskill for closed queues; honest words when the gateway refuses', async () => {
    await set('queueAgents', 'opened');
    await sleep(INTERVAL_S * 1000 + 1000);
    const from = sim.queues.skillLog.length;
    await sleep(INTERVAL_S * 2000);
    assert.equal(sim.queues.skillLog.length, from, 'none while every queue is closed');
    await set('queueAgents', undefined);
    sim.agentStates.noInboundRight.add('101');
    await until('the refusal on the rows', () => agentRows(1)[0]?.item.label === 'Agents not shown: this agent may not list them');
    assert.match(agentRows(1)[0].item.tooltip as string, /right to answer inbound calls/);
    assert.match(String(api.queuesTree.getTreeItem(queueRows()[0]).description), /^\d+ waiting · \d:\d\d · \d+\/\d+/, 'the numbers go on, as free/signed-in');
    sim.agentStates.noInboundRight.delete('101');
  });
});
