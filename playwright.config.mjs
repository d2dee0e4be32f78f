// Browser tests on @playwright/test (no browser download: Debian's Chromium, as in
// /work/shared/docs/real-vscode-offline.md). `npm test` runs them (scripts/test.mjs: project
// `ui` in the UI stage, `windows` with the extension-host suites); alone: `npx playwright test --project=ui`
// after `npm run package && tsc -p .`.
// Traces and screenshots are kept for failed tests only, under artifacts/playwright/ (gitignored).
// The one terminal reporter redacts this run's Guid and passwords (test/playwright/redactingReporter.mjs).
import * as path from 'node:path';
import process from 'node:process';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from './scripts/lib/codeServer.mjs';
import { CHROMIUM } from './scripts/lib/prereqs.mjs';
import { ensureSecrets } from './test/playwright/secrets.mjs';

ensureSecrets();
// No "Page snapshot" (error-context.md, also put in the trace) of a failed test: it reads the value
// of an input box, a password box included. Read by the workers, which load this file too.
process.env.PLAYWRIGHT_NO_COPY_PROMPT = '1';

const selfCheck = process.env.CCGW_REDACTION_SELFCHECK === '1';

export default defineConfig({
  outputDir: path.join('artifacts', 'playwright'),
  // The UI tests share one workbench and build on each other; the machine has 2 cores.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: true,
  timeout: 45_000,
  expect: { timeout: 15_000 },
  reporter: [['./test/playwright/redactingReporter.mjs', { outputFile: process.env.CCGW_PW_RESULTS ?? path.join('artifacts', 'playwright-results.json') }]],
  use: {
    browserName: 'chromium',
    launchOptions: { executablePath: CHROMIUM, args: [...CHROMIUM_ARGS] },
    viewport: { width: 1400, height: 900 },
    // No DOM snapshots: an input's value would be in them; screenshots show a password box as dots.
    trace: { mode: 'retain-on-failure', snapshots: false, screenshots: true, sources: true },
    screenshot: 'only-on-failure',
    video: 'off',
    actionTimeout: 15_000,
  },
  projects: selfCheck
    ? [{ name: 'redaction-selfcheck', testDir: 'test/playwright', testMatch: 'redaction.selfcheck.mjs' }]
    : [
        { name: 'ui', testDir: 'test/ui', testMatch: '*.spec.mjs' },
        { name: 'windows', testDir: 'test/windows', testMatch: '*.spec.mjs', timeout: 150_000 },
      ],
});
