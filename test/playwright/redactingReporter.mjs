// The one reporter of the browser tests: a line per test (✓/✗, duration, the error), the tests'
// own output for failed tests, and `N passed, N failed` — every line with this run's Guid and
// passwords (and anything shaped like a Guid) replaced by <guid>/<password>. Writes the counts
// and failures (redacted) to `outputFile` for scripts/test.mjs. Tests a serial group skipped
// after a failure did not run: they count as failed, so passed + failed is the number of tests.
// test/unit/redactingReporter.test.ts proves the redaction end to end.
import * as fs from 'node:fs';
import * as path from 'node:path';
import process from 'node:process';
import { redact } from './secrets.mjs';

// eslint-disable-next-line no-control-regex -- ANSI colour codes in Playwright's error messages
const ANSI = /\u001b\[[0-9;]*m/g;
const clean = (text) => redact(String(text ?? '').replace(ANSI, ''));
const formatMs = (ms) => (ms >= 60_000 ? `${Math.floor(ms / 60_000)}m${((ms % 60_000) / 1000).toFixed(0)}s` : `${(ms / 1000).toFixed(1)}s`);

export default class RedactingReporter {
  constructor({ outputFile } = {}) {
    this.outputFile = outputFile;
    this.out = (line) => process.stdout.write(`${clean(line)}\n`);
    this.results = { passed: 0, failed: 0, notRun: 0, skipped: 0, failures: [] };
    this.output = new Map();
  }

  printsToStdio() {
    return true;
  }

  onBegin(_config, suite) {
    this.out(`playwright: ${suite.allTests().length} test(s) in ${suite.suites.map((p) => p.title).join(', ')}`);
  }

  onStdOut(chunk, test) {
    this.keep(chunk, test);
  }

  onStdErr(chunk, test) {
    this.keep(chunk, test);
  }

  /** Output of a test is printed only when it fails; output outside tests at once. */
  keep(chunk, test) {
    if (!test) {
      for (const line of String(chunk).trimEnd().split('\n')) this.out(`  | ${line}`);
      return;
    }
    this.output.set(test.id, (this.output.get(test.id) ?? '') + String(chunk));
  }

  onTestEnd(test, result) {
    const title = test.titlePath().slice(3).join(' › ');
    const ok = result.status === test.expectedStatus;
    if (result.status === 'skipped') {
      const annotations = [...test.annotations, ...(result.annotations ?? [])];
      // Playwright marks the tests after a failure in a serial group as skipped, with no skip annotation: they did not run.
      if (annotations.some((a) => a.type === 'skip' || a.type === 'fixme')) {
        this.results.skipped++;
        this.out(`  - ${title}: skipped`);
      } else {
        this.results.notRun++;
        this.out(`  ✗ ${title}: did not run (a test before it in its serial group failed)`);
        this.results.failures.push({ title, status: 'did not run', message: 'a test before it in its serial group failed', files: [] });
      }
      return;
    }
    if (ok) {
      this.results.passed++;
      this.out(`  ✓ ${title} (${formatMs(result.duration)})`);
      // What a test measured (an annotation of type "measured") is printed on success too.
      for (const a of result.annotations ?? []) if (a.type === 'measured') this.out(`    ${clean(a.description ?? '')}`);
      return;
    }
    this.results.failed++;
    const message = result.errors.map((e) => clean(e.message ?? e.value ?? '')).join('\n') || result.status;
    const where = result.errors.find((e) => e.location)?.location;
    this.out(`  ✗ ${title} (${formatMs(result.duration)}): ${result.status}`);
    for (const line of message.split('\n')) this.out(`    ${line}`);
    if (where) this.out(`    at ${path.relative(process.cwd(), where.file)}:${where.line}`);
    const files = result.attachments.filter((a) => a.path).map((a) => path.relative(process.cwd(), a.path));
    for (const f of files) this.out(`    kept: ${f}`);
    const output = this.output.get(test.id);
    if (output) for (const line of output.trimEnd().split('\n')) this.out(`    | ${line}`);
    this.results.failures.push({ title, status: result.status, message: clean(message), files });
  }

  onError(error) {
    this.results.failed++;
    const message = clean(error.message ?? error.value ?? String(error));
    this.out(`  ✗ error outside a test: ${message}`);
    this.results.failures.push({ title: '(outside a test)', status: 'error', message, files: [] });
  }

  onEnd(result) {
    const { passed, failed, notRun, skipped } = this.results;
    if (this.outputFile) {
      fs.mkdirSync(path.dirname(this.outputFile), { recursive: true });
      fs.writeFileSync(this.outputFile, clean(JSON.stringify({ ...this.results, status: result.status }, null, 2)) + '\n');
    }
    this.out(`playwright: ${passed} passed, ${failed + notRun} failed${notRun ? ` (${notRun} did not run)` : ''}${skipped ? `, ${skipped} skipped` : ''} in ${formatMs(result.duration)} (${result.status})`);
  }
}
