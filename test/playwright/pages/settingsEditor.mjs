// @ts-check
// The Settings editor (user settings), searched and typed into as a person does.
import { ACTION_TIMEOUT_MS } from './wait.mjs';

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').Locator} Locator */
/** @typedef {import('./commandPalette.mjs').CommandPalette} CommandPalette */

export class SettingsEditor {
  /**
   * @param {Page} page
   * @param {CommandPalette} palette opens the editor
   */
  constructor(page, palette) {
    /** @readonly */
    this.page = page;
    /** @readonly */
    this.palette = palette;
  }

  /**
   * Opens the user settings, searches for `query` and returns the first input of the setting titled `title`.
   * @param {string} query
   * @param {string} title
   * @returns {Promise<Locator>}
   */
  async find(query, title) {
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
