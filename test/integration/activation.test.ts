// Smoke test: the extension is installed in the extension host, activates, and registers
// every command it contributes in package.json.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';

interface PackageJson {
  contributes?: { commands?: { command: string }[] };
}

describe('activation (smoke)', () => {
  it('activates and registers every contributed command', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
    assert.equal(ext.isActive, true, 'extension did not become active');

    const contributed = ((ext.packageJSON as PackageJson).contributes?.commands ?? []).map((c) => c.command);
    assert.ok(contributed.length > 0, 'package.json contributes no commands');

    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });
});
