// Extension-host test entry: loaded by VS Code (code-server via scripts/test.mjs, or desktop
// VS Code via @vscode/test-electron) through `extensionTestsPath`. Runs every
// out/test/integration/**/*.test.js with Mocha (BDD) and reports per-test lines on the console.
// When CCGW_TEST_ARTIFACTS is set, writes {passed, failed, failures} to integration.json there.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface Failure {
  title: string;
  message: string;
}

/** The test Guid is a credential: it never reaches the console or the artifacts. */
function redact(text: string): string {
  const guid = process.env.CCGW_TEST_GUID;
  return guid ? text.split(guid).join('<guid>') : text;
}

function log(line: string): void {
  console.log(redact(line));
}

/**
 * CCGW_TEST_SUITE=untrusted runs untrusted/ (the harness opens an untrusted workspace for it),
 * zh-cn runs zh-cn/ (the harness starts VS Code in Simplified Chinese), plain runs plain/ (no
 * test hooks, an OS certificate store of the harness's); otherwise the rest.
 */
const SUITES = ['untrusted', 'zh-cn', 'plain'];
const requested = process.env.CCGW_TEST_SUITE ?? '';
const SUITE = SUITES.includes(requested) ? requested : 'main';

function testFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    // CCGW_TEST_ONLY=<part of a file name>: one file while working on it.
    .filter((f) => !process.env.CCGW_TEST_ONLY || f.includes(process.env.CCGW_TEST_ONLY))
    .filter((f) => f.endsWith('.test.js') && (SUITE === 'main' ? !SUITES.some((s) => f.startsWith(`${s}${path.sep}`)) : f.startsWith(`${SUITE}${path.sep}`)))
    .map((f) => path.join(dir, f))
    .sort();
}

function writeResults(passed: number, failed: number, failures: Failure[]): void {
  const dir = process.env.CCGW_TEST_ARTIFACTS;
  if (!dir) return;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `integration-${SUITE}.json`), JSON.stringify({ passed, failed, failures }, null, 2) + '\n');
  } catch (err) {
    log(`[integration] could not write integration.json: ${String(err)}`);
  }
}

/** Plain-text reporter (no colours: the output is forwarded through a browser console). */
class LineReporter extends Mocha.reporters.Base {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    let depth = 0;
    runner.on('suite', (suite: Mocha.Suite) => {
      if (suite.title) log(`${'  '.repeat(depth)}${suite.title}`);
      depth++;
    });
    runner.on('suite end', () => {
      depth--;
    });
    runner.on('pass', (test: Mocha.Test) => log(`${'  '.repeat(depth)}✓ ${test.title} (${test.duration ?? 0} ms)`));
    runner.on('pending', (test: Mocha.Test) => log(`${'  '.repeat(depth)}- ${test.title} (pending)`));
    runner.on('fail', (test: Mocha.Runnable, err: Error) => {
      log(`${'  '.repeat(depth)}✗ ${test.title}: ${err?.message ?? String(err)}`);
    });
  }
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: LineReporter });
  const files = testFiles(__dirname);
  for (const f of files) mocha.addFile(f);
  log(`[integration] ${files.length} test file(s), suite ${SUITE}`);

  return new Promise<void>((resolve, reject) => {
    let passed = 0;
    const failures: Failure[] = [];
    try {
      const runner = mocha.run((failedCount) => {
        // mocha counts a failed hook as a failure too; our list has one entry per 'fail' event.
        const failed = Math.max(failedCount, failures.length);
        writeResults(passed, failed, failures);
        log(`[integration] ${passed} passed, ${failed} failed`);
        for (const f of failures) log(`[integration] FAILED ${f.title}\n${f.message}`);
        if (failed > 0) reject(new Error(`${failed} integration test(s) failed`));
        else resolve();
      });
      runner.on('pass', () => passed++);
      runner.on('fail', (test: Mocha.Runnable, err: Error) => {
        const stack = err?.stack ?? '';
        const message = err?.message ?? String(err);
        failures.push({
          title: redact(test.fullTitle()),
          message: redact(stack.includes(message) ? stack : `${message}\n${stack}`),
        });
      });
    } catch (err) {
      // A test file failed to load (syntax error, missing module...).
      const message = redact(err instanceof Error ? (err.stack ?? err.message) : String(err));
      writeResults(passed, failures.length + 1, [...failures, { title: 'loading integration tests', message }]);
      log(`[integration] could not run the suite: ${message}`);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
