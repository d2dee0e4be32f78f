import * as vscode from 'vscode';
import { isSortKey, type SortKey } from '../../../core/supervisor/supervisor';
import { Disposable } from '../../../core/util/lifecycle';

const SORT_KEY_STATE = 'ccGateway.sortKey';

/** How the Agents view orders its rows; persisted in global state (per machine, not synced). */
export class ViewOptions extends Disposable {
  private readonly emitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;
  private key: SortKey;

  constructor(private readonly memento: vscode.Memento) {
    super();
    const stored = memento.get<unknown>(SORT_KEY_STATE);
    this.key = isSortKey(stored) ? stored : 'agentId';
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
    await this.memento.update(SORT_KEY_STATE, key);
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', 'ccGateway.sortKey', this.key);
  }
}
