// @ts-check
// One VS Code workbench page in the browser (code-server) and its parts, one page object each
// (this folder): the command palette, the quick input (input boxes and quick picks), the side
// bar's tree views and welcome views, the notifications, the status bar, webviews, the
// Settings editor and the Get Started walkthrough. They act like a person (keys, clicks) and read what a person sees; the waits
// poll without blocking (wait.mjs).
// Models: coder/code-server test/e2e/models/CodeServer.ts, gitkraken/vscode-gitlens tests/e2e/pageObjects.
import { CommandPalette } from './commandPalette.mjs';
import { Notifications } from './notifications.mjs';
import { QuickInput } from './quickInput.mjs';
import { SettingsEditor } from './settingsEditor.mjs';
import { StatusBar } from './statusBar.mjs';
import { TreeView } from './treeView.mjs';
import { Walkthrough } from './walkthrough.mjs';
import { Webviews } from './webview.mjs';

/** @typedef {import('@playwright/test').Page} Page */

export class Workbench {
  /** @param {Page} page */
  constructor(page) {
    /** @readonly */
    this.page = page;
    /** @readonly */
    this.quickInput = new QuickInput(page);
    /** @readonly */
    this.palette = new CommandPalette(page, this.quickInput);
    /** @readonly */
    this.notifications = new Notifications(page, this.palette);
    /** @readonly */
    this.view = new TreeView(page);
    /** @readonly */
    this.statusBar = new StatusBar(page);
    /** @readonly */
    this.webviews = new Webviews(page);
    /** @readonly */
    this.settings = new SettingsEditor(page, this.palette);
    /** @readonly */
    this.walkthrough = new Walkthrough(page);
  }

  async waitLoaded() {
    await this.page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  }

  /**
   * The mouse off the activity bar and rows: no hover tooltip in a screenshot.
   * @returns {Promise<void>}
   */
  moveMouseAway() {
    return this.page.mouse.move(860, 500);
  }

  /**
   * The inner document of the webview whose heading matches (Webviews.byHeading).
   * @param {RegExp} headingRe
   */
  webview(headingRe) {
    return this.webviews.byHeading(headingRe);
  }

  /**
   * Types a setting's value in the Settings editor, as a person does (SettingsEditor.find).
   * @param {string} query
   * @param {string} title
   */
  openSettingsAndFind(query, title) {
    return this.settings.find(query, title);
  }
}
