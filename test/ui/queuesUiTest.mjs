// The Queues view in a real workbench: one test registered by agents.spec.mjs after its
// own (it continues that workbench: gateway URL, agents and Guid set). It signs in as agent 101
// (the simulator takes any password), reads the queue rows and the status bar at the default
// side-bar width (300 px), crosses a threshold in the Settings editor and opens Show Trend on a queue.
import { setTimeout as delay } from 'node:timers/promises';
import { expect, shot } from '../playwright/fixtures.mjs';
import { until } from '../playwright/pages/wait.mjs';

// free/signed-in, or, once the queue's agents were read, their counts by state ("1 busy").
const QUEUE_ROW = /^7 waiting · 3:[0-5]\d · (\d+\/\d+|\d+ [a-z-]+( · \d+ [a-z-]+)*( \+\d+)?)$/;

/** @param {import('@playwright/test').TestType<any, any>} test the fixtures' test */
export function queueTests(test) {
  test('13 queues: rows and status bar at 300 px, a threshold crossed, Show Trend on a queue', async ({ workbench: wb, sim, secrets }) => {
    test.setTimeout(90_000); // sign-in, the Settings editor, a webview and Sign Out: over 45 s on a busy 2-core machine
    const { page, view, palette, quickInput, statusBar, notifications } = wb;
    sim.queues.setWaiting(1, 7, 185); // Billing: 7 callers, the oldest for 3:05
    await notifications.clearAll();
    await palette.run('CC-Gateway: Sign In');
    await quickInput.step(/Sign In \(1\/3\)/, '101');
    await quickInput.step(/Sign In \(2\/3\)/, secrets.queuePassword, { secret: true });
    await quickInput.step(/Sign In \(3\/3\)/, ''); // no phone number
    await quickInput.waitHidden();
    await view.open();
    await view.setWidth(300);
    const d = await until('the Billing row with its numbers', async () => {
      const t = await view.description('Billing');
      return t && QUEUE_ROW.test(t) ? t : undefined;
    }, 30_000);
    for (const name of ['Billing', 'Sales', 'Technical support']) {
      const row = view.row(name).first();
      await row.waitFor({ state: 'visible' });
      expect(await view.isCut(row), `the ${name} row is cut off at 300 px ("${await view.description(name)}")`).toBe(false);
    }
    const aria = await view.row('Billing').first().getAttribute('aria-label');
    expect(aria ?? '', `the Billing row reads "${aria}" (shows "${d}")`).toMatch(/Queue Billing, 7 calls waiting, longest wait 3:[0-5]\d, \d+ of \d+ signed-in agents available/);
    const status = await until('calls waiting in the status bar', async () => {
      const l = await statusBar.label();
      return l && /calls waiting in 3 queues, longest wait 3:[0-5]\d/.test(l) ? l : undefined;
    });
    // The status bar names its numbers as the rows do: calls waiting in words, ↓ and ↑.
    const barText = (await statusBar.item.first().innerText()).trim();
    expect(barText, `the status bar reads "${barText}" (${status})`).toMatch(/^\d+ waiting · ↓\d+ ↑\d+ · \d+:\d\d:\d\d/);
    await wb.moveMouseAway();
    await shot(page, '13-queues-300px.png');

    // Billing opens to its agents: 101, signed in busy by this test, with its time in state.
    await view.row('Billing').first().click();
    const agentRow = await until('Billing\'s agent rows', async () => {
      const under = await view.agentsUnder(/^Billing$/);
      return under[0] === '101' ? view.row('101').filter({ has: page.locator('.label-description', { hasText: /^busy \d:\d\d$/ }) }).first() : undefined;
    }, 30_000);
    await agentRow.waitFor({ state: 'visible' });
    expect(await view.isCut(agentRow), 'the agent row under Billing is cut off at 300 px').toBe(false);
    expect(await view.description('Billing'), 'the Billing row counts its agents by state').toMatch(/^7 waiting · 3:[0-5]\d · 1 busy$/);
    await wb.moveMouseAway();
    await delay(500);
    expect(await view.cutRows(), 'rows cut at 300 px with Billing open').toEqual([]);
    await shot(page, '13-queue-agents-300px.png');
    await view.row('Billing').first().click();

    // A threshold from the Settings editor, as a person sets it.
    const input = await wb.openSettingsAndFind('ccGateway.thresholds.queueWaitingCalls', 'Queue Waiting Calls');
    await input.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.type('5', { delay: 20 });
    await delay(800); // the Settings editor writes after a short debounce
    await palette.run('View: Close All Editors');
    await view.open();
    const billing = view.row('Billing').first();
    await until('a warning icon on the Billing row', () => billing.locator('.codicon-warning').first().isVisible());
    expect(await view.row('Sales').first().locator('.codicon-warning').count(), 'Sales is under the threshold').toBe(0);
    const over = await billing.getAttribute('aria-label');
    expect(over ?? '', `the Billing row reads "${over}"`).toMatch(/7 calls waiting, at or over the threshold 5/);
    await until('the queue counted in the status bar', async () => /1 queues need attention/.test((await statusBar.label()) ?? ''));
    await wb.moveMouseAway();
    await shot(page, '13-queues-threshold.png');

    // Show Trend from the queue row's inline action.
    await view.inlineAction(billing, 'Show Trend');
    const f = await wb.webview(/^Trend: queue Billing$/);
    await until('the data table', () => f.locator('#trend-table tbody tr').first().isVisible());
    const head = await f.locator('#trend-table thead th').allInnerTexts();
    expect(head.join('|'), `table columns: ${head.join('|')}`).toBe('Interval|Most calls waiting|Longest wait');
    const cells = await f.locator('#trend-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    const most = Math.max(...cells.map((r) => Number(r[1])));
    expect(most, `the table's most calls waiting is ${most}: ${JSON.stringify(cells)}`).toBe(7);
    expect(cells.some((r) => /^0:03:[0-5]\d$/.test(r[2] ?? '')), `the longest wait 3:0x is in the table: ${JSON.stringify(cells)}`).toBe(true);
    expect(await f.locator('canvas').first().isVisible(), 'the chart is drawn').toBe(true);
    await wb.moveMouseAway();
    await shot(page, '13-queue-trend.png');
    await palette.run('View: Close All Editors');

    // A deliberate Sign Out leaves a neutral status bar (no warning colour). The pasted
    // Guid of the earlier tests goes first, so that after Sign Out nobody is signed in at all.
    await palette.run('CC-Gateway: Clear Guid');
    await palette.run('CC-Gateway: Sign Out');
    const signedOut = await until('the status bar after Sign Out', async () => {
      const l = await statusBar.label();
      return l && /signed out/i.test(l) ? l : undefined;
    });
    const classes = (await statusBar.item.first().getAttribute('class')) ?? '';
    expect(classes, `after Sign Out the status bar reads "${signedOut}" with classes "${classes}"`).not.toMatch(/warning-kind|error-kind/);
  });
}
