// Browser UI tests: a real VS Code 1.100 workbench (code-server) in Debian's Chromium, driven
// by playwright-core like a person would (activity bar, command palette, input boxes), with the
// extension under development loaded and the HTTPS gateway simulator running in this process.
// One code-server for all tests; the settings states are switched by rewriting
// ud/User/settings.json and reloading the page (code-server 4.100.3 does not pick up edits of
// that file live: it does not watch it). Tests run in order and build on each other.
// Used by scripts/test.mjs (in-process) and test/ui/run.mjs (standalone).
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { launchBrowser, startCodeServer, writeUserSettings } from '../../scripts/lib/codeServer.mjs';
import { formatMs, repoRoot } from '../../scripts/lib/prereqs.mjs';
import { registerQueueTests } from './queuesUiTest.mjs';

const TEST_TIMEOUT_MS = 45_000;
const ACTION_TIMEOUT_MS = 15_000;
const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
const STATUS_ITEM_ID = `${EXTENSION_ID}.ccGateway.status`;

// Counters the simulator reports; the expected texts follow from them.
const COUNTERS = {
  101: { talktime: 4328, answernums: 5, calloutnums: 0 }, // 1:12:08
  102: { talktime: 1815, answernums: 3, calloutnums: 2 }, // 0:30:15
};

class TestFailure extends Error {}

function assert(cond, message) {
  if (!cond) throw new TestFailure(message);
}

/** Polls `probe` (returns a value, or undefined/false while not there yet) until it succeeds. */
async function waitFor(what, probe, timeoutMs = ACTION_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new TestFailure(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (${last.message.split('\n')[0]})` : ''}`);
    }
    await delay(200);
  }
}

// ---------------------------------------------------------------------------
// Workbench helpers

function ui(page) {
  const sidebar = page.locator('.part.sidebar');
  const welcome = sidebar.locator('.welcome-view-content');
  const quickInput = page.locator('.quick-input-widget');

  async function openView() {
    const tab = page.locator('.part.activitybar').getByRole('tab', { name: 'CC-Gateway' });
    const container = page.locator('#workbench\\.view\\.extension\\.ccGateway');
    await tab.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    // Clicking the active entry closes the side bar, and right after a reload the entry can be
    // active while the side bar is still being restored: click only when it stays closed.
    await waitFor('the CC-Gateway view container in the side bar', async () => {
      if (await container.isVisible()) return true;
      if ((await tab.getAttribute('aria-selected')) === 'true') {
        await delay(1000);
        if (await container.isVisible()) return true;
      }
      await tab.click();
      await delay(500);
      return container.isVisible();
    });
    await widenSideBar();
  }

  /** Drags the side bar's sash so rows show their whole description (nicer screenshots). */
  async function widenSideBar(width = 480) {
    const box = await sidebar.boundingBox();
    if (box && box.width < width - 10) await setSideBarWidth(width);
  }

  async function welcomeShows(textRe, button) {
    // Probes never wait (allInnerTexts/count/isVisible): waitFor does the polling.
    await waitFor(`the welcome text ${textRe} with a "${button}" button`, async () => {
      const text = (await welcome.allInnerTexts()).join('\n');
      return textRe.test(text) && (await welcome.getByRole('button', { name: button }).first().isVisible());
    });
  }

  /** F1, type the command title like a person, wait until it is the focused entry, Enter. */
  async function runCommand(title) {
    await page.keyboard.press('Escape'); // close any quick input still open
    await page.keyboard.press('F1');
    await quickInput.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await page.keyboard.type(title, { delay: 10 });
    const focused = quickInput.locator('.monaco-list-row.focused');
    await waitFor(`"${title}" as the focused palette entry`, async () => {
      const first = ((await focused.allInnerTexts())[0] ?? '').split('\n')[0].trim();
      return first === title || first === `${title}…`;
    });
    await page.keyboard.press('Enter');
  }

  function treeRow(label) {
    return sidebar.locator('[role="treeitem"]').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
  }

  async function rowDescription(label) {
    const row = treeRow(label).first();
    if (!(await row.isVisible())) return undefined;
    return ((await row.locator('.label-description').allInnerTexts())[0] ?? '').trim();
  }

  function statusItem() {
    return page.locator(`.part.statusbar [id="${STATUS_ITEM_ID}"]`);
  }

  async function statusLabel() {
    const item = statusItem().first();
    if (!(await item.isVisible())) return undefined;
    return item.evaluate((el) => el.getAttribute('aria-label') ?? el.querySelector('[aria-label]')?.getAttribute('aria-label') ?? undefined, undefined, { timeout: 2000 });
  }

  async function clearNotifications() {
    await runCommand('Notifications: Clear All Notifications');
    await waitFor('the notification toasts to go away', async () => (await page.locator('.notifications-toasts .notification-toast').count()) === 0, 5000).catch(() => {});
  }

  /** Drags the sash to an exact width (the default side bar is about 300 px). */
  async function setSideBarWidth(width) {
    const box = await sidebar.boundingBox();
    if (!box || Math.abs(box.width - width) < 4) return;
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + (width - box.width), y, { steps: 5 });
    await page.mouse.up();
    await page.mouse.move(860, 500);
  }

  /** The inner document of the webview whose heading matches (webviews are nested iframes). */
  async function webview(headingRe) {
    return waitFor(`a webview titled ${headingRe}`, async () => {
      const n = await page.locator('iframe.webview.ready').count();
      for (let i = 0; i < n; i++) {
        const f = page.frameLocator(`iframe.webview.ready >> nth=${i}`).frameLocator('#active-frame');
        const h = await f.locator('h1').first().innerText({ timeout: 500 }).catch(() => '');
        if (headingRe.test(h)) return f;
      }
      return undefined;
    });
  }

  return { sidebar, welcome, quickInput, openView, welcomeShows, runCommand, treeRow, rowDescription, statusItem, statusLabel, clearNotifications, setSideBarWidth, webview };
}

// ---------------------------------------------------------------------------

/**
 * Runs the UI tests. Options:
 *   codeServerBin, artifactsDir, log(line),
 *   addSecret(guid): called with every Guid used (the caller redacts and leak-checks it),
 *   onServer(dirs): called with the code-server run dirs (for the leak check),
 *   registerCleanup(fn): lets the caller stop servers/browser/simulator on SIGINT.
 * Returns { passed, failed, failures }. Writes artifactsDir/ui.json and screenshots/.
 */
export async function runUiTests({ codeServerBin, vsix, artifactsDir, log = console.log, addSecret = () => {}, onServer = () => {}, registerCleanup = () => {}, zhCn }) {
  const shotsDir = path.join(artifactsDir, 'screenshots');
  fs.mkdirSync(shotsDir, { recursive: true });
  const results = [];
  const cleanups = [];
  const cleanup = (fn) => {
    cleanups.push(fn);
    registerCleanup(fn);
  };
  const guid = `${crypto.randomUUID()}.AgentGateway1`;
  addSecret(guid);
  const redact = (s) => String(s).split(guid).join('<guid>');

  const tests = [];
  const test = (name, fn) => tests.push({ name, fn });
  let ctx;

  test('01 first run: the walkthrough opens by itself; the welcome view asks for the gateway URL', async () => {
    const { page, u } = ctx;
    // The extension activates when its view opens (no startup activation); its first activation opens the walkthrough.
    await u.openView();
    const walkthrough = page.locator('.gettingStartedContainer');
    const text = await waitFor('the walkthrough "Watch your agents with CC-Gateway"', async () => {
      const t = (await walkthrough.count()) ? (await walkthrough.first().innerText()).replace(/\s+/g, ' ') : '';
      return /Watch your agents with CC-Gateway/.test(t) ? t : undefined;
    }, 30_000);
    assert(/Sign in with an agent account of your own/.test(text), `walkthrough steps: ${text.slice(0, 300)}`);
    await ctx.shot('01-walkthrough.png');
    await u.runCommand('View: Close All Editors');
    await u.openView();
    await u.welcomeShows(/gateway URL/i, 'Set Gateway URL…');
    await ctx.shot('01-welcome-no-url.png');
  });

  // The states are reached like a person would: the welcome buttons' commands from the palette.
  // (Rewriting settings.json and reloading raced with code-server's settings cache.)
  const typeIntoInputBox = async (text) => {
    const { page, u } = ctx;
    const input = u.quickInput.locator('input.input');
    await input.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await input.fill('');
    await page.keyboard.type(text, { delay: 5 });
    await page.keyboard.press('Enter');
    await u.quickInput.waitFor({ state: 'hidden', timeout: ACTION_TIMEOUT_MS });
  };

  test('02 welcome: no agents watched', async () => {
    const { u } = ctx;
    await u.openView();
    await u.runCommand('CC-Gateway: Set Gateway URL');
    await typeIntoInputBox(ctx.sim.url);
    await u.welcomeShows(/No agents are watched/, 'Add Agent…');
    await ctx.shot('02-welcome-no-agents.png');
  });

  test('03a welcome: agents but no Guid, and no toast repeating it', async () => {
    const { page, u } = ctx;
    for (const id of ['101', '102']) {
      await u.runCommand('CC-Gateway: Add Agent');
      await typeIntoInputBox(id);
    }
    await u.openView();
    // Issue 20: Sign In leads, in plain words; pasting a Guid is the advanced way, a link, not a button of equal weight.
    await u.welcomeShows(/Sign in to see the numbers.*agent account of your own/s, 'Sign In…');
    const welcomeText = (await u.welcome.allInnerTexts()).join('\n');
    assert(/Advanced \(static authentication\): paste a Guid/.test(welcomeText), `welcome text: ${welcomeText}`);
    assert(!(await u.welcome.getByRole('button', { name: 'Set Guid…' }).count()), 'no "Set Guid…" button beside Sign In');
    // The view says it, with the button: a toast saying the same would still be there, wrong, once the Guid is set.
    await delay(1500);
    const toasts = (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join('\n');
    assert(!/No Guid is stored/.test(toasts), `a notification repeats the welcome view on first open: "${toasts.replace(/\s+/g, ' ')}"`);
    await ctx.shot('03-welcome-no-guid.png');
  });

  test('03b set the Guid from the palette: agent rows and status bar appear', async () => {
    const { page, u } = ctx;
    await u.openView();
    await u.runCommand('CC-Gateway: Set Guid');
    const password = u.quickInput.locator('input[type="password"]');
    await password.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await page.keyboard.type(guid, { delay: 5 });
    await page.keyboard.press('Enter');

    const d101 = await waitFor('row "101" with its state and numbers', async () => {
      const d = await u.rowDescription('101');
      return d && /idle/.test(d) ? d : undefined;
    });
    const d102 = await waitFor('row "102" with its state and numbers', async () => {
      const d = await u.rowDescription('102');
      return d && /idle/.test(d) ? d : undefined;
    });
    assert(d101 === 'idle · ↓5 ↑0 · 1:12:08', `row 101 shows "${d101}", expected idle · ↓5 ↑0 · 1:12:08`);
    assert(d102 === 'idle · ↓3 ↑2 · 0:30:15', `row 102 shows "${d102}", expected idle · ↓3 ↑2 · 0:30:15`);
    const label = await waitFor('the status bar item with the totals', async () => {
      const l = await u.statusLabel();
      return l && /answered/.test(l) ? l : undefined;
    });
    assert(/\b8 answered\b/.test(label) && /\b2 outbound\b/.test(label) && label.includes('1:42:23'), `status bar says "${label}", expected 8 answered, 2 outbound, 1:42:23`);
    await page.mouse.move(860, 500); // off the activity bar: no hover tooltip in the shot
    await ctx.shot('03-agents.png');
  });

  test('04 query an agent: validation message, then the numbers in a notification', async () => {
    const { page, u } = ctx;
    await u.runCommand('CC-Gateway: Query Agent Statistics');
    const input = u.quickInput.locator('input.input').first();
    await waitFor('the agent ID input box', async () => (await input.isVisible()) && (await input.inputValue()) === '');
    const message = u.quickInput.locator('.quick-input-message');
    const messageText = async () => ((await message.allInnerTexts())[0] ?? '').trim();
    const prompt = await messageText(); // the prompt shows in the same place until validation fails
    await page.keyboard.type('abc', { delay: 20 });
    const text = await waitFor('the validation message (other than the prompt) naming 101', async () => {
      const t = await messageText();
      return t && t !== prompt && t.includes('101') ? t : undefined;
    });
    assert(/59999/.test(text), `validation message "${text}" does not name the maximum 59999`);
    await ctx.shot('04-query-validation.png');

    await page.keyboard.press('Control+A');
    await page.keyboard.type('101', { delay: 20 });
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'Agent 101' });
    const toastText = await waitFor('a notification with the numbers of agent 101', async () => ((await toast.first().isVisible()) ? await toast.first().innerText() : undefined));
    assert(toastText.includes('5 answered') && toastText.includes('1:12:08'), `notification says "${toastText.replace(/\s+/g, ' ')}", expected 5 answered and 1:12:08`);
    await ctx.shot('04-query-result.png');
  });

  test('05 a new call shows up after Refresh', async () => {
    const { page, u } = ctx;
    await u.clearNotifications();
    const before = await waitFor('row "101"', () => u.rowDescription('101'));
    ctx.sim.simulateCall('101', { talkSeconds: 60 });
    await u.runCommand('CC-Gateway: Refresh');
    const after = await waitFor('the description of "101" to change', async () => {
      const d = await u.rowDescription('101');
      return d && d !== before ? d : undefined;
    });
    assert(after.includes('↓6') && after.includes('1:13:08'), `after one more 60 s call, row 101 shows "${after}" (before: "${before}"), expected ↓6 and 1:13:08`);
    await page.mouse.move(860, 500); // off the activity bar: no hover tooltip in the shot
    await ctx.shot('05-after-call.png');
  });

  test('06 a self-signed gateway: review its certificate in the dialog, trust it, numbers appear', async () => {
    const { page, u } = ctx;
    const { startSimulator } = createRequire(import.meta.url)(path.join(repoRoot, 'out', 'src', 'simulator', 'simulator.js'));
    const selfSigned = await startSimulator({ guid, tls: 'selfSigned' });
    cleanup(() => selfSigned.stop());
    selfSigned.setCounters('101', COUNTERS['101']);
    selfSigned.setCounters('102', COUNTERS['102']);
    await u.clearNotifications();
    await u.runCommand('CC-Gateway: Set Gateway URL');
    await typeIntoInputBox(selfSigned.url);
    // Guids are kept per gateway: this one needs its own.
    await u.welcomeShows(/Sign in to see the numbers/, 'Sign In…');
    await u.runCommand('CC-Gateway: Set Guid');
    await u.quickInput.locator('input[type="password"]').waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await page.keyboard.type(guid, { delay: 5 });
    await page.keyboard.press('Enter');

    const banner = u.treeRow('Certificate not trusted: review it').first();
    await waitFor('the "Certificate not trusted" row', () => banner.isVisible());
    assert(selfSigned.stats.guidsSeen.size === 0, 'a Guid reached a gateway whose certificate nobody trusted');
    await banner.click();
    const dialog = page.locator('.monaco-dialog-box');
    const text = await waitFor('the certificate dialog with the fingerprint', async () => {
      const t = (await dialog.isVisible()) ? await dialog.innerText() : '';
      return t.includes(selfSigned.fingerprint256) ? t : undefined;
    });
    assert(/Subject: CN=localhost/.test(text) && /\(self-signed\)/.test(text) && /Problem: its certificate is self-signed/.test(text) && /Valid: \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d/.test(text), `dialog says "${text.replace(/\s+/g, ' ')}"`);
    await ctx.shot('06-trust-certificate.png');
    await dialog.getByRole('button', { name: 'Trust This Certificate' }).click();
    const d101 = await waitFor('row "101" with numbers from the self-signed gateway', async () => {
      const d = await u.rowDescription('101');
      return d && /↓/.test(d) ? d : undefined;
    });
    assert(d101.includes('↓5'), `row 101 shows "${d101}"`);
    assert(selfSigned.stats.guidsSeen.has(guid), 'the Guid went to the trusted gateway');
  });

  // --- Supervisor view (issue 13) -------------------------------------------
  /** Picks the focused quick-pick entry whose label matches, like a person with the arrow keys. */
  const pick = async (text) => {
    const { page, u } = ctx;
    const rows = u.quickInput.locator('.monaco-list-row');
    await waitFor(`the quick pick entry "${text}"`, async () => (await rows.allInnerTexts()).some((t) => t.includes(text)));
    await page.keyboard.type(text, { delay: 5 });
    const focused = u.quickInput.locator('.monaco-list-row.focused');
    await waitFor(`"${text}" focused`, async () => ((await focused.allInnerTexts())[0] ?? '').includes(text));
    await page.keyboard.press('Enter');
  };
  const rowOrder = async (parentRe) => {
    const { sidebar } = ctx.u;
    const labels = await sidebar.locator('[role="treeitem"] .label-name').allInnerTexts();
    const at = labels.findIndex((l) => parentRe.test(l));
    return labels.slice(at + 1).filter((l) => /^\d+$/.test(l));
  };

  test('07 rows fit the default side bar width (300 px): state, counters and talk time, nothing cut off', async () => {
    const { page, u } = ctx;
    await u.clearNotifications();
    await u.runCommand('CC-Gateway: Set Gateway URL');
    await typeIntoInputBox(ctx.sim.url);
    await u.openView();
    await u.setSideBarWidth(300);
    const d = await waitFor('row 101 from the first gateway', async () => {
      const t = await u.rowDescription('101');
      return t && t.includes('1:13:08') ? t : undefined;
    });
    // Issue 20: minutes in the state follow the state word once it lasts a minute.
    assert(/^idle( ≥?\d+ min)? · ↓6 ↑0 · 1:13:08$/.test(d), `row 101 shows "${d}"`);
    for (const id of ['101', '102']) {
      const cut = await u.treeRow(id).first().locator('.monaco-icon-label-container').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
      assert(!cut, `row ${id} is cut off at 300 px`);
    }
    await page.mouse.move(860, 500);
    await ctx.shot('07-rows-300px.png');
  });

  test('08 teams: add agents to a team from the palette; team and totals rows with their sums', async () => {
    const { page, u } = ctx;
    for (const [id, existing] of [['101', false], ['102', true]]) {
      await u.runCommand('CC-Gateway: Add to Team');
      // A quick pick follows at once in the same widget: type and accept, without waiting for it to close.
      const input = u.quickInput.locator('input.input');
      await input.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
      await page.keyboard.type(id, { delay: 5 });
      await page.keyboard.press('Enter');
      if (existing) await pick('Hotline');
      else {
        await pick('New Team');
        await typeIntoInputBox('Hotline');
      }
    }
    const team = await waitFor('the Hotline row with its totals', async () => {
      const t = await u.rowDescription('Hotline');
      return t && t.startsWith('↓9 ↑2 · 1:43:23') ? t : undefined;
    });
    assert(/^↓9 ↑2 · 1:43:23( · 2 idle)?$/.test(team), `team row says "${team}"`);
    const total = await u.rowDescription('Total');
    assert(/^↓9 ↑2 · 1:43:23( · 2 idle)?$/.test(total), `totals row says "${total}"`);
    await page.mouse.move(860, 500);
    await ctx.shot('08-teams.png');
  });

  test('09 a sort change from the palette re-orders the rows and is kept', async () => {
    const { u } = ctx;
    assert((await rowOrder(/^Hotline$/)).join() === '101,102', `order before: ${(await rowOrder(/^Hotline$/)).join()}`);
    await u.runCommand('CC-Gateway: Sort Agents By');
    await pick('Outbound calls');
    await waitFor('102 (2 outbound) above 101 (0)', async () => (await rowOrder(/^Hotline$/)).join() === '102,101');
  });

  test('10 a threshold: warning icon on the row, the reason in its label, the count in the status bar', async () => {
    const { page, u } = ctx;
    await u.runCommand('Preferences: Open User Settings');
    await page.locator('.settings-editor .search-container').first().waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await page.locator('.settings-editor .search-container').first().click();
    await page.keyboard.type('ccGateway.thresholds.averageTalkSeconds', { delay: 5 });
    const item = page.locator('.settings-editor .setting-item', { hasText: 'Average Talk Seconds' }).first();
    await item.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    const input = item.locator('input').first();
    // fill() replaces the value as one input event: typed keys were lost under load ("000" instead of "700").
    await input.fill('700'); // 101: 4388 s / 6 = 731 s per call; 102: 605 s
    await waitFor('the Settings editor holding 700', async () => (await input.inputValue()) === '700');
    await delay(800); // the Settings editor writes after a short debounce
    await ctx.shot('10-settings.png');
    await u.runCommand('View: Close All Editors');
    await u.openView();
    const row = u.treeRow('101').first();
    await waitFor('a warning icon on row 101', () => row.locator('.codicon-warning').first().isVisible());
    const aria = await row.getAttribute('aria-label');
    assert(/over the threshold 0:11:40/.test(aria ?? ''), `row 101 reads "${aria}"`);
    assert(!(await u.treeRow('102').first().locator('.codicon-warning').count()), 'row 102 is under the threshold');
    const label = await waitFor('the status bar count', async () => {
      const l = await u.statusLabel();
      return l && /\b1 agent needs attention/.test(l) ? l : undefined;
    });
    assert(label.includes('answered'), label);
    await page.mouse.move(860, 500);
    await ctx.shot('10-threshold.png');
  });

  test('11 Show Trend from a row: chart and a data table with the simulator\'s numbers', async () => {
    const { page, u } = ctx;
    for (const talkSeconds of [90, 90]) {
      const before = await u.rowDescription('101');
      ctx.sim.simulateCall('101', { talkSeconds });
      await u.runCommand('CC-Gateway: Refresh');
      await u.openView();
      await waitFor('row 101 to change', async () => (await u.rowDescription('101')) !== before);
    }
    await u.setSideBarWidth(300);
    const row = u.treeRow('101').first();
    await row.hover();
    await row.locator('.action-label[aria-label="Show Trend"]').click();
    const f = await u.webview(/^Trend: agent 101$/);
    await waitFor('the data table', () => f.locator('#trend-table tbody tr').first().isVisible());
    const cells = await f.locator('#trend-table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
    // Since the first record of the day (the first poll of this gateway, test 03b): the calls of tests 05 and 11.
    const c = ctx.sim.counters('101');
    const answered = cells.reduce((n, r) => n + Number(r[1]), 0);
    assert(answered === c.answernums - COUNTERS['101'].answernums, `the table has ${answered} answered calls (${JSON.stringify(cells)}), the simulator took ${c.answernums - COUNTERS['101'].answernums}`);
    const talk = c.talktime - COUNTERS['101'].talktime;
    const hms = `${Math.floor(talk / 3600)}:${String(Math.floor((talk % 3600) / 60)).padStart(2, '0')}:${String(talk % 60).padStart(2, '0')}`;
    assert(cells[cells.length - 1][3] === hms, `cumulative talk time ${cells[cells.length - 1][3]}, expected ${hms}`);
    assert(await f.locator('canvas').first().isVisible(), 'the chart is drawn');
    await page.mouse.move(860, 500);
    await ctx.shot('11-trend.png');
  });

  test('12 Show Detailed Statistics: a table in plain words with h:mm:ss', async () => {
    const { page, u } = ctx;
    const row = u.treeRow('101').first();
    await row.click({ button: 'right' });
    const entry = page.locator('.context-view .action-label', { hasText: 'Show Detailed Statistics' }).first();
    await entry.hover();
    await page.keyboard.press('Enter');
    const f = await u.webview(/^Agent 101: detailed statistics$/);
    const text = await waitFor('the counters table', async () => {
      const t = await f.locator('table').innerText({ timeout: 1000 }).catch(() => '');
      return t.includes('Calls answered') ? t : undefined;
    });
    const c = ctx.sim.counters('101');
    assert(new RegExp(`Calls answered\\s+${c.answernums}\\s+answernums`).test(text), `table: ${text}`);
    assert(/Talk time\s+1:16:08\s+talktime/.test(text), `talk time as h:mm:ss: ${text}`);
    // Issue 20: every counter in words (the two the documentation does not name too), and a way to refresh the snapshot.
    assert(/Hold time \(undocumented field\)\s+\d+:\d\d:\d\d\s+holdtime/.test(text) && /Waiting time \(undocumented field\)/.test(text), `undocumented counters in words: ${text}`);
    assert(await f.locator('button', { hasText: 'Refresh' }).count(), 'a Refresh button on the page');
    assert(/^Updated at \d\d:\d\d:\d\d from /.test(await f.locator('p.status').innerText()), 'when the numbers were updated');
    await ctx.shot('12-details.png');
  });

  // --- Issue 20 --------------------------------------------------------------
  /** Every tree row whose label container is wider than what it shows: [label, description] of each. */
  const cutRows = async () => {
    const { sidebar } = ctx.u;
    return sidebar.locator('[role="treeitem"]').evaluateAll((rows) =>
      rows
        .map((r) => {
          const c = r.querySelector('.monaco-icon-label-container');
          const name = r.querySelector('.label-name')?.textContent ?? '';
          const desc = r.querySelector('.label-description')?.textContent ?? '';
          return c && c.scrollWidth > c.clientWidth + 1 ? `${name} | ${desc} (${c.scrollWidth} > ${c.clientWidth} px)` : undefined;
        })
        .filter(Boolean),
    );
  };

  test('13 at the default width (300 px) no row is cut: two teams, a long team name, a threshold crossed', async () => {
    const { page, u } = ctx;
    // One long call puts 101 over the 700 s average of test 10 again (test 11's short calls brought it under).
    ctx.sim.simulateCall('101', { talkSeconds: 3000 });
    await u.runCommand('CC-Gateway: Refresh');
    await u.runCommand('CC-Gateway: Add to Team');
    const input = u.quickInput.locator('input.input');
    await input.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await page.keyboard.type('102', { delay: 5 });
    await page.keyboard.press('Enter');
    await pick('New Team');
    await typeIntoInputBox('Billing and collections, second line');
    await u.openView();
    await u.setSideBarWidth(300);
    await waitFor('the second team row', async () => (await ctx.u.sidebar.locator('[role="treeitem"] .label-name', { hasText: /^Billing/ }).count()) > 0);
    const width = Math.round((await u.sidebar.boundingBox()).width);
    assert(Math.abs(width - 300) <= 4, `the side bar is ${width} px wide, not the default 300`);
    await page.mouse.move(860, 500);
    await delay(500);
    const cut = await cutRows();
    await ctx.shot('13-rows-300px-teams.png');
    assert(cut.length === 0, `rows cut at 300 px: ${cut.join('; ')}`);
    const total = await u.rowDescription('Total');
    assert(/^⚠1 · ↓\d+ ↑\d+ · \d+:\d\d:\d\d/.test(total ?? ''), `the Total row shows the attention count and the numbers first: "${total}"`);
    const names = await u.sidebar.locator('[role="treeitem"] .label-name').allInnerTexts();
    assert(names.some((n) => /^Billing.*…$/.test(n)), `the long team name is shortened: ${names.join(', ')}`);
  });

  test('14 gateway stopped: Total, team and status bar say their numbers are old; back: fresh, and no notification about the Guid', async () => {
    const { page, u } = ctx;
    await u.clearNotifications();
    await ctx.sim.stop();
    try {
      await u.runCommand('CC-Gateway: Refresh');
      const total = await waitFor('the Total row marked "as of"', async () => {
        const d = await u.rowDescription('Total');
        return d && /^as of /.test(d) ? d : undefined;
      }, 30_000);
      assert(/^as of .+ · ⚠1 · ↓\d+ ↑\d+/.test(total), `Total row: "${total}"`);
      assert(await u.treeRow('Total').first().locator('.codicon-history').count(), 'the Total row has the "old numbers" icon');
      const label = await waitFor('the status bar saying its numbers are not current', async () => {
        const l = await u.statusLabel();
        return l && /not current/.test(l) ? l : undefined;
      });
      assert(/numbers as of .+, not current/.test(label), label);
      await page.mouse.move(860, 500);
      await ctx.shot('14-outage.png');
      const cut = await cutRows();
      assert(cut.length === 0, `rows cut at 300 px during the outage: ${cut.join('; ')}`);
    } finally {
      await ctx.sim.restart();
    }
    await u.runCommand('CC-Gateway: Refresh');
    await waitFor('the Total row current again', async () => {
      const d = await u.rowDescription('Total');
      return d && /^⚠1 · ↓/.test(d) ? d : undefined;
    }, 30_000);
    await delay(1500);
    const toasts = (await page.locator('.notifications-toasts .notification-toast').allInnerTexts()).join('\n');
    assert(!/Guid/.test(toasts), `a notification about the Guid after the gateway came back: "${toasts.replace(/\s+/g, ' ')}"`);
  });

  // A second workbench in Simplified Chinese (zhCn: { languagePack, beforeStart } from scripts/test.mjs):
  // the same rows must fit 300 px with Chinese words, which are wider.
  if (zhCn) {
    test('15 zh-cn: at the default width no row is cut (two teams, a long team name, a threshold crossed)', async () => {
      const server = await startCodeServer({
        codeServerBin,
        installVsix: [vsix, zhCn.languagePack].filter(Boolean),
        locale: 'zh-cn',
        beforeStart: zhCn.beforeStart,
        userSettings: {
          'ccGateway.tls.caFile': ctx.sim.caFile,
          'ccGateway.gatewayUrl': ctx.sim.url,
          'ccGateway.agents': ['101', '102', '103'],
          'ccGateway.teams': { 热线组: ['101', '102'], 账单与催收二线支持组长名称: ['103'] },
          'ccGateway.thresholds.averageTalkSeconds': 700,
        },
      });
      cleanup(server.stop);
      onServer(server.dirs);
      const browser = await launchBrowser();
      cleanup(browser.close);
      const { page } = browser;
      page.setDefaultTimeout(ACTION_TIMEOUT_MS);
      await page.goto(server.url(), { timeout: 60_000 });
      await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
      const u = ui(page);
      const zctx = { page, u };
      const saved = ctx;
      ctx = { ...ctx, ...zctx };
      try {
        await u.runCommand('View: Close All Editors').catch(() => {});
        await u.openView();
        // The welcome view's link for the static way, in Chinese.
        const link = u.welcome.getByRole('link', { name: '粘贴 Guid' }).or(u.welcome.locator('a', { hasText: '粘贴 Guid' }));
        await waitFor('the "粘贴 Guid" link of the welcome view', () => link.first().isVisible(), 30_000);
        await link.first().click();
        await u.quickInput.locator('input[type="password"]').waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
        await page.keyboard.type(guid, { delay: 5 });
        await page.keyboard.press('Enter');
        await u.setSideBarWidth(300);
        const total = await waitFor('the 合计 (Total) row with its numbers', async () => {
          const d = await u.rowDescription('合计');
          return d && /↓\d+/.test(d) ? d : undefined;
        }, 30_000);
        assert(/^⚠1 · ↓\d+ ↑\d+ · \d+:\d\d:\d\d/.test(total), `合计 row: "${total}"`);
        await page.mouse.move(860, 500);
        await delay(800);
        const cut = await cutRows();
        await page.screenshot({ path: path.join(shotsDir, '15-zh-cn-rows-300px.png') });
        assert(cut.length === 0, `rows cut at 300 px in Chinese: ${cut.join('; ')}`);
      } finally {
        ctx = saved;
        await browser.close().catch(() => {});
        await server.stop().catch(() => {});
      }
    });
  }

  // Issue 18: the Queues view, a self-contained case in its own file (signs in with a throwaway password).
  const queuePassword = `pw-${crypto.randomUUID().slice(0, 8)}`;
  addSecret(queuePassword);
  registerQueueTests({ test, ctx: () => ctx, waitFor, assert, delay, shot: (name) => ctx.shot(name), password: queuePassword, actionTimeoutMs: ACTION_TIMEOUT_MS });

  // --- setup ---------------------------------------------------------------
  const t0 = Date.now();
  let setupError;
  try {
    const simModule = path.join(repoRoot, 'out', 'src', 'simulator', 'simulator.js');
    if (!fs.existsSync(simModule)) throw new Error(`${path.relative(repoRoot, simModule)} is missing (compile with tsc -p .)`);
    const { startSimulator } = createRequire(import.meta.url)(simModule);
    const sim = await startSimulator({ guid });
    cleanup(() => sim.stop());
    for (const [id, c] of Object.entries(COUNTERS)) sim.setCounters(id, c);

    // The CA file is the one setting typed nowhere: a path a person would paste in settings.
    // With a .vsix, the extension is installed from it (what users get); without, the development folder loads.
    const server = await startCodeServer({ codeServerBin, installVsix: vsix, userSettings: { 'ccGateway.tls.caFile': sim.caFile } });
    log(vsix ? `extension installed from ${path.relative(repoRoot, vsix)}` : 'extension loaded from the development folder (no .vsix given)');
    cleanup(server.stop);
    onServer(server.dirs);
    log(`code-server on ${server.baseUrl} (dirs: ${path.relative(repoRoot, server.dirs.run)}), simulator on ${sim.url}`);

    const browser = await launchBrowser();
    cleanup(browser.close);
    const { page } = browser;
    page.setDefaultTimeout(ACTION_TIMEOUT_MS);
    // The workbench console (extension host output included) goes to a file, for diagnosis.
    const consoleLog = path.join(artifactsDir, 'ui-console.log');
    fs.writeFileSync(consoleLog, '');
    page.on('console', (msg) => {
      const text = msg.text().replace(/%c/g, '').replace(/\bcolor: #[0-9a-f]{3,6}\s*/gi, '').trim();
      fs.appendFileSync(consoleLog, `${redact(`[${msg.type()}] ${text}`)}\n`);
    });
    page.on('pageerror', (err) => log(`[workbench] page error: ${redact(err.message)}`));
    await page.goto(server.url(), { timeout: 60_000 });
    await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });

    ctx = {
      page,
      sim,
      u: ui(page),
      /** New user settings, then a reload of the workbench (which restarts the extension host). */
      settings: async (s) => {
        writeUserSettings(server.dirs.ud, s);
        await page.reload({ timeout: 60_000 });
        await page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
      },
      shot: async (name) => {
        await page.screenshot({ path: path.join(shotsDir, name) });
      },
    };
    log(`workbench loaded in ${formatMs(Date.now() - t0)}`);
  } catch (err) {
    setupError = err;
    log(`UI setup failed: ${redact(err instanceof Error ? err.message : String(err))}`);
  }

  // --- tests ---------------------------------------------------------------
  try {
    for (const { name, fn } of tests) {
      if (setupError) {
        results.push({ title: name, ok: false, message: `setup failed: ${redact(setupError.message)}` });
        log(`  ✗ ${name}: setup failed`);
        continue;
      }
      const started = Date.now();
      let timer;
      try {
        await Promise.race([
          fn(),
          new Promise((_, reject) => {
            timer = setTimeout(() => reject(new TestFailure(`test timed out after ${TEST_TIMEOUT_MS / 1000}s`)), TEST_TIMEOUT_MS);
          }),
        ]);
        results.push({ title: name, ok: true });
        log(`  ✓ ${name} (${formatMs(Date.now() - started)})`);
      } catch (err) {
        const message = redact(err instanceof Error ? err.message : String(err));
        const shot = `${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().replace(/-+$/, '')}-FAILED.png`;
        await ctx.page.screenshot({ path: path.join(shotsDir, shot), timeout: 10_000 }).catch(() => {});
        results.push({ title: name, ok: false, message, screenshot: `screenshots/${shot}` });
        log(`  ✗ ${name} (${formatMs(Date.now() - started)}): ${message}`);
        log(`    screenshot: ${path.relative(repoRoot, path.join(shotsDir, shot))}`);
        // Leave the workbench in a known state for the next test.
        await ctx.page.keyboard.press('Escape').catch(() => {});
      } finally {
        clearTimeout(timer);
      }
    }
  } finally {
    while (cleanups.length) {
      const fn = cleanups.pop();
      await Promise.race([Promise.resolve().then(fn).catch(() => {}), delay(15_000)]);
    }
  }

  const passed = results.filter((r) => r.ok).length;
  const failures = results.filter((r) => !r.ok).map(({ title, message, screenshot }) => ({ title, message, screenshot }));
  fs.writeFileSync(path.join(artifactsDir, 'ui.json'), JSON.stringify({ passed, failed: failures.length, failures }, null, 2) + '\n');
  return { passed, failed: failures.length, failures };
}
