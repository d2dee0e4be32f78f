// Page objects for a VS Code workbench in the browser (code-server): the command palette, the
// quick input (input boxes and quick picks), the side bar's tree views and welcome views, the
// notifications, the status bar and webviews. They act like a person (keys, clicks) and read
// what a person sees; the waits poll without blocking (each probe returns at once).
// Models: coder/code-server test/e2e/models/CodeServer.ts, gitkraken/vscode-gitlens tests/e2e/pageObjects.
import { setTimeout as delay } from 'node:timers/promises';

export const ACTION_TIMEOUT_MS = 15_000;
export const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
const STATUS_ITEM_ID = `${EXTENSION_ID}.ccGateway.status`;

/**
 * Polls `probe` (returns a value, or undefined/false while not there yet) until it succeeds and
 * returns that value; throws "timed out … waiting for <what>" (with the probe's last error) after `timeoutMs`.
 */
export async function until(what, probe, timeoutMs = ACTION_TIMEOUT_MS) {
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
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (${String(last.message).split('\n')[0]})` : ''}`);
    }
    await delay(200);
  }
}

/** The quick input widget: input boxes, multi-step inputs and quick picks. */
export class QuickInput {
  constructor(page) {
    this.page = page;
    this.widget = page.locator('.quick-input-widget');
    this.input = this.widget.locator('input.input');
    this.passwordInput = this.widget.locator('input[type="password"]');
    this.message = this.widget.locator('.quick-input-message');
    this.rows = this.widget.locator('.monaco-list-row');
    this.focusedRow = this.widget.locator('.monaco-list-row.focused');
  }

  waitVisible() {
    return this.widget.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
  }

  waitHidden() {
    return this.widget.waitFor({ state: 'hidden', timeout: ACTION_TIMEOUT_MS });
  }

  /** Types into the box and accepts it, without waiting for the widget to close (a next step may follow in it). */
  async typeAndAccept(text) {
    await this.input.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await this.page.keyboard.type(text, { delay: 5 });
    await this.page.keyboard.press('Enter');
  }

  /** Clears the input box, types `text`, accepts it and waits for the widget to close. */
  async submit(text) {
    await this.input.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await this.input.fill('');
    await this.page.keyboard.type(text, { delay: 5 });
    await this.page.keyboard.press('Enter');
    await this.waitHidden();
  }

  /**
   * A secret into the focused input, then Enter. The text goes to the page through a binding the
   * page calls (typeSecret is the one place a credential crosses), never as the parameter of a
   * recorded action, so the trace does not hold it; traces keep no DOM snapshots (playwright.config.mjs).
   */
  async submitSecret(secret, { password = true } = {}) {
    const box = password ? this.passwordInput : this.input;
    await box.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await box.fill('');
    await typeSecret(this.page, secret);
    await this.page.keyboard.press('Enter');
  }

  /** One step of a multi-step input: waits for its title (the next box replaces this one in the same widget). */
  async step(titleRe, text, { secret = false } = {}) {
    await until(`the input box ${titleRe}`, async () => titleRe.test(((await this.widget.locator('.quick-input-title').allInnerTexts())[0] ?? '').trim()));
    await this.input.fill('');
    if (secret) await typeSecret(this.page, text);
    else await this.page.keyboard.type(text, { delay: 5 });
    await this.page.keyboard.press('Enter');
  }

  /** The text under the box (the prompt, or the validation message once there is one). */
  async messageText() {
    return ((await this.message.allInnerTexts())[0] ?? '').trim();
  }

  /** Picks the entry whose label contains `text`, like a person: types it, waits until it is focused, Enter. */
  async pick(text) {
    await until(`the quick pick entry "${text}"`, async () => (await this.rows.allInnerTexts()).some((t) => t.includes(text)));
    await this.page.keyboard.type(text, { delay: 5 });
    await until(`"${text}" focused`, async () => ((await this.focusedRow.allInnerTexts())[0] ?? '').includes(text));
    await this.page.keyboard.press('Enter');
  }
}

const SECRET_BINDING = '__ccgwTypeSecret';
const pending = new WeakMap();

/** Inserts `secret` at the page's focus as typed text (an `insertText` edit fires the input events a keystroke would). */
async function typeSecret(page, secret) {
  if (!pending.has(page)) {
    const box = { value: undefined };
    pending.set(page, box);
    await page.exposeBinding(SECRET_BINDING, () => {
      const v = box.value;
      box.value = undefined;
      return v;
    });
  }
  pending.get(page).value = secret;
  const ok = await page.evaluate(async (name) => {
    // Runs in the page: globalThis is its window.
    const text = await globalThis[name]();
    return typeof text === 'string' && globalThis.document.execCommand('insertText', false, text);
  }, SECRET_BINDING);
  if (!ok) throw new Error('could not type the secret into the focused input');
}

/** F1 and a command title, typed like a person. */
export class CommandPalette {
  constructor(page, quickInput) {
    this.page = page;
    this.quickInput = quickInput;
  }

  /** F1, type the title, wait until it is the focused entry, Enter. */
  async run(title) {
    await this.page.keyboard.press('Escape'); // close any quick input still open
    await this.page.keyboard.press('F1');
    await this.quickInput.waitVisible();
    await this.page.keyboard.type(title, { delay: 10 });
    await until(`"${title}" as the focused palette entry`, async () => {
      const first = ((await this.quickInput.focusedRow.allInnerTexts())[0] ?? '').split('\n')[0].trim();
      return first === title || first === `${title}…`;
    });
    await this.page.keyboard.press('Enter');
  }
}

/** Notification toasts (bottom right). */
export class Notifications {
  constructor(page, palette) {
    this.page = page;
    this.palette = palette;
    this.toasts = page.locator('.notifications-toasts .notification-toast');
  }

  /** The text of every toast on screen, one string. */
  async text() {
    return (await this.toasts.allInnerTexts()).join('\n');
  }

  /** The first toast containing `text`. */
  toast(text) {
    return this.toasts.filter({ hasText: text }).first();
  }

  async clearAll() {
    await this.palette.run('Notifications: Clear All Notifications');
    await until('the notification toasts to go away', async () => (await this.toasts.count()) === 0, 5000).catch(() => {});
  }
}

/** The side bar with the extension's view container: its tree views and welcome views. */
export class TreeView {
  constructor(page, containerTitle = 'CC-Gateway', containerId = 'workbench\\.view\\.extension\\.ccGateway') {
    this.page = page;
    this.sidebar = page.locator('.part.sidebar');
    this.welcome = this.sidebar.locator('.welcome-view-content');
    this.tab = page.locator('.part.activitybar').getByRole('tab', { name: containerTitle });
    this.container = page.locator(`#${containerId}`);
    this.rows = this.sidebar.locator('[role="treeitem"]');
  }

  /** Shows the view container (activity bar), then widens the side bar for readable screenshots. */
  async open() {
    await this.tab.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    // Clicking the active entry closes the side bar, and right after a reload the entry can be
    // active while the side bar is still being restored: click only when it stays closed.
    await until('the CC-Gateway view container in the side bar', async () => {
      if (await this.container.isVisible()) return true;
      if ((await this.tab.getAttribute('aria-selected')) === 'true') {
        await delay(1000);
        if (await this.container.isVisible()) return true;
      }
      await this.tab.click();
      await delay(500);
      return this.container.isVisible();
    });
    const box = await this.sidebar.boundingBox();
    if (box && box.width < 470) await this.setWidth(480);
  }

  async welcomeShows(textRe, button) {
    await until(`the welcome text ${textRe} with a "${button}" button`, async () => {
      const text = (await this.welcome.allInnerTexts()).join('\n');
      return textRe.test(text) && (await this.welcome.getByRole('button', { name: button }).first().isVisible());
    });
  }

  async welcomeText() {
    return (await this.welcome.allInnerTexts()).join('\n');
  }

  /** Rows whose label is exactly `label`. */
  row(label) {
    return this.rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
  }

  /** The description of the first row labelled `label`, or undefined while there is none. */
  async description(label) {
    const row = this.row(label).first();
    if (!(await row.isVisible())) return undefined;
    return ((await row.locator('.label-description').allInnerTexts())[0] ?? '').trim();
  }

  async labels() {
    return this.rows.locator('.label-name').allInnerTexts();
  }

  /** Agent rows (numeric labels) after the first row whose label matches `parentRe`. */
  async agentsUnder(parentRe) {
    const labels = await this.labels();
    const at = labels.findIndex((l) => parentRe.test(l));
    return labels.slice(at + 1).filter((l) => /^\d+$/.test(l));
  }

  /** Whether `row`'s label is wider than what it shows. */
  isCut(row) {
    return row.locator('.monaco-icon-label-container').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
  }

  /** Every row whose label container is wider than what it shows: "label | description (w > w px)". */
  cutRows() {
    return this.rows.evaluateAll((rows) =>
      rows
        .map((r) => {
          const c = r.querySelector('.monaco-icon-label-container');
          const name = r.querySelector('.label-name')?.textContent ?? '';
          const desc = r.querySelector('.label-description')?.textContent ?? '';
          return c && c.scrollWidth > c.clientWidth + 1 ? `${name} | ${desc} (${c.scrollWidth} > ${c.clientWidth} px)` : undefined;
        })
        .filter(Boolean),
    );
  }

  async width() {
    return Math.round((await this.sidebar.boundingBox()).width);
  }

  /** Drags the sash to an exact width (the default side bar is about 300 px). */
  async setWidth(width) {
    const box = await this.sidebar.boundingBox();
    if (!box || Math.abs(box.width - width) < 4) return;
    const x = box.x + box.width;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(x, y);
    await this.page.mouse.down();
    await this.page.mouse.move(x + (width - box.width), y, { steps: 5 });
    await this.page.mouse.up();
    await this.page.mouse.move(860, 500);
  }

  /** Hovers the row and clicks its inline action. */
  async inlineAction(row, name) {
    await row.hover();
    await row.locator(`.action-label[aria-label="${name}"]`).click();
  }

  /** Right-click on the row, then the context menu entry (hover + Enter, as the menu takes it). */
  async contextMenu(row, entryText) {
    await row.click({ button: 'right' });
    await this.page.locator('.context-view .action-label', { hasText: entryText }).first().hover();
    await this.page.keyboard.press('Enter');
  }
}

/** The extension's status bar item. */
export class StatusBar {
  constructor(page) {
    this.item = page.locator(`.part.statusbar [id="${STATUS_ITEM_ID}"]`);
  }

  /** Its accessible label, or undefined while it is not shown. */
  async label() {
    const item = this.item.first();
    if (!(await item.isVisible())) return undefined;
    return item.evaluate((el) => el.getAttribute('aria-label') ?? el.querySelector('[aria-label]')?.getAttribute('aria-label') ?? undefined, undefined, { timeout: 2000 });
  }
}

/** One workbench page and its parts. */
export class Workbench {
  constructor(page) {
    this.page = page;
    this.quickInput = new QuickInput(page);
    this.palette = new CommandPalette(page, this.quickInput);
    this.notifications = new Notifications(page, this.palette);
    this.view = new TreeView(page);
    this.statusBar = new StatusBar(page);
  }

  async waitLoaded() {
    await this.page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  }

  /** The mouse off the activity bar and rows: no hover tooltip in a screenshot. */
  moveMouseAway() {
    return this.page.mouse.move(860, 500);
  }

  /** The inner document of the webview whose heading matches (webviews are nested iframes). */
  webview(headingRe) {
    return until(`a webview titled ${headingRe}`, async () => {
      const n = await this.page.locator('iframe.webview.ready').count();
      for (let i = 0; i < n; i++) {
        const f = this.page.frameLocator(`iframe.webview.ready >> nth=${i}`).frameLocator('#active-frame');
        const h = await f.locator('h1').first().innerText({ timeout: 500 }).catch(() => '');
        if (headingRe.test(h)) return f;
      }
      return undefined;
    });
  }

  /** Types a setting's value in the Settings editor, as a person does. */
  async openSettingsAndFind(query, title) {
    await this.palette.run('Preferences: Open User Settings');
    const search = this.page.locator('.settings-editor .search-container').first();
    await search.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await search.click();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(query, { delay: 5 });
    const item = this.page.locator('.settings-editor .setting-item', { hasText: title }).first();
    await item.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    return item.locator('input').first();
  }
}
