// @ts-check
// The command palette: F1 and a command title, typed like a person.
import { until } from './wait.mjs';

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('./quickInput.mjs').QuickInput} QuickInput */

export class CommandPalette {
  /**
   * @param {Page} page
   * @param {QuickInput} quickInput the widget the palette opens in
   */
  constructor(page, quickInput) {
    /** @readonly */
    this.page = page;
    /** @readonly */
    this.quickInput = quickInput;
  }

  /**
   * F1, type the title, wait until it is the focused entry, Enter.
   * @param {string} title the command's title as the palette shows it (category included)
   */
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
