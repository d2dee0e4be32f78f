// Issue 18, the Queues view in a real workbench: one self-contained test case for the UI harness
// (uiTests.mjs registers it after its own; it only needs the harness's context and helpers, so it
// ports to another runner as it is). It signs in as agent 101 (the simulator takes any password),
// reads the queue rows and the status bar at the default side-bar width (300 px), crosses a
// threshold in the Settings editor and opens Show Trend on a queue.

const QUEUE_ROW = /^7 waiting · 3:[0-5]\d · \d+\/\d+$/;

/**
 * @param {{ test: Function, ctx: () => any, waitFor: Function, assert: Function, delay: Function, shot: (name: string) => Promise<void>, password: string, actionTimeoutMs: number }} h
 */
export function registerQueueTests(h) {
  const { test, waitFor, assert, delay, password, actionTimeoutMs } = h;

  /** One step of a multi-step input: the next box replaces this one in the same widget, so wait for its title, not for the widget to close. */
  const step = async (titleRe, text) => {
    const { page, u } = h.ctx();
    await waitFor(`the input box ${titleRe}`, async () => titleRe.test(((await u.quickInput.locator('.quick-input-title').allInnerTexts())[0] ?? '').trim()));
    const input = u.quickInput.locator('input.input');
    await input.fill('');
    await page.keyboard.type(text, { delay: 5 });
    await page.keyboard.press('Enter');
  };

  test('13 queues: rows and status bar at 300 px, a threshold crossed, Show Trend on a queue', async () => {
    const { page, u, sim } = h.ctx();
    sim.queues.setWaiting(1, 7, 185); // Billing: 7 callers, the oldest for 3:05
    await u.clearNotifications();
    await u.runCommand('CC-Gateway: Sign In');
    await step(/Sign In \(1\/3\)/, '101');
    await step(/Sign In \(2\/3\)/, password);
    await step(/Sign In \(3\/3\)/, ''); // no phone number
    await u.quickInput.waitFor({ state: 'hidden', timeout: actionTimeoutMs });
    await u.openView();
    await u.setSideBarWidth(300);
    const d = await waitFor('the Billing row with its numbers', async () => {
      const t = await u.rowDescription('Billing');
      return t && QUEUE_ROW.test(t) ? t : undefined;
    }, 30_000);
    for (const name of ['Billing', 'Sales', 'Technical support']) {
      const row = u.treeRow(name).first();
      await row.waitFor({ state: 'visible', timeout: actionTimeoutMs });
      const cut = await row.locator('.monaco-icon-label-container').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      assert(!cut, `the ${name} row is cut off at 300 px ("${await u.rowDescription(name)}")`);
    }
    const aria = await u.treeRow('Billing').first().getAttribute('aria-label');
    assert(/Queue Billing, 7 calls waiting, longest wait 3:[0-5]\d, \d+ of \d+ signed-in agents available/.test(aria ?? ''), `the Billing row reads "${aria}" (shows "${d}")`);
    const status = await waitFor('calls waiting in the status bar', async () => {
      const l = await u.statusLabel();
      return l && /calls waiting in 3 queues, longest wait 3:[0-5]\d/.test(l) ? l : undefined;
    });
    assert(await u.statusItem().first().locator('.codicon-inbox').count(), `no inbox icon in the status bar (${status})`);
    await page.mouse.move(860, 500);
    await h.shot('13-queues-300px.png');

    // A threshold from the Settings editor, as a person sets it.
    await u.runCommand('Preferences: Open User Settings');
    const search = page.locator('.settings-editor .search-container').first();
    await search.waitFor({ state: 'visible', timeout: actionTimeoutMs });
    await search.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('ccGateway.thresholds.queueWaitingCalls', { delay: 5 });
    const item = page.locator('.settings-editor .setting-item', { hasText: 'Queue Waiting Calls' }).first();
    await item.waitFor({ state: 'visible', timeout: actionTimeoutMs });
    await item.locator('input').first().click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('5', { delay: 20 });
    await delay(800); // the Settings editor writes after a short debounce
    await u.runCommand('View: Close All Editors');
    await u.openView();
    const billing = u.treeRow('Billing').first();
    await waitFor('a warning icon on the Billing row', () => billing.locator('.codicon-warning').first().isVisible());
    assert(!(await u.treeRow('Sales').first().locator('.codicon-warning').count()), 'Sales is under the threshold');
    const over = await billing.getAttribute('aria-label');
    assert(/7 calls waiting, at or over the threshold 5/.test(over ?? ''), `the Billing row reads "${over}"`);
    await waitFor('the queue counted in the status bar', async () => /1 queues need attention/.test((await u.statusLabel()) ?? ''));
    await page.mouse.move(860, 500);
    await h.shot('13-queues-threshold.png');

    // Show Trend from the queue row's inline action.
    await billing.hover();
    await billing.locator('.action-label[aria-label="Show Trend"]').click();
    const f = await u.webview(/^Trend: queue Billing$/);
    await waitFor('the data table', () => f.locator('#trend-table tbody tr').first().isVisible());
    const head = await f.locator('#trend-table thead th').allInnerTexts();
    assert(head.join('|') === 'Interval|Most calls waiting|Longest wait', `table columns: ${head.join('|')}`);
    const cells = await f.locator('#trend-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    const most = Math.max(...cells.map((r) => Number(r[1])));
    assert(most === 7, `the table's most calls waiting is ${most}: ${JSON.stringify(cells)}`);
    assert(cells.some((r) => /^0:03:[0-5]\d$/.test(r[2] ?? '')), `the longest wait 3:0x is in the table: ${JSON.stringify(cells)}`);
    assert(await f.locator('canvas').first().isVisible(), 'the chart is drawn');
    await page.mouse.move(860, 500);
    await h.shot('13-queue-trend.png');
    await u.runCommand('View: Close All Editors');
  });
}
