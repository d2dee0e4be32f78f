// The "No Guid is stored" notification, which only a hidden view needs (a visible one shows
// its welcome text). Runs before extension.test.ts and leaves no setting or simulator behind.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/extension';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { sleep, until } from '../support/wait';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
const config = () => vscode.workspace.getConfiguration('ccGateway');
const set = (key: string, value: unknown) => config().update(key, value, vscode.ConfigurationTarget.Global);

describe('stored credentials', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  const sims: Simulator[] = [];

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
    for (let i = 0; i < 2; i++) sims.push(await startSimulator());
    await set('agents', ['101', '102']);
  });

  after(async () => {
    for (const key of ['gatewayUrl', 'agents', 'tls.caFile']) await set(key, undefined);
    await vscode.commands.executeCommand('ccGateway.agents.focus');
    for (const s of sims) await s.stop();
  });

  it('no "No Guid is stored" notification while the view shows the welcome text; one when the view is hidden', async () => {
    const [c, d] = sims;
    const toasts = () => api.notifier.count('noGuid');
    await useGateway(undefined);
    await vscode.commands.executeCommand('ccGateway.agents.focus');
    await sleep(500);
    const before = toasts();
    await useGateway(c);
    await until('noGuid for a gateway without a Guid', () => api.monitor.viewState === 'noGuid', { timeoutMs: 10_000, everyMs: 50 });
    await sleep(300);
    assert.equal(toasts(), before, 'a notification repeated what the visible welcome view says');

    await useGateway(undefined);
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await sleep(500);
    await useGateway(d);
    await until('one notification with the view hidden', () => toasts() === before + 1, { timeoutMs: 10_000, everyMs: 50 });
  });
});
