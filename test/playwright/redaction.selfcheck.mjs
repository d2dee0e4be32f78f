// Fails on purpose, with this run's Guid and password in its assertion message, in the values it
// compares and in its output: test/unit/redactingReporter.test.ts runs it through
// playwright.config.mjs (CCGW_REDACTION_SELFCHECK=1) and checks that none of them is printed.
import { expect, test } from '@playwright/test';
import { secrets } from './secrets.mjs';

test('a failure that names the credentials', () => {
  const { guid, queuePassword } = secrets();
  console.log(`signing in with ${guid} and ${queuePassword}`);
  expect({ guid, password: queuePassword }, `the Guid ${guid} and the password ${queuePassword}`).toEqual({ guid: queuePassword, password: guid });
});
