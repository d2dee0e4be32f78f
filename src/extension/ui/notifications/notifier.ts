import * as vscode from 'vscode';

type Level = 'info' | 'warning';

/**
 * Notifications nobody asked for (the ones not answering a command) go through
 * here: at most one per distinct problem, until the problem changes or is resolved.
 * A gateway that stays broken for hours must not stack up toasts.
 */
export class BackgroundNotifier {
  /** topic → signature of the problem last shown for it. */
  private readonly current = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  /** Shows the message unless the same problem (topic + signature) was already shown. */
  notify(topic: string, signature: string, level: Level, message: string, action?: { title: string; run: () => unknown }): void {
    if (this.current.get(topic) === signature) return;
    this.current.set(topic, signature);
    this.counts.set(topic, (this.counts.get(topic) ?? 0) + 1);
    const show = level === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const shown = action ? show(message, action.title) : show(message);
    void Promise.resolve(shown).then(
      (choice) => (choice && action ? action.run() : undefined),
      () => undefined,
    );
  }

  /** The problem went away: the next one on this topic is news again. */
  resolve(topic: string): void {
    this.current.delete(topic);
  }

  /** Topics with a problem shown and not resolved yet. */
  openTopics(prefix = ''): string[] {
    return [...this.current.keys()].filter((t) => t.startsWith(prefix));
  }

  /** How many notifications a topic has shown (tests count toasts with it). */
  count(topic?: string): number {
    if (topic !== undefined) return this.counts.get(topic) ?? 0;
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
}
