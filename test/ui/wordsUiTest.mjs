// What a supervisor reads, in a real workbench at the default side-bar width (300 px), in
// English (words.spec.mjs) and Chinese (zhCn.spec.mjs): the first walkthrough step ticked when
// the URL is already set, a wrong password answered by a short message with Sign In…, a team
// row naming its most frequent state, an agent row keeping its talk time while hovered, the
// trend's time axis without a repeated label, and during an outage a queue row that keeps its
// "not current" words and tooltips whose first line holds no code (the code on the Details line).
// The spec file's fixture watches 101-103 with 101 and 102 in a first team, pins 101 and 102 to
// "talking", sets a password for 101, the gateway URL and a 5 s poll interval.
import { setTimeout as delay } from 'node:timers/promises';
import { expect, shot } from '../playwright/fixtures.mjs';
import { until } from '../playwright/pages/wait.mjs';

/** A retcode like 000-003 or an errno / undici code: what no first line may hold. */
export const CODE = /(?:^|[^\w-])(?:\d{3}-\d{3}|E(?:CONN[A-Z]+|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH|PIPE|TIMEDOUT)|UND_ERR_[A-Z_]+|ERR_[A-Z0-9_]+)(?![\w-])/;

/** The words each language shows (the expectations follow from the bundles). */
export const WORDS = {
  en: {
    getStarted: 'CC-Gateway: Get Started',
    signIn: 'CC-Gateway: Sign In',
    refresh: 'CC-Gateway: Refresh',
    signInButton: 'Sign In…',
    signInStep: [/Sign In \(1\/3\)/, /Sign In \(2\/3\)/, /Sign In \(3\/3\)/],
    wrongPassword: /^Wrong agent ID or password for agent 101\.$/,
    sessionStopped: 'Agent 101 not signed in',
    talking: 'talking',
    notCurrent: /^(?:as of \S|not current)/,
    details: /^Details: /,
    showTrend: 'Show Trend',
    trend: (team) => new RegExp(`^Trend: ${team}$`),
    total: 'Total',
  },
  zh: {
    getStarted: 'CC-Gateway: 入门',
    signIn: 'CC-Gateway: 签入',
    refresh: 'CC-Gateway: 刷新',
    signInButton: '签入…',
    signInStep: [/签入（1\/3）/, /签入（2\/3）/, /签入（3\/3）/],
    wrongPassword: /^座席 101 的工号或密码不正确。$/,
    sessionStopped: '座席 101 未签入',
    talking: '通话',
    notCurrent: /^(?:截至 \S|非最新)/,
    details: /^详细信息：/,
    showTrend: '显示趋势',
    trend: (team) => new RegExp(`^趋势：${team}$`),
    total: '合计',
  },
};

/**
 * @param {import('@playwright/test').TestType<any, any>} test the fixtures' test
 * @param {{ lang: 'en' | 'zh', team: string, prefix: string, ticksSignIn: boolean, pasteGuid?: (wb: any, secrets: any) => Promise<void> }} o
 *   team: the first team's name; ticksSignIn: whether a credential is already there when the walkthrough opens
 */
export function wordsTests(test, o) {
  const W = WORDS[o.lang];
  const name = (s) => `${o.prefix} ${s}`;

  test(name('walkthrough: the first step is ticked when the gateway URL is already set, and the titles fit'), async ({ workbench: wb }) => {
    const { page, palette, view, walkthrough } = wb;
    await view.open(); // the extension's contributions are there once its view container is
    await palette.run(W.getStarted);
    await until('the walkthrough with its steps', async () => (await walkthrough.steps.count()) >= 5, 30_000);
    await until('the first step ticked (the URL came with the settings)', () => walkthrough.isDone('gatewayUrl'), 30_000);
    // Not every step is ticked: a step nobody did stays open.
    if (!o.ticksSignIn) expect(await walkthrough.isDone('signIn'), 'the sign-in step is ticked though nobody signed in').toBe(false);
    const titles = await walkthrough.titles();
    expect(titles.filter((t) => t.cut), `step titles cut: ${JSON.stringify(titles)}`).toEqual([]);
    await shot(page, `${o.prefix}-walkthrough.png`);
  });

  test(name('a wrong password: a short message with Sign In…, the words first in the session row\'s tooltip and the code on its Details line'), async ({ workbench: wb, secrets }) => {
    const { page, view, palette, quickInput, notifications } = wb;
    await notifications.clearAll();
    await view.open();
    await view.setWidth(300);
    if (o.pasteGuid) await o.pasteGuid(wb, secrets);
    await palette.run(W.signIn);
    await quickInput.step(W.signInStep[0], '101');
    await quickInput.step(W.signInStep[1], 'not-the-password', { secret: true });
    await quickInput.step(W.signInStep[2], '');
    await quickInput.waitHidden();
    const toast = notifications.toast(new RegExp(W.wrongPassword.source.replace(/^\^|\$$/g, '')));
    await until('the wrong-password notification', () => toast.isVisible(), 30_000);
    const message = (await toast.locator('.notification-list-item-message').innerText()).trim();
    expect(message, `the message: "${message}"`).toMatch(W.wrongPassword);
    const buttons = await notifications.buttons(toast);
    expect(buttons, `the notification's buttons: ${buttons.join(', ')}`).toContain(W.signInButton);
    await shot(page, `${o.prefix}-wrong-password.png`);
    // The session row says it in words; its tooltip's first line has no code, the last line has it.
    const row = view.row(W.sessionStopped).first();
    await until('the stopped session row', () => row.isVisible());
    const lines = await view.tooltipLines(row, '101');
    expect(lines[0] ?? '', `the session row's tooltip: ${JSON.stringify(lines)}`).not.toMatch(CODE);
    expect(lines.at(-1) ?? '', `the session row's tooltip ends with its code: ${JSON.stringify(lines)}`).toMatch(W.details);
    expect(lines.at(-1) ?? '').toContain('100-004');
    // The button signs in again, the agent already filled in.
    await toast.locator('.monaco-button', { hasText: W.signInButton }).click();
    await quickInput.step(W.signInStep[0], '101');
    await quickInput.step(W.signInStep[1], secrets.queuePassword, { secret: true });
    await quickInput.step(W.signInStep[2], '');
    await quickInput.waitHidden();
    await until('the stopped session row to go', async () => !(await row.isVisible()), 30_000);
  });

  test(name('a team row names its most frequent state; a hovered agent row keeps its talk time'), async ({ workbench: wb }) => {
    const { page, view } = wb;
    await view.open();
    await view.setWidth(300);
    // 101 and 102 are talking (the fixture pins them): the team's most frequent state.
    const team = await until(`the ${o.team} row naming "2 ${W.talking}"`, async () => {
      const d = await view.description(o.team);
      return d && d.includes(`2 ${W.talking}`) ? d : undefined;
    }, 30_000);
    expect(team, `the ${o.team} row: "${team}"`).toMatch(new RegExp(`^(?:⚠\\d+ · )?↓\\d+ ↑\\d+ · 2 ${W.talking}`));
    const row = view.row('101').first();
    const hovered = await view.whileHovered(row);
    await shot(page, `${o.prefix}-hovered-row.png`);
    await wb.moveMouseAway();
    expect(hovered.description, `row 101 while hovered: "${hovered.description}"`).toContain('1:12:08');
    expect(hovered.cut, `row 101 is cut while hovered: "${hovered.description}"`).toBe(false);
    expect(hovered.actions, 'an agent row shows no inline actions (they are in its context menu)').toBe(0);
    expect(hovered.description, 'time in state from the first seconds').toMatch(new RegExp(`^${W.talking} ≥?\\d+ `));
  });

  test(name('the trend\'s time axis: no label repeats'), async ({ workbench: wb }) => {
    const { page, view } = wb;
    await view.inlineAction(view.row(o.team).first(), W.showTrend);
    const f = await wb.webview(W.trend(o.team));
    const labels = await until('the time axis labels', async () => {
      const l = await f.locator('#axis-labels').getAttribute('data-labels', { timeout: 1000 }).catch(() => null);
      return l ? l.split('|') : undefined;
    });
    expect(labels.length, `axis labels: ${labels.join(' ')}`).toBeGreaterThanOrEqual(2);
    expect(new Set(labels).size, `axis labels repeat: ${labels.join(' ')}`).toBe(labels.length);
    await wb.moveMouseAway();
    await shot(page, `${o.prefix}-trend-axis.png`);
  });

  test(name('outage: the queue row keeps its "not current" words at 300 px; no tooltip\'s first line holds a code'), async ({ workbench: wb, sim }) => {
    test.setTimeout(180_000); // an outage, its detection, and the gateway back
    const { page, view, palette, statusBar } = wb;
    await view.open();
    await view.setWidth(300);
    await until('the Billing queue row with numbers', async () => /\d/.test((await view.description('Billing')) ?? ''), 30_000);
    await sim.stop();
    try {
      await palette.run(W.refresh);
      const queue = await until('the Billing row saying its numbers are not current', async () => {
        const d = await view.description('Billing');
        return d && W.notCurrent.test(d) ? d : undefined;
      }, 45_000);
      expect(await view.isCut(view.row('Billing').first()), `the Billing row is cut at 300 px: "${queue}"`).toBe(false);
      const total = await until(`the ${W.total} row not current`, async () => {
        const d = await view.description(W.total);
        return d && W.notCurrent.test(d) ? d : undefined;
      }, 30_000);
      // The status bar says it too, in the same words (it updates on its own schedule, a moment after the rows).
      const notCurrent = new RegExp(W.notCurrent.source.replace('^', ''));
      const bar = await until(`the status bar saying its numbers are not current (Total: "${total}")`, async () => {
        const t = (await statusBar.item.first().innerText()).trim();
        return notCurrent.test(t) ? t : undefined;
      });
      expect(bar).toMatch(notCurrent);
      await wb.moveMouseAway();
      await shot(page, `${o.prefix}-outage.png`);
      const seen = [];
      for (const label of ['101', W.total, 'Billing']) {
        const lines = await view.tooltipLines(view.row(label).first(), label);
        seen.push(`${label}: ${JSON.stringify(lines)}`);
        expect(lines[0] ?? '', `the first line of ${label}'s tooltip: ${JSON.stringify(lines)}`).not.toMatch(CODE);
        expect(lines[0] ?? '', `the first line of ${label}'s tooltip holds an ID: ${JSON.stringify(lines)}`).not.toMatch(/\bID\b/);
      }
      // The code is not lost: the agent's tooltip ends with it.
      const agent = await view.tooltipLines(view.row('101').first(), '101');
      expect(agent.at(-1) ?? '', `row 101's tooltip during the outage: ${JSON.stringify(agent)}`).toMatch(W.details);
      expect(agent.at(-1) ?? '', `row 101's tooltip during the outage: ${JSON.stringify(agent)}`).toMatch(CODE);
    } finally {
      await sim.restart();
    }
    await palette.run(W.refresh);
    await until('the Billing row current again', async () => {
      const d = await view.description('Billing');
      return d && !W.notCurrent.test(d) ? d : undefined;
    }, 45_000);
    await delay(200);
  });
}
