/**
 * User-facing text of the core modules. The core cannot import `vscode`, so the
 * extension installs `vscode.l10n.t` here at activation; until then (unit tests,
 * the simulator CLI) messages stay English. The English text is the key, as with
 * `vscode.l10n.t`, so one bundle (l10n/bundle.l10n.<locale>.json) serves both layers.
 *
 * Call it as `t('literal with {0}', arg)`: the missing-translation test collects
 * these literals, so the message must be a string literal, never a variable.
 */
export type Localizer = (message: string, ...args: Array<string | number | boolean>) => string;

const english: Localizer = (message, ...args) => message.replace(/\{(\d+)\}/g, (m: string, i: string) => (Number(i) < args.length ? String(args[Number(i)]) : m));

// The HTTP client is a second bundle with its own copy of this module: a registry-wide
// symbol on globalThis lets one setLocalizer reach both (as GatewayError's brand does).
const KEY = Symbol.for('ccgateway-agent-stats.localizer');
const slot = globalThis as unknown as Record<symbol, Localizer | undefined>;

export function t(message: string, ...args: Array<string | number | boolean>): string {
  return (slot[KEY] ?? english)(message, ...args);
}

/** Installed by the extension (vscode.l10n.t); `undefined` restores English. */
export function setLocalizer(localizer: Localizer | undefined): void {
  slot[KEY] = localizer;
}
