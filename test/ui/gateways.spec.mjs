// In the browser: three gateways at once (the worker's simulator as the top-level
// gateway, two more as ccGateway.gateways entries), each given its Guid from the palette, which
// asks which gateway. Then the gateway rows with their state and totals at the default side-bar
// width (300 px): nothing cut. Its own code-server and simulators.
import { setTimeout as delay } from 'node:timers/promises';
import { expect, loadSimulator, shot, test, vsixToInstall } from '../playwright/fixtures.mjs';
import { secrets } from '../playwright/secrets.mjs';
import { until } from '../playwright/pages/wait.mjs';

/** The two listed gateways' simulators (started with the worker's code-server, stopped with it). */
const listed = [];

/** The description of the gateway's row in the Agents view (the Queues view has a row of the same name). */
async function agentsRow(view, name) {
  const all = await view.row(name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).locator('.label-description').allInnerTexts();
  return all.find((d) => d.includes('↓'));
}

test.describe.configure({ mode: 'serial' });
test.use({
  simulatorOptions: { guid: secrets().guid },
  codeServerOptions: [
    async ({ sim }, use) => {
      const { startSimulator } = loadSimulator();
      for (let i = 0; i < 2; i++) listed.push(await startSimulator());
      sim.setCounters('101', { answernums: 1, calloutnums: 0, talktime: 60 });
      listed[0].setCounters('101', { answernums: 22, calloutnums: 2, talktime: 600 });
      listed[1].setCounters('101', { answernums: 333, calloutnums: 3, talktime: 9000 });
      try {
        await use({
          installVsix: vsixToInstall(),
          userSettings: {
            'ccGateway.tls.caFile': sim.caFile,
            'ccGateway.gatewayUrl': sim.url,
            'ccGateway.agents': ['101'],
            'ccGateway.gateways': [
              { name: 'Shenzhen hotline', url: listed[0].url, agents: ['101', '102'], 'tls.caFile': listed[0].caFile },
              { name: 'Test', url: listed[1].url, agents: ['101'], 'tls.caFile': listed[1].caFile },
            ],
          },
        });
      } finally {
        await Promise.all(listed.map((s) => s.stop()));
      }
    },
    { scope: 'worker' },
  ],
});

test('16 several gateways: the palette asks which gateway; a row per gateway with its state and totals, nothing cut at 300 px', async ({ workbench: wb, sim }) => {
  test.setTimeout(150_000); // three Guids typed through the palette, on a loaded machine
  const { page, view, palette, quickInput, statusBar } = wb;
  await palette.run('View: Close All Editors').catch(() => {});
  await view.open();
  const topName = new URL(sim.url).host;
  await until('three gateway rows', async () => {
    const labels = await view.labels();
    return [topName, 'Shenzhen hotline', 'Test'].every((n) => labels.includes(n));
  }, 30_000);
  // Set Guid from the palette: it asks which gateway, then the Guid of that one.
  for (const [name, s] of [[topName, sim], ['Shenzhen hotline', listed[0]], ['Test', listed[1]]]) {
    await palette.run('CC-Gateway: Set Guid');
    await until('the gateway picker', async () => (await quickInput.rows.allInnerTexts()).join('\n').includes('Shenzhen hotline'));
    const choices = (await quickInput.rows.allInnerTexts()).join(' | ');
    expect(choices, `the picker lists every gateway: ${choices}`).toContain(topName);
    await quickInput.pick(name);
    await quickInput.submitSecret(s.guid);
    await quickInput.waitHidden();
  }
  await until('totals on every gateway row', async () => {
    const [a, b, c] = [await agentsRow(view, topName), await agentsRow(view, 'Shenzhen hotline'), await agentsRow(view, 'Test')];
    return /↓1 ↑0/.test(a ?? '') && /↓22 ↑2/.test(b ?? '') && /↓333 ↑3/.test(c ?? '');
  }, 30_000);
  await view.setWidth(300);
  const width = await view.width();
  expect(Math.abs(width - 300), `the side bar is ${width} px wide, not the default 300`).toBeLessThanOrEqual(4);
  await wb.moveMouseAway();
  await delay(500);
  const cut = await view.cutRows();
  await shot(page, '16-several-gateways-300px.png');
  expect(cut, `rows cut at 300 px: ${cut.join('; ')}`).toEqual([]);
  const testRow = (await agentsRow(view, 'Test')) ?? '';
  expect(testRow, `the gateway row says its totals, then its state: "${testRow}"`).toMatch(/^↓333 ↑3 · Guid set/);
  // Agent 101 is watched on all three gateways: three rows, one under each gateway.
  expect(await view.row('101').count(), 'agent 101 under each gateway').toBe(3);
  const label = await until('the status bar with the sum of all gateways', async () => {
    const l = await statusBar.label();
    return l && /3 gateways: 356 answered/.test(l) ? l : undefined;
  });
  expect(label).toMatch(/Shenzhen hotline: Guid set · 22 answered/);
});
