// @ts-check
// The Get Started walkthrough of the extension (an editor tab): its steps, their titles and ticks.

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').Locator} Locator */

export class Walkthrough {
  /** @param {Page} page */
  constructor(page) {
    /** @readonly */
    this.page = page;
    /** @readonly */
    this.container = page.locator('.gettingStartedContainer');
    /** @readonly */
    this.steps = this.container.locator('button.getting-started-step');
  }

  /**
   * The step whose id (extension#walkthrough#step) ends with `#stepId`.
   * @param {string} stepId
   * @returns {Locator}
   */
  step(stepId) {
    return this.container.locator(`button.getting-started-step[data-step-id$="#${stepId}"]`);
  }

  /**
   * Whether the step is ticked (VS Code marks its icon "complete" when a completion event fired).
   * @param {string} stepId
   * @returns {Promise<boolean>}
   */
  async isDone(stepId) {
    return (await this.container.locator(`[data-done-step-id$="#${stepId}"].complete`).count()) > 0;
  }

  /**
   * Every step's title as shown, and whether it is cut (wider than its box).
   * @returns {Promise<{ title: string, cut: boolean }[]>}
   */
  titles() {
    return this.steps.locator('.step-title').evaluateAll((els) => els.map((el) => ({ title: (el.textContent ?? '').trim(), cut: el.scrollWidth > el.clientWidth + 1 })));
  }
}
