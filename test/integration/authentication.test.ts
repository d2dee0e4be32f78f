// Signing in from VS Code against a dynamically authenticating simulator (a new Guid every 1.5 s),
// in a real extension host. Runs before extension.test.ts, whose last test disposes the monitor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/activate';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { sleep, until as waitUntil } from '../support/wait';
import { set } from '../support/userSettings';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
/** The harness's throwaway password: the leak check looks for it in every file the run leaves. */
const PASSWORD = process.env.CCGW_TEST_PASSWORD || 'Test@Pass-1';

describe('signing in from VS Code (dynamic authentication)', function () {
  this.timeout(120_000);
  let api: ExtensionApi;
  let sim: Simulator;
  const until = <T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000) =>
    waitUntil(what, probe, { timeoutMs, everyMs: 50, diagnostics: () => JSON.stringify({ view: api.monitor.core.viewState, sessions: [...api.monitor.core.sessions], rows: api.monitor.core.store.all().map((e) => [e.agentId, e.state, e.error?.message]) }) });

  before(async () => {
    sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: 1500, graceMs: 1500, eventHoldMs: 1000, defaultPassword: PASSWORD, passwords: { '103': `${PASSWORD}-other` } } });
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    api = (await ext.activate())!;
    await set('tls.caFile', sim.caFile);
    await set('gatewayUrl', sim.url);
    await set('agents', ['101', '102']);
    await set('pollIntervalSeconds', 5);
  });

  after(async () => {
    await vscode.commands.executeCommand('ccGateway.signOut', '101').then(undefined, () => undefined);
    for (const key of ['gatewayUrl', 'agents', 'tls.caFile', 'pollIntervalSeconds']) await set(key, undefined);
    await sim.stop();
  });

  it('without a Guid the view offers Sign In', async () => {
    await until('noGuid', () => api.monitor.core.viewState === 'noGuid');
  });

  it('Sign In with the script argument signs in without taking calls; rows stay fresh across 10 Guid rotations, never "Guid refused"', async () => {
    assert.equal(await vscode.commands.executeCommand('ccGateway.signIn', { agentId: '101', password: PASSWORD }), true);
    const signIn = sim.sessions.stats.signIns[0];
    assert.equal(signIn.variant, 'loginex', 'the sign-in that occupies no licence');
    assert.deepEqual([signIn.body.status, signIn.body.autoanswer], [3, false], 'busy, auto-answer off');
    await until('ready with numbers', () => api.monitor.core.viewState === 'ready' && api.monitor.core.store.all().every((e) => e.state === 'ok'));

    const problems: string[] = [];
    const watch = [
      api.monitor.core.onDidChangeAuth(() => api.monitor.core.refusedCredentials.length > 0 && problems.push(`banner: ${JSON.stringify(api.monitor.core.refusedCredentials)}`)),
      api.monitor.core.store.onDidChange(() => {
        for (const e of api.monitor.core.store.all()) if (e.state !== 'ok') problems.push(`${e.agentId} ${e.state}: ${e.error?.message}`);
      }),
    ];
    try {
      const issued = sim.sessions.stats.guidsIssued;
      let calls = 0;
      while (sim.sessions.stats.guidsIssued < issued + 10) {
        sim.simulateCall('102', { talkSeconds: 3 });
        calls++;
        await sleep(1500);
      }
      const expected = sim.counters('102').talktime;
      await vscode.commands.executeCommand('ccGateway.refresh');
      await until('the latest numbers after 10 rotations', () => api.monitor.core.store.get('102')?.stats?.talktime === expected);
      console.log(`[integration] ${sim.sessions.stats.guidsIssued - issued} rotations, ${calls} calls, ${sim.stats.byPath.get('/agentgateway/resource/calldata/102/statisticsEx') ?? 0} polls of 102`);
    } finally {
      for (const w of watch) w.dispose();
    }
    assert.deepEqual(problems, [], 'no row ever stale or refused, no "Guid refused" banner');
    assert.equal(sim.sessions.stats.signIns.length, 1, 'one sign-in for the whole time');
    assert.equal(sim.sessions.stats.maxEventPollsInFlight.get('101'), 1, 'one event poll at a time');
    assert.equal(api.monitor.core.sessions.get('101')?.kind, 'signed-in');
    const all = JSON.stringify(vscode.workspace.getConfiguration().get('ccGateway'));
    assert.ok(!all.includes(PASSWORD), 'the password is in no setting');
  });

  it('an outage while signed in: the session row says reconnecting, the status bar is marked without a warning colour; back: numbers fresh and no notification', async () => {
    const toasts = api.notifier.count();
    const sessionRow = () => api.tree.getChildren().map((n) => api.tree.getTreeItem(n)).find((i) => i.id === 'session:101');
    await sim.stop();
    try {
      await vscode.commands.executeCommand('ccGateway.refresh');
      await until('rows stale on the network', () => api.monitor.core.store.all().every((e) => e.state === 'stale' && e.error?.kind === 'network'));
      await until('the session row says reconnecting', () => sessionRow()?.label === 'Reconnecting as 101…');
      // The time goes in the description when it fits the row; the words always say it.
      assert.match(String(sessionRow()?.accessibilityInformation?.label), /^Reconnecting as 101…, no answer since /);
      await until('status bar marked', () => api.statusBar.snapshot.text.startsWith('$(history) '));
      assert.equal(api.statusBar.snapshot.warning, false);
    } finally {
      await sim.restart({ forgetSessions: true });
    }
    // The restarted gateway forgot the session (its Guid is refused): the session signs in again by itself.
    await vscode.commands.executeCommand('ccGateway.refresh');
    await until('numbers back', () => api.monitor.core.store.all().every((e) => e.state === 'ok'), 60_000);
    await until('the session row signed in', () => sessionRow()?.label === 'Signed in as 101', 60_000);
    await until('no refusal left', () => api.monitor.core.refusedCredentials.length === 0, 30_000);
    assert.equal(api.notifier.count() - toasts, 0, 'nothing to act on was shown: no notification naming the Guid');
  });

  it('a wrong password gives one message and no second sign-in request', async () => {
    const before = sim.sessions.stats.signIns.length;
    const toasts = api.notifier.count();
    assert.equal(await vscode.commands.executeCommand('ccGateway.signIn', { agentId: '103', password: PASSWORD }), false);
    await sleep(3000);
    const attempts = sim.sessions.stats.signIns.slice(before);
    assert.deepEqual(attempts.map((a) => [a.agentId, a.retcode]), [['103', '100-004']], 'exactly one request, refused');
    assert.equal(api.notifier.count() - toasts, 0, 'no background notification on top of the command’s own message');
    const status = api.monitor.core.sessions.get('103');
    assert.equal(status?.kind === 'stopped' && status.failure, 'credentials');
  });

  it('Manage Credentials lists the stored password by agent (never its value) and removes it; a refused password was not kept', async () => {
    let listed: string[] = [];
    const sub = api.credentialPicker((qp) => {
      listed = qp.items.map((i) => i.label);
      qp.hide();
    });
    try {
      await vscode.commands.executeCommand('ccGateway.manageCredentials');
    } finally {
      sub.dispose();
    }
    assert.ok(listed.some((l) => l.includes('101')), `the password of 101 is listed: ${JSON.stringify(listed)}`);
    assert.ok(!listed.some((l) => l.includes('103')), 'the refused password of 103 was removed');
    assert.ok(!JSON.stringify(listed).includes(PASSWORD), 'never the value');
    const remove = { remove: [{ kind: 'password', origin: sim.url, agentId: '101' }] };
    assert.equal(await vscode.commands.executeCommand('ccGateway.manageCredentials', remove), 1);
    assert.equal(await vscode.commands.executeCommand('ccGateway.manageCredentials', remove), 0, 'gone');
  });

  it('Sign Out sends the logout and ends the event polling', async () => {
    assert.equal(await vscode.commands.executeCommand('ccGateway.signOut', '101'), true);
    assert.deepEqual(sim.sessions.stats.signOuts, ['101']);
    const polls = () => sim.stats.byPath.get('/agentgateway/resource/agentevent/101') ?? 0;
    const n = polls();
    await sleep(2500);
    assert.equal(polls(), n, 'no event poll after the sign-out');
    assert.equal(api.monitor.core.sessions.has('101'), false);
    // A deliberate Sign Out is nothing to warn about.
    await until('status bar says signed out', () => api.statusBar.snapshot.text === '$(account) CC-Gateway: signed out');
    assert.equal(api.statusBar.snapshot.warning, false, 'no warning colour after a deliberate Sign Out');
  });
});
