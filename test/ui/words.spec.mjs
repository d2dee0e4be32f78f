// The words a supervisor reads, in English, at the default side-bar width (wordsUiTest.mjs; the
// same tests run in Chinese in zhCn.spec.mjs). Its own code-server and simulator: the gateway URL
// comes with the settings (the walkthrough's first step is already done), 101 and 102 are talking,
// 101 has a password, nobody is signed in at first.
import { secrets } from '../playwright/secrets.mjs';
import { test, vsixToInstall } from '../playwright/fixtures.mjs';
import { COUNTERS } from './counters.mjs';
import { wordsTests } from './wordsUiTest.mjs';
import { until } from '../playwright/pages/wait.mjs';

test.describe.configure({ mode: 'serial' });
test.use({
  simulatorOptions: { guid: secrets().guid },
  codeServerOptions: [
    async ({ sim }, use) => {
      for (const [id, c] of Object.entries(COUNTERS)) sim.setCounters(id, c);
      sim.agentStates.set('101', 'talking');
      sim.agentStates.set('102', 'talking');
      sim.agentStates.set('103', 'rest');
      sim.sessions.setPassword('101', secrets().queuePassword);
      await use({
        installVsix: vsixToInstall(),
        userSettings: {
          'ccGateway.tls.caFile': sim.caFile,
          'ccGateway.gatewayUrl': sim.url,
          'ccGateway.agents': ['101', '102', '103'],
          'ccGateway.teams': { Hotline: ['101', '102', '103'] },
          'ccGateway.pollIntervalSeconds': 5,
        },
      });
    },
    { scope: 'worker' },
  ],
});

wordsTests(test, {
  lang: 'en',
  team: 'Hotline',
  prefix: '16',
  ticksSignIn: false,
  // The static way, as the welcome view offers it: the tree (and its session rows) shows once a credential is there.
  pasteGuid: async ({ view, quickInput }, s) => {
    const link = view.welcome.getByRole('link', { name: 'Paste the Guid' }).or(view.welcome.locator('a', { hasText: 'Paste the Guid' }));
    await link.first().click();
    await quickInput.submitSecret(s.guid);
    await quickInput.waitHidden();
    await until('the agent rows', () => view.row('101').first().isVisible(), 30_000);
  },
});
