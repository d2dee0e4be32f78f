// The extension's settings as the extension-host suites read and write them: the user settings
// (ConfigurationTarget.Global), section `ccGateway` unless another is named (e.g. `http`).
import * as vscode from 'vscode';

/** The settings of `section` (`ccGateway` by default). */
export const config = (section = 'ccGateway'): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration(section);

/** Writes `section.key` to the user settings; `undefined` removes it. */
export const set = (key: string, value: unknown, section = 'ccGateway'): Thenable<void> => config(section).update(key, value, vscode.ConfigurationTarget.Global);
