import * as vscode from 'vscode';
import type { Preferences } from '../../../core/storage/preferences';
import type { SortKey } from '../../../core/supervisor/supervisor';
import { Disposable } from '../../../core/util/lifecycle';

/** How the Agents view orders its rows; persisted in global state (per machine, not synced). */
export class ViewOptions extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;
  private key: SortKey;

  constructor(private readonly preferences: Preferences) {
    super();
    this.key = preferences.sortKey() ?? 'agentId';
    this.updateContext();
  }

  get sortKey(): SortKey {
    return this.key;
  }

  async setSortKey(key: SortKey): Promise<void> {
    if (key === this.key) return;
    this.key = key;
    this.updateContext();
    this.emitter.fire();
    await this.preferences.setSortKey(key);
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'ccGateway.sortKey', this.key);
  }
}
