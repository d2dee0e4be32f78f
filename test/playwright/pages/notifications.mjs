// @ts-check
// Notification toasts (bottom right).
import { until } from './wait.mjs';

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').Locator} Locator */
/** @typedef {import('./commandPalette.mjs').CommandPalette} CommandPalette */

export class Notifications {
  /**
   * @param {Page} page
   * @param {CommandPalette} palette runs "Clear All Notifications"
   */
  constructor(page, palette) {
    /** @readonly */
    this.page = page;
    /** @readonly */
    this.palette = palette;
    /** @readonly */
    this.toasts = page.locator('.notifications-toasts .notification-toast');
  }

  /**
   * The text of every toast on screen, one string.
   * @returns {Promise<string>}
   */
  async text() {
    return (await this.toasts.allInnerTexts()).join('\n');
  }

  /**
   * The first toast containing `text`.
   * @param {string | RegExp} text
   * @returns {Locator}
   */
  toast(text) {
    return this.toasts.filter({ hasText: text }).first();
  }

  async clearAll() {
    await this.palette.run('Notifications: Clear All Notifications');
    await until('the notification toasts to go away', async () => (await this.toasts.count()) === 0, 5000).catch(() => {});
  }

  /**
   * The buttons of a toast, by their text.
   * @param {Locator} toast
   * @returns {Promise<string[]>}
   */
  async buttons(toast) {
    return (await toast.locator('.monaco-button').allInnerTexts()).map((t) => t.trim()).filter(Boolean);
  }
}
