// Runs with VS Code's display language set to Simplified Chinese (the harness starts
// code-server with --locale zh-cn and a language pack): the extension's bundles load
// and reach every layer, the lazily loaded HTTP client included.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension/activate';
import { startSimulator, type Simulator } from '../../../src/simulator/simulator';
import { until } from '../../support/wait';
import { set } from '../../support/userSettings';

/** A row's description without its time in state ("idle ≥12 s" → "idle"), which moves on by itself every second. */
const withoutTime = (d: unknown) => String(d).replace(/ ≥?\d+ (?:s|min|秒|分钟)(?= ·)/, '');

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';

describe('in Simplified Chinese', function () {
  this.timeout(60_000);
  let api: ExtensionApi;
  let sim: Simulator;

  before(async () => {
    sim = await startSimulator({ guid: process.env.CCGW_TEST_GUID || undefined });
    const ext = vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
  });

  after(async () => {
    for (const key of ['gatewayUrl', 'tls.caFile', 'agents']) await set(key, undefined);
    await sim.stop();
  });

  it('really runs in zh-cn (otherwise the next test proves nothing)', () => {
    assert.equal(vscode.env.language, 'zh-cn');
  });

  it('rows, status bar and the errors of the lazily loaded client speak Chinese', async () => {
    sim.setCounters('101', { talktime: 4328, answernums: 5, calloutnums: 2 });
    await set('tls.caFile', sim.caFile);
    await set('gatewayUrl', sim.url);
    await set('agents', ['101']);
    assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', sim.guid), true);
    const row = () => api.tree.getChildren().map((n) => api.tree.getTreeItem(n)).find((i) => i.id === 'agent:101');
    await until('the row in Chinese', () => withoutTime(row()?.description) === '空闲 · ↓5 ↑2 · 1:12:08', { timeoutMs: 10_000 });
    assert.equal(row()?.label, '101');
    assert.match(String(row()?.accessibilityInformation?.label), /^座席 101, 空闲，持续 ≥\d+ (?:秒|分钟), 接听 5，外呼 2，通话时长 1:12:08$/);
    await until('the status bar in Chinese', () => api.statusBar.snapshot.label === 'CC-Gateway：接听 5，外呼 2，通话时长 1:12:08', { timeoutMs: 5_000 });

    // The client (dist/gatewayClient.js, its own copy of the core) words this one.
    await sim.stop();
    try {
      await vscode.commands.executeCommand('ccGateway.refresh');
      const entry = await until('a Chinese network error', () => {
        const e = api.monitor.core.store.get('101');
        return e?.state === 'stale' && e.error?.message.includes('拒绝了连接') ? e : undefined;
      }, { timeoutMs: 10_000 });
      assert.match(entry.error!.message, /^网关 https:\/\/127\.0\.0\.1:\d+ 拒绝了连接（ECONNREFUSED）/);
      await until('the row marked as of when, in Chinese', () => /^截至 \S+ · ↓5 ↑2 · 1:12:08$/.test(String(row()?.description)), { timeoutMs: 5_000 });
    } finally {
      await sim.restart();
    }
  });
});
