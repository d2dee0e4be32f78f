// The browser tests' reporter keeps this run's Guid and passwords out of what it prints and writes
// (issue 20 item 10): a Playwright run of test/playwright/redaction.selfcheck.mjs, a test that fails
// with them in its message, its compared values and its output, through the real playwright.config.mjs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('the Playwright reporter redacts the test credentials', function () {
  this.timeout(120_000);

  it('prints a failure naming the Guid and the password with neither in it', () => {
    const guid = `${crypto.randomUUID()}.AgentGateway1`;
    const password = `Pw-${crypto.randomBytes(9).toString('base64url')}`;
    const other = `Pw-${crypto.randomBytes(9).toString('base64url')}`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-redaction-'));
    try {
      const results = path.join(dir, 'results.json');
      const env = {
        ...process.env,
        CCGW_REDACTION_SELFCHECK: '1',
        CCGW_PW_SECRETS: JSON.stringify({ guid, queuePassword: password, windowsPassword: other }),
        CCGW_PW_RESULTS: results,
      };
      const cli = path.join(repoRoot, 'node_modules', '@playwright', 'test', 'cli.js');
      const r = spawnSync(process.execPath, [cli, 'test', '--config', path.join(repoRoot, 'playwright.config.mjs'), '--output', path.join(dir, 'out'), '--trace', 'off'], {
        cwd: repoRoot,
        env,
        encoding: 'utf8',
        timeout: 100_000,
      });
      const printed = `${r.stdout}\n${r.stderr}`;
      assert.equal(r.status, 1, `the self-check test must fail (exit ${r.status}):\n${printed}`);
      // It ran and failed where we think: the title, the comparison and the output are there, redacted.
      assert.match(printed, /✗ .*a failure that names the credentials/, printed);
      assert.match(printed, /the Guid <guid> and the password <password>/, printed);
      assert.match(printed, /signing in with <guid> and <password>/, printed);
      assert.match(printed, /"guid": "<password>"/, printed);
      assert.match(printed, /1 failed/, printed);
      const written = fs.readFileSync(results, 'utf8');
      assert.match(written, /<guid>/);
      for (const secret of [guid, guid.split('.')[0], password]) {
        assert.ok(!printed.includes(secret), `a credential was printed:\n${printed}`);
        assert.ok(!written.includes(secret), 'a credential was written to the results file');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
