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
