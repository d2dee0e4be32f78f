// Fail on purpose: test/unit/redactingReporter.test.ts runs them through playwright.config.mjs
// (CCGW_REDACTION_SELFCHECK=1) and checks what is printed, written and kept in the traces.
import { expect, test } from '@playwright/test';
import { secrets } from './secrets.mjs';
import { QuickInput } from './pages/quickInput.mjs';

// The Guid and password in the assertion message, the compared values and the output: none may be printed.
test('a failure that names the credentials', () => {
  const { guid, queuePassword } = secrets();
  console.log(`signing in with ${guid} and ${queuePassword}`);
  expect({ guid, password: queuePassword }, `the Guid ${guid} and the password ${queuePassword}`).toEqual({ guid: queuePassword, password: guid });
});

// The Guid typed into a password box the way the UI tests do it, then a failure naming nothing: its trace must not hold the Guid.
test('a failure after typing the Guid', async ({ page }) => {
  await page.setContent('<div class="quick-input-widget"><input class="input" type="password"></div>');
  await page.locator('input').click();
  await new QuickInput(page).submitSecret(secrets().guid);
  // Its length only: a value passed to or compared in the page would be recorded in the trace.
  expect(await page.locator('input').evaluate((el) => el.value.length), 'the Guid is in the box').toBe(secrets().guid.length);
  expect(1, 'this test fails on purpose').toBe(2);
});
