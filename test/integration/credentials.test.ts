// Manage Credentials… (which Guids are stored, per gateway origin, never their values; remove
// the ones picked) and the "No Guid is stored" notification, which only a hidden view needs.
// Runs before extension.test.ts and leaves no Guid, setting or simulator behind.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { CredentialPickItem } from '../../src/extension/ui/commands/manageCredentials';
import type { ExtensionApi } from '../../src/extension/activate';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { sleep, until } from '../support/wait';
import { set } from '../support/userSettings';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';

describe('stored credentials', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  const sims: Simulator[] = [];
  const agentGuid = `${'7'.repeat(8)}-agent-102.AgentGateway1`;

  /** Points the extension at `sim` (its CA trusted through caFile) and waits until it took effect. */
  const useGateway = async (sim: Simulator | undefined) => {
    if (sim) await set('tls.caFile', sim.caFile);
    await set('gatewayUrl', sim?.url);
    await until('the gateway setting applied', () => api.monitor.settings.origin === (sim ? new URL(sim.url).origin : undefined), { timeoutMs: 10_000, everyMs: 50 });
  };

  before(async () => {
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    api = (await ext.activate())!;
    assert.ok(api, 'the test hooks are on for this suite');
    for (let i = 0; i < 4; i++) sims.push(await startSimulator());
    await set('agents', ['101', '102']);
  });

  after(async () => {
    await vscode.commands.executeCommand('ccGateway.manageCredentials', { remove: sims.flatMap((s) => [{ origin: s.url }, { origin: s.url, agentId: '102' }]) });
    for (const key of ['gatewayUrl', 'agents', 'tls.caFile']) await set(key, undefined);
    await vscode.commands.executeCommand('ccGateway.agents.focus');
    for (const s of sims) await s.stop();
  });

  it('Manage Credentials lists the Guids per gateway origin, never their values, and removes the ones picked', async () => {
    const [a, b] = sims;
    const [originA, originB] = [a, b].map((s) => new URL(s.url).origin);
    await useGateway(a);
    assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', a.guid), true);
    assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', { agentId: '102', guid: agentGuid }), true);
    await useGateway(b);
    assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', b.guid), true);
    await useGateway(a); // B's Guid is now known only from the (non-secret) index of origins

    // The command without an argument opens the picker; the test drives the real one.
    const shown = new Promise<vscode.QuickPick<CredentialPickItem>>((resolve) => {
      const listener = api.credentialPicker((qp) => {
        listener.dispose();
        resolve(qp);
      });
    });
    const removed = vscode.commands.executeCommand<number>('ccGateway.manageCredentials');
    const qp = await shown;
    assert.equal(qp.canSelectMany, true);
    const rows = qp.items.filter((i) => i.credential);
    const expected = [
      [originA, undefined],
      [originA, '102'],
      [originB, undefined],
    ].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    assert.deepEqual(rows.map((i) => [i.credential?.origin, i.credential?.agentId]), expected);
    assert.deepEqual(qp.items.filter((i) => i.kind === vscode.QuickPickItemKind.Separator).map((i) => i.label), [originA, originB].sort());
    const shownText = JSON.stringify({ title: qp.title, placeholder: qp.placeholder, items: qp.items.map(({ label, description, detail }) => ({ label, description, detail })) });
    for (const value of [a.guid, b.guid, agentGuid]) assert.ok(!shownText.includes(value), 'a Guid value is shown');
    assert.match(shownText, /Guid of agent 102/);

    // Driven like a keyboard user: the workbench's own commands move, toggle and accept.
    const run = (command: string) => vscode.commands.executeCommand(command);
    // A multi-select picker starts with no active row: the first "next" activates the first row.
    // Repeated (with time for the answer) until the picker, shown asynchronously, takes it.
    await until(
      'the picker shown in the workbench',
      async () => {
        await run('workbench.action.quickOpenSelectNext');
        return until('the first row active', () => qp.activeItems.length > 0, { timeoutMs: 1_000, everyMs: 20 }).catch(() => false);
      },
      { timeoutMs: 10_000 },
    );
    const wanted = (i: CredentialPickItem) => i.credential?.agentId === '102' || i.credential?.origin === originB;
    for (let i = 0; i < rows.length; i++) {
      await until(`row ${i} active`, () => qp.activeItems[0] === rows[i], { timeoutMs: 5_000, everyMs: 20 });
      if (wanted(rows[i])) {
        const selected = qp.selectedItems.length;
        await run('workbench.action.quickPickManyToggle');
        await until(`row ${i} checked`, () => qp.selectedItems.length === selected + 1, { timeoutMs: 5_000, everyMs: 20 });
      }
      if (i < rows.length - 1) await run('workbench.action.quickOpenSelectNext');
    }
    assert.deepEqual(qp.selectedItems, rows.filter(wanted));
    await run('workbench.action.acceptSelectedQuickOpenItem');
    const count = { n: await removed };
    assert.equal(count.n, 2);
    assert.deepEqual(api.monitor.settings.origin, originA);
    assert.equal(api.monitor.core.viewState, 'ready', 'gateway A keeps its own Guid');

    // Scripted: only what is stored counts; an origin may be written as a URL.
    assert.equal(await vscode.commands.executeCommand('ccGateway.manageCredentials', { remove: [{ origin: a.url, agentId: '102' }, { origin: b.url }] }), 0, 'already removed');
    assert.equal(await vscode.commands.executeCommand('ccGateway.manageCredentials', { remove: [{ origin: `${a.url}/` }] }), 1);
    await until('gateway A has no Guid any more', () => api.monitor.core.viewState === 'noGuid', { timeoutMs: 10_000, everyMs: 50 });
    await useGateway(b);
    await until('gateway B has none either', () => api.monitor.core.viewState === 'noGuid', { timeoutMs: 10_000, everyMs: 50 });
    assert.equal(await vscode.commands.executeCommand('ccGateway.manageCredentials', { remove: [{ origin: a.url }] }), 0);
  });

  it('no "No Guid is stored" notification while the view shows the welcome text; one when the view is hidden', async () => {
    const [, , c, d] = sims;
    const toasts = () => api.notifier.count('noGuid');
    await useGateway(undefined);
    await vscode.commands.executeCommand('ccGateway.agents.focus');
    await sleep(500);
    const before = toasts();
    await useGateway(c);
    await until('noGuid for a gateway without a Guid', () => api.monitor.core.viewState === 'noGuid', { timeoutMs: 10_000, everyMs: 50 });
    await sleep(300);
    assert.equal(toasts(), before, 'a notification repeated what the visible welcome view says');

    await useGateway(undefined);
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await sleep(500);
    await useGateway(d);
    await until('one notification with the view hidden', () => toasts() === before + 1, { timeoutMs: 10_000, everyMs: 50 });
  });
});
