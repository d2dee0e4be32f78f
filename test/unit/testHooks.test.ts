// activate()'s return value: the internals go to the test harness only. A normal activation
// (not VS Code's test mode, or no CCGW_TEST_HOOKS=1 from the harness) exports nothing, so
// another extension's getExtension(…).exports cannot dispose or drive the monitor.
// The extension-host side of this is test/integration/plain/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exportsFor, TEST_HOOKS_ENV } from '../../src/extension/testHooks';

describe('what activate() exports', () => {
  const api = { monitor: { dispose: () => undefined } };

  it('nothing in a normal activation, whatever the environment says', () => {
    assert.equal(exportsFor(api, false, {}), undefined);
    assert.equal(exportsFor(api, false, { [TEST_HOOKS_ENV]: '1' }), undefined);
  });

  it('nothing under tests unless the harness asked for the hooks with exactly "1"', () => {
    for (const value of [undefined, '', '0', 'true', 'yes', ' 1']) assert.equal(exportsFor(api, true, { [TEST_HOOKS_ENV]: value }), undefined, String(value));
    assert.equal(exportsFor(api, true, { [TEST_HOOKS_ENV]: '1' }), api);
  });

  it('activate() returns through exportsFor, with VS Code’s test mode as the switch, and only in the test build', () => {
    const source = fs.readFileSync(path.resolve(__dirname, '../../../src/extension/activate.ts'), 'utf8');
    const start = source.indexOf('export async function activate(');
    const body = source.slice(start, source.indexOf('\n}\n', start));
    // At the function's own level: nothing is returned (the packaged build ends here).
    const returns = body.match(/^ {2}return .*$/gm) ?? [];
    assert.deepEqual(returns, ['  return undefined;']);
    // The one return of the test API, inside the block esbuild drops from the packaged build (CCGW_TEST_BUILD is false there).
    const gate = body.indexOf('\n  if (CCGW_TEST_BUILD && testHooks) {\n');
    assert.ok(gate > 0, 'the test API is built inside `if (CCGW_TEST_BUILD && testHooks) {`');
    const block = body.slice(gate, body.indexOf('\n  }\n', gate));
    const exported = block.match(/^ {4}return .*$/gm) ?? [];
    assert.deepEqual(exported, ['    return exportsFor(api, context.extensionMode === vscode.ExtensionMode.Test);']);
    assert.equal(body.split('exportsFor(').length - 1, 1, 'exportsFor is called once, in that block');
  });
});
