// @ts-check
// The extension's status bar item.

/** @typedef {import('@playwright/test').Page} Page */

export const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';
const STATUS_ITEM_ID = `${EXTENSION_ID}.ccGateway.status`;

export class StatusBar {
  /** @param {Page} page */
  constructor(page) {
    /** @readonly */
    this.item = page.locator(`.part.statusbar [id="${STATUS_ITEM_ID}"]`);
  }

  /**
   * Its accessible label, or undefined while it is not shown.
   * @returns {Promise<string | undefined>}
   */
  async label() {
    const item = this.item.first();
    if (!(await item.isVisible())) return undefined;
    return item.evaluate((el) => el.getAttribute('aria-label') ?? el.querySelector('[aria-label]')?.getAttribute('aria-label') ?? undefined, undefined, { timeout: 2000 });
  }
}
