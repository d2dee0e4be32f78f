// @ts-check
// The side bar with the extension's view container: its tree views and welcome views.
import { setTimeout as delay } from 'node:timers/promises';
import { ACTION_TIMEOUT_MS, until } from './wait.mjs';

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').Locator} Locator */

export class TreeView {
  /**
   * @param {Page} page
   * @param {string} [containerTitle] the view container's name on the activity bar
   * @param {string} [containerId] the view container's element id (CSS-escaped)
   */
  constructor(page, containerTitle = 'CC-Gateway', containerId = 'workbench\\.view\\.extension\\.ccGateway') {
    /** @readonly */
    this.page = page;
    /** @readonly */
    this.sidebar = page.locator('.part.sidebar');
    /** @readonly */
    this.welcome = this.sidebar.locator('.welcome-view-content');
    /** @readonly */
    this.tab = page.locator('.part.activitybar').getByRole('tab', { name: containerTitle });
    /** @readonly */
    this.container = page.locator(`#${containerId}`);
    /** @readonly */
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

  /**
   * Waits until the welcome view's text matches `textRe` and it shows a button named `button`.
   * @param {RegExp} textRe
   * @param {string} button
   */
  async welcomeShows(textRe, button) {
    await until(`the welcome text ${textRe} with a "${button}" button`, async () => {
      const text = (await this.welcome.allInnerTexts()).join('\n');
      return textRe.test(text) && (await this.welcome.getByRole('button', { name: button }).first().isVisible());
    });
  }

  /** @returns {Promise<string>} */
  async welcomeText() {
    return (await this.welcome.allInnerTexts()).join('\n');
  }

  /**
   * Rows whose label is exactly `label` (a regular expression's source: a plain label or agent ID reads as itself).
   * @param {string} label
   * @returns {Locator}
   */
  row(label) {
    return this.rows.filter({ has: this.page.locator('.label-name', { hasText: new RegExp(`^${label}$`) }) });
  }

  /**
   * The description of the first row labelled `label`, or undefined while there is none.
   * @param {string} label
   * @returns {Promise<string | undefined>}
   */
  async description(label) {
    const row = this.row(label).first();
    if (!(await row.isVisible())) return undefined;
    return ((await row.locator('.label-description').allInnerTexts())[0] ?? '').trim();
  }

  /**
   * Every row's label, top to bottom.
   * @returns {Promise<string[]>}
   */
  async labels() {
    return this.rows.locator('.label-name').allInnerTexts();
  }

  /**
   * Agent rows (numeric labels) after the first row whose label matches `parentRe`.
   * @param {RegExp} parentRe
   * @returns {Promise<string[]>}
   */
  async agentsUnder(parentRe) {
    const labels = await this.labels();
    const at = labels.findIndex((l) => parentRe.test(l));
    return labels.slice(at + 1).filter((l) => /^\d+$/.test(l));
  }

  /**
   * Whether `row`'s label is wider than what it shows.
   * @param {Locator} row
   * @returns {Promise<boolean>}
   */
  isCut(row) {
    return row.locator('.monaco-icon-label-container').evaluate((el) => el.scrollWidth > el.clientWidth + 1);
  }

  /**
   * Every row whose label container is wider than what it shows: "label | description (w > w px)".
   * @returns {Promise<string[]>}
   */
  cutRows() {
    return this.rows.evaluateAll((rows) =>
      rows
        .map((r) => {
          const c = r.querySelector('.monaco-icon-label-container');
          const name = r.querySelector('.label-name')?.textContent ?? '';
          const desc = r.querySelector('.label-description')?.textContent ?? '';
          return c && c.scrollWidth > c.clientWidth + 1 ? `${name} | ${desc} (${c.scrollWidth} > ${c.clientWidth} px)` : undefined;
        })
        .filter((line) => line !== undefined),
    );
  }

  /**
   * The side bar's width in whole pixels.
   * @returns {Promise<number>}
   */
  async width() {
    const box = await this.sidebar.boundingBox();
    if (!box) throw new Error('the side bar is not shown');
    return Math.round(box.width);
  }

  /**
   * Drags the sash to an exact width (the default side bar is about 300 px).
   * @param {number} width
   */
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

  /**
   * Hovers the row and reads the tooltip VS Code shows for it, line by line (empty lines dropped);
   * the mouse moves away afterwards so the next hover starts anew.
   * @param {Locator} row
   * @param {string} [names] what the tooltip names (the row's label): a hover left over from another row is not read
   * @returns {Promise<string[]>}
   */
  async tooltipLines(row, names) {
    const hover = this.page.locator('.workbench-hover, .monaco-hover').filter({ visible: true });
    await this.page.mouse.move(860, 500);
    await until('no hover shown', async () => (await hover.count()) === 0, 5000).catch(() => {});
    await row.locator('.label-name').first().hover();
    // A row redrawn while the pointer rests on it (new numbers, an outage's probe) drops its hover
    // until the pointer moves: after 4 s without a tooltip, point at the row again.
    let hoveredAt = Date.now();
    const text = await until('the row\'s tooltip', async () => {
      const t = (await hover.count()) ? await hover.first().innerText() : '';
      if (t.trim() && (names === undefined || t.includes(names))) return t;
      if (Date.now() - hoveredAt > 4_000) {
        await this.page.mouse.move(860, 500);
        await row.locator('.label-name').first().hover();
        hoveredAt = Date.now();
      }
      return undefined;
    }, 25_000);
    await this.page.mouse.move(860, 500);
    return text.split('\n').map((l) => l.trim()).filter(Boolean);
  }

  /**
   * Hovers the row (its inline actions show) and reads its description and whether the text is cut then.
   * @param {Locator} row
   * @returns {Promise<{ description: string, cut: boolean, actions: number }>}
   */
  async whileHovered(row) {
    await row.hover();
    await delay(300);
    const description = ((await row.locator('.label-description').allInnerTexts())[0] ?? '').trim();
    const cut = await this.isCut(row);
    const actions = await row.locator('.actions .action-label').filter({ visible: true }).count();
    return { description, cut, actions };
  }

  /**
   * Hovers the row and clicks its inline action.
   * @param {Locator} row
   * @param {string} name the action's accessible label (its title)
   */
  async inlineAction(row, name) {
    await row.hover();
    await row.locator(`.action-label[aria-label="${name}"]`).click();
  }

  /**
   * Right-click on the row, then the context menu entry (hover + Enter, as the menu takes it).
   * @param {Locator} row
   * @param {string} entryText
   */
  async contextMenu(row, entryText) {
    await row.click({ button: 'right' });
    await this.page.locator('.context-view .action-label', { hasText: entryText }).first().hover();
    await this.page.keyboard.press('Enter');
  }
}
