// A second workbench in Simplified Chinese (the test language pack and the .vsix
// installed): the rows of two teams, a long team name and a crossed threshold must fit the default
// side-bar width (300 px) with Chinese words, which are wider. Its own code-server and simulator.
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { writeLanguagePackCache, zhCnLanguagePack } from '../../scripts/lib/languagePack.mjs';
import { expect, shot, test, vsixToInstall } from '../playwright/fixtures.mjs';
import { secrets } from '../playwright/secrets.mjs';
import { until } from '../playwright/pages/wait.mjs';
import { COUNTERS } from './counters.mjs';
import { wordsTests } from './wordsUiTest.mjs';

test.describe.configure({ mode: 'serial' });
test.use({
  simulatorOptions: { guid: secrets().guid },
  codeServerOptions: [
    async ({ sim }, use) => {
      for (const [id, c] of Object.entries(COUNTERS)) sim.setCounters(id, c);
      // For the words tests (wordsUiTest.mjs): the first team's two agents talking, a password for 101.
      sim.agentStates.set('101', 'talking');
      sim.agentStates.set('102', 'talking');
      sim.sessions.setPassword('101', secrets().queuePassword);
      // scripts/test.mjs packages the language pack once for the zh-cn suites; alone, this packages it.
      const languagePack = process.env.CCGW_UI_ZH_CN_PACK || (await zhCnLanguagePack());
      await use({
        installVsix: [vsixToInstall(), languagePack].filter(Boolean),
        locale: 'zh-cn',
        beforeStart: writeLanguagePackCache,
        userSettings: {
          'ccGateway.tls.caFile': sim.caFile,
          'ccGateway.gatewayUrl': sim.url,
          'ccGateway.agents': ['101', '102', '103'],
          'ccGateway.teams': { 热线组: ['101', '102'], 账单与催收二线支持组长名称: ['103'] },
          'ccGateway.thresholds.averageTalkSeconds': 700, // 101: 4328 s / 5 = 866 s per call
          'ccGateway.pollIntervalSeconds': 5,
        },
      });
    },
    { scope: 'worker' },
  ],
});

test('15 zh-cn: at the default width no row is cut (two teams, a long team name, a threshold crossed)', async ({ workbench: wb, secrets: s }) => {
  const { page, view, palette, quickInput } = wb;
  await palette.run('View: Close All Editors').catch(() => {});
  await view.open();
  // The welcome view's link for the static way, in Chinese.
  const link = view.welcome.getByRole('link', { name: '粘贴 Guid' }).or(view.welcome.locator('a', { hasText: '粘贴 Guid' }));
  await until('the "粘贴 Guid" link of the welcome view', () => link.first().isVisible(), 30_000);
  await link.first().click();
  await quickInput.submitSecret(s.guid);
  await view.setWidth(300);
  const total = await until('the 合计 (Total) row with its numbers', async () => {
    const d = await view.description('合计');
    return d && /↓\d+/.test(d) ? d : undefined;
  }, 30_000);
  expect(total, `合计 row: "${total}"`).toMatch(/^⚠1 · ↓\d+ ↑\d+ · /);
  await wb.moveMouseAway();
  await delay(800);
  const cut = await view.cutRows();
  await shot(page, '15-zh-cn-rows-300px.png');
  expect(cut, `rows cut at 300 px in Chinese: ${cut.join('; ')}`).toEqual([]);
});

// The same words tests as words.spec.mjs, in Chinese, on this workbench (the Guid pasted above).
wordsTests(test, { lang: 'zh', team: '热线组', prefix: '17', ticksSignIn: true });

test('18 zh-cn: a queue opened to its agents at 300 px: each with its state and time in state, nothing cut', async ({ workbench: wb, secrets: s }) => {
  test.setTimeout(120_000); // a sign-in when the tests before did not leave one, and a poll interval or two
  const { page, view, palette, quickInput } = wb;
  await palette.run('View: Close All Editors').catch(() => {});
  await view.open();
  await view.setWidth(300);
  // The gateway answers queues to a signed-in agent: sign in as 101 unless the tests before left its session.
  const hint = view.row('签入后即可查看队列').first();
  if (await until('the queue rows or the sign-in hint', async () => (await hint.isVisible()) || /\d/.test((await view.description('Billing')) ?? ''), 30_000).then(() => hint.isVisible())) {
    await palette.run('CC-Gateway: 签入');
    await quickInput.step(/签入（1\/3）/, '101');
    await quickInput.step(/签入（2\/3）/, s.queuePassword, { secret: true });
    await quickInput.step(/签入（3\/3）/, '');
    await quickInput.waitHidden();
  }
  const queue = view.row('Billing').first();
  await until('the Billing row with its numbers', async () => /^\d+ 等待/.test((await view.description('Billing')) ?? ''), 30_000);
  await queue.click();
  // The Chinese state words of the glossary, then the time in state (m:ss).
  const STATE = /^(通话|整理态|示忙|休息|空闲|已签出) \d+(:\d\d)+$/;
  const agents = await until('Billing\'s agent rows with state and time in state', async () => {
    const under = await view.agentsUnder(/^Billing$/);
    if (under.length === 0) return undefined;
    const first = view.row(under[0]).first();
    const d = await view.description(under[0]);
    return d && STATE.test(d) && (await first.isVisible()) ? under : undefined;
  }, 30_000);
  const billing = await view.description('Billing');
  // The queue row counts its agents by state, in Chinese, after the calls waiting and the longest wait.
  expect(billing ?? '', `the Billing row: "${billing}"`).toMatch(/^\d+ 等待 · \d+:\d\d · \d+ (通话|整理态|示忙|休息|空闲|已签出)/);
  expect(await view.isCut(queue), `the Billing row is cut at 300 px: "${billing}"`).toBe(false);
  const row = view.row(agents[0]).first();
  const d = await view.description(agents[0]);
  expect(d ?? '', `agent ${agents[0]} under Billing: "${d}"`).toMatch(STATE);
  expect(await view.isCut(row), `agent ${agents[0]} under Billing is cut at 300 px: "${d}"`).toBe(false);
  const aria = (await row.getAttribute('aria-label')) ?? '';
  expect(aria, `agent ${agents[0]} reads "${aria}"`).toMatch(new RegExp(`^座席 ${agents[0]}, (通话|整理态|示忙|休息|空闲|已签出)，持续 \\d+(:\\d\\d)+$`));
  await wb.moveMouseAway();
  await delay(800);
  const cut = await view.cutRows();
  await shot(page, '18-zh-cn-queue-agents-300px.png');
  expect(cut, `rows cut at 300 px with Billing open: ${cut.join('; ')}`).toEqual([]);
  await queue.click();
});
