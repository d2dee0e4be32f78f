// The browser tests' reporter keeps this run's Guid and passwords out of what it prints and writes,
// and the trace of a test that typed the Guid does not hold it: a Playwright run of
// test/playwright/redaction.selfcheck.mjs through the real playwright.config.mjs (Debian's Chromium).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The bytes of every entry of a zip (a Playwright trace). */
function unzipped(file: string): string {
  const r = spawnSync('unzip', ['-p', file], { maxBuffer: 256 * 1024 * 1024, encoding: 'latin1' });
  assert.equal(r.status, 0, `unzip -p ${file}: ${r.stderr}`);
  return r.stdout;
}

const repoRoot = path.resolve(__dirname, '..', '..', '..');

describe('the browser tests keep the test credentials out of their reports and traces', function () {
  this.timeout(120_000);

  it('prints failures naming the Guid and the password with neither in them; the trace of a test that typed the Guid does not hold it', () => {
    assert.ok(fs.existsSync('/usr/bin/chromium'), "needs Debian's chromium (npm test installs it with the other prerequisites)");
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
      const out = path.join(dir, 'out');
      const r = spawnSync(process.execPath, [cli, 'test', '--config', path.join(repoRoot, 'playwright.config.mjs'), '--output', out], {
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
      assert.match(printed, /✗ .*a failure after typing the Guid.*\n.*this test fails on purpose/, printed);
      assert.match(printed, /0 passed, 2 failed/, printed);
      const written = fs.readFileSync(results, 'utf8');
      assert.match(written, /<guid>/);
      for (const secret of [guid, guid.split('.')[0], password]) {
        assert.ok(!printed.includes(secret), `a credential was printed:\n${printed}`);
        assert.ok(!written.includes(secret), 'a credential was written to the results file');
      }
      // Traces kept for both failures: the first holds the Guid (its error names it: the search works),
      // the second, where the Guid was only typed, must not.
      const traces = fs.readdirSync(out).map((d) => path.join(out, d, 'trace.zip'));
      const named = traces.find((t) => t.includes('names-the-credentials'));
      const typed = traces.find((t) => t.includes('after-typing'));
      assert.ok(named && fs.existsSync(named) && typed && fs.existsSync(typed), `traces kept: ${traces.join(', ')}`);
      assert.ok(unzipped(named).includes(guid), 'the search finds a Guid in a trace');
      assert.ok(!unzipped(typed).includes(guid.split('.')[0]), 'the trace of the test that typed the Guid holds it');
      for (const f of fs.readdirSync(path.dirname(typed))) {
        if (f !== 'trace.zip') assert.ok(!fs.readFileSync(path.join(path.dirname(typed), f), 'latin1').includes(guid.split('.')[0]), `${f} of the test that typed the Guid holds it`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
