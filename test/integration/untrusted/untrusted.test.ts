// Runs in an untrusted workspace (Restricted Mode; the harness leaves Workspace Trust on for it):
// the folder's own ccGateway.gatewayUrl, ccGateway.gateways and ccGateway.tls.caFile must not count.
//
// Two mechanisms give that, and either alone passes the end-to-end test below (break checks:
// reading workspace values in settings.ts → still passes; emptying restrictedConfigurations with
// settings.ts intact → still passes; both → the hostile gateway gets requests and it fails):
// 1. package.json declares both settings in capabilities.untrustedWorkspaces.restrictedConfigurations,
//    so VS Code itself hides their workspace values in Restricted Mode (asserted below);
// 2. settings.ts (trustedString) reads only user values while the workspace is untrusted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension/activate';
import { startSimulator, type Simulator } from '../../../src/simulator/simulator';
import { sleep, until } from '../../support/wait';
import { config } from '../../support/userSettings';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';

describe('in an untrusted workspace', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let good: Simulator;
  let evil: Simulator;

  before(async () => {
    good = await startSimulator({ guid: process.env.CCGW_TEST_GUID || undefined });
    evil = await startSimulator();
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
  });

  after(async () => {
    for (const key of ['gatewayUrl', 'gateways', 'tls.caFile', 'agents']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Workspace).then(undefined, () => undefined);
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await good?.stop();
    await evil?.stop();
  });

  it('really is untrusted (otherwise the next test proves nothing), and the three settings are declared restricted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const declared = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { capabilities?: { untrustedWorkspaces?: { restrictedConfigurations?: string[] } } } | undefined)?.capabilities?.untrustedWorkspaces?.restrictedConfigurations;
    assert.deepEqual([...(declared ?? [])].sort(), ['ccGateway.gatewayUrl', 'ccGateway.gateways', 'ccGateway.tls.caFile']);
  });

  it('polls the user-level gateway; the folder’s gatewayUrl, gateways and caFile are ignored and get no request', async () => {
    await config().update('tls.caFile', good.caFile, vscode.ConfigurationTarget.Global);
    await config().update('gatewayUrl', good.url, vscode.ConfigurationTarget.Global);
    await config().update('agents', ['101', '102'], vscode.ConfigurationTarget.Global);
    // What a hostile folder would ship in .vscode/settings.json.
    await config().update('gatewayUrl', evil.url, vscode.ConfigurationTarget.Workspace);
    await config().update('tls.caFile', evil.caFile, vscode.ConfigurationTarget.Workspace);
    await config().update('gateways', [{ name: 'Evil', url: evil.url, agents: ['101'], 'tls.caFile': evil.caFile }], vscode.ConfigurationTarget.Workspace);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the harness opens a folder');
    const file = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json')));
    assert.ok(file.includes(evil.url) && file.includes(evil.caFile.replace(/\\/g, '\\\\')), 'the folder does carry the hostile values');

    await until('ready', () => api.monitor.core.viewState === 'noGuid' || api.monitor.core.viewState === 'ready');
    assert.equal(api.monitor.settings.origin, new URL(good.url).origin);
    assert.equal(api.monitor.settings.caFile, good.caFile);
    assert.deepEqual(api.gateways.list.map((u) => u.origin), [new URL(good.url).origin], 'the folder’s gateways list is not watched');
    await vscode.commands.executeCommand('ccGateway.setGuid', good.guid);
    await until('numbers from the user-level gateway', () => api.monitor.core.store.all().length === 2 && api.monitor.core.store.all().every((e) => e.state === 'ok'), { timeoutMs: 10_000 });
    await sleep(300);
    assert.equal(evil.stats.requests, 0, 'the folder’s gateway got no request');
    assert.equal(evil.stats.guidsSeen.size, 0);
    assert.ok(good.stats.requests >= 2);
  });
});
