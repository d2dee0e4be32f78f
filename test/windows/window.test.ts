// One window of the two-window test. The first page to start is "first": it signs agent 101 in
// and keeps running until the harness closes its page. The second follows that session, shows
// numbers with the first window's Guid, and reports when it has taken the session over.
// Reports are JSON files in CCGW_WINDOWS_DIR (no secrets in them).
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../src/extension/activate';
import { sleep, until } from '../support/wait';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
const dir = process.env.CCGW_WINDOWS_DIR ?? '';
const password = process.env.CCGW_TEST_PASSWORD ?? '';

function claim(role: string): boolean {
  try {
    fs.closeSync(fs.openSync(path.join(dir, role), 'wx'));
    return true;
  } catch {
    return false;
  }
}

function report(name: string, data: unknown): void {
  fs.writeFileSync(path.join(dir, `${name}.json.tmp`), JSON.stringify(data));
  fs.renameSync(path.join(dir, `${name}.json.tmp`), path.join(dir, `${name}.json`));
}

describe('a window of two', function () {
  this.timeout(0);
  it('runs its part', async () => {
    const api = (await vscode.extensions.getExtension<ExtensionApi>(EXTENSION_ID)!.activate());
    const m = api.monitor;
    const session = () => m.core.sessions.get('101');
    const elsewhere = () => {
      const s = session();
      return s?.kind === 'signed-in' ? !!s.elsewhere : undefined;
    };
    const rows = () => m.core.store.all().map((e) => ({ agent: e.agentId, state: e.state, at: e.fetchedAt ?? null }));
    const allOk = () => m.core.store.all().length === 2 && m.core.store.all().every((e) => e.state === 'ok');
    const treeLabel = () => {
      for (const k of api.tree.getChildren()) {
        const item = api.tree.getTreeItem(k);
        const label = typeof item.label === 'string' ? item.label : item.label?.label;
        if (label?.includes('101') && label.startsWith('Signed')) return label;
      }
      return undefined;
    };
    const role = claim('first') ? 'first' : 'second';
    report(`${role}-started`, { pid: process.pid });
    const signedIn = await vscode.commands.executeCommand<boolean>('ccGateway.signIn', { agentId: '101', password });
    if (role === 'first') {
      await until('numbers in the first window', allOk, { timeoutMs: 30_000, everyMs: 200 });
      report('first', { signedIn, status: session(), elsewhere: elsewhere(), rows: rows(), label: treeLabel(), pid: process.pid });
      // Runs until the harness closes this page.
      for (;;) await sleep(60_000);
    }
    await until('numbers in the second window', () => elsewhere() === true && allOk(), { timeoutMs: 30_000, everyMs: 200 });
    report('second-following', { signedIn, status: session(), elsewhere: elsewhere(), rows: rows(), label: treeLabel() });
    await until('the second window runs the session', () => elsewhere() === false, { timeoutMs: 120_000, everyMs: 200 });
    const takenAt = Date.now();
    await until('numbers after the takeover', () => allOk() && m.core.store.all().every((e) => (e.fetchedAt ?? 0) > takenAt), { timeoutMs: 30_000, everyMs: 200 });
    report('second-owner', { status: session(), rows: rows(), label: treeLabel(), takenAt });
    // Keeps the session until the harness is done looking (closing this last window signs out).
    for (;;) await sleep(60_000);
  });
});
