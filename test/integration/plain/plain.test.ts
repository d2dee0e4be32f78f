// The extension as a user gets it: activated without the test hooks (the harness sets no
// CCGW_TEST_HOOKS for this suite), so everything here goes through commands and settings.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';

describe('a plain activation (no test hooks)', function () {
  this.timeout(60_000);

  it('really runs without the test hooks (otherwise the next test proves nothing)', () => {
    assert.equal(process.env.CCGW_TEST_HOOKS, undefined);
    assert.equal(process.env.CCGW_TEST_SUITE, 'plain');
  });

  it('exports nothing another extension could use to change its state', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const returned: unknown = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(returned, undefined, 'activate() returned something');
    assert.equal(ext.exports, undefined, 'extension.exports is set');
  });
});
