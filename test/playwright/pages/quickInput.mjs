// @ts-check
// The quick input widget: input boxes, multi-step inputs and quick picks.
import { ACTION_TIMEOUT_MS, until } from './wait.mjs';

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').Locator} Locator */

export class QuickInput {
  /** @param {Page} page */
  constructor(page) {
    /** @readonly */
    this.page = page;
    /** @readonly */
    this.widget = page.locator('.quick-input-widget');
    /** @readonly */
    this.input = this.widget.locator('input.input');
    /** @readonly */
    this.passwordInput = this.widget.locator('input[type="password"]');
    /** @readonly */
    this.message = this.widget.locator('.quick-input-message');
    /** @readonly */
    this.rows = this.widget.locator('.monaco-list-row');
    /** @readonly */
    this.focusedRow = this.widget.locator('.monaco-list-row.focused');
  }

  /** @returns {Promise<void>} */
  waitVisible() {
    return this.widget.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
  }

  /** @returns {Promise<void>} */
  waitHidden() {
    return this.widget.waitFor({ state: 'hidden', timeout: ACTION_TIMEOUT_MS });
  }

  /**
   * Types into the box and accepts it, without waiting for the widget to close (a next step may follow in it).
   * @param {string} text
   */
  async typeAndAccept(text) {
    // Right after the palette ran a command its own input ("> CC-Gateway: …") is still in the
    // widget for a moment: keys typed then went to the closing palette and Enter to the tree.
    await until('an input of its own in the quick input widget, not the palette', async () => (await this.input.isVisible()) && !(await this.input.inputValue()).startsWith('>'));
    await this.page.keyboard.type(text, { delay: 5 });
    await this.page.keyboard.press('Enter');
  }

  /**
   * Clears the input box, types `text`, accepts it and waits for the widget to close.
   * @param {string} text
   */
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
   * @param {string} secret
   * @param {{ password?: boolean }} [options] `password: false` for a plain input box
   */
  async submitSecret(secret, { password = true } = {}) {
    const box = password ? this.passwordInput : this.input;
    await box.waitFor({ state: 'visible', timeout: ACTION_TIMEOUT_MS });
    await box.fill('');
    await typeSecret(this.page, secret);
    await this.page.keyboard.press('Enter');
  }

  /**
   * One step of a multi-step input: waits for its title (the next box replaces this one in the same widget).
   * @param {RegExp} titleRe
   * @param {string} text
   * @param {{ secret?: boolean }} [options] `secret: true` types `text` as typeSecret does
   */
  async step(titleRe, text, { secret = false } = {}) {
    await until(`the input box ${titleRe}`, async () => titleRe.test(((await this.widget.locator('.quick-input-title').allInnerTexts())[0] ?? '').trim()));
    await this.input.fill('');
    if (secret) await typeSecret(this.page, text);
    else await this.page.keyboard.type(text, { delay: 5 });
    await this.page.keyboard.press('Enter');
  }

  /**
   * The text under the box (the prompt, or the validation message once there is one).
   * @returns {Promise<string>}
   */
  async messageText() {
    return ((await this.message.allInnerTexts())[0] ?? '').trim();
  }

  /**
   * Picks the entry whose label contains `text`, like a person: types it, waits until it is focused, Enter.
   * @param {string} text
   */
  async pick(text) {
    await until(`the quick pick entry "${text}"`, async () => (await this.rows.allInnerTexts()).some((t) => t.includes(text)));
    await this.page.keyboard.type(text, { delay: 5 });
    await until(`"${text}" focused`, async () => ((await this.focusedRow.allInnerTexts())[0] ?? '').includes(text));
    await this.page.keyboard.press('Enter');
  }
}

const SECRET_BINDING = '__ccgwTypeSecret';
/** @type {WeakMap<Page, { value: string | undefined }>} */
const pending = new WeakMap();

/**
 * Inserts `secret` at the page's focus as typed text (an `insertText` edit fires the input events a keystroke would).
 * @param {Page} page
 * @param {string} secret
 */
async function typeSecret(page, secret) {
  let box = pending.get(page);
  if (!box) {
    const created = { value: /** @type {string | undefined} */ (undefined) };
    pending.set(page, created);
    await page.exposeBinding(SECRET_BINDING, () => {
      const v = created.value;
      created.value = undefined;
      return v;
    });
    box = created;
  }
  box.value = secret;
  const ok = await page.evaluate(async (name) => {
    // Runs in the page: globalThis is its window.
    const text = await /** @type {Record<string, () => Promise<unknown>>} */ (/** @type {unknown} */ (globalThis))[name]();
    return typeof text === 'string' && globalThis.document.execCommand('insertText', false, text);
  }, SECRET_BINDING);
  if (!ok) throw new Error('could not type the secret into the focused input');
}
