// @ts-check
// Webviews (the trend and details panels): each is an iframe holding the page in a nested iframe.
import { until } from './wait.mjs';

/** @typedef {import('@playwright/test').Page} Page */
/** @typedef {import('@playwright/test').FrameLocator} FrameLocator */

export class Webviews {
  /** @param {Page} page */
  constructor(page) {
    /** @readonly */
    this.page = page;
  }

  /**
   * The inner document of the webview whose first heading matches `headingRe`, once one is ready.
   * @param {RegExp} headingRe
   * @returns {Promise<FrameLocator>}
   */
  byHeading(headingRe) {
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
}
