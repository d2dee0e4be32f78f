// The messages between the extension and its webviews (Show Trend, Show Detailed Statistics):
// one discriminated union per direction, imported by both sides, so a renamed field breaks the
// build on both (after gitkraken/vscode-gitlens src/webviews/protocol.ts, without its
// request/response ids: nothing here waits for an answer). Free of DOM and vscode types: the
// extension compiles it with node types, the webview bundle with DOM types.
import type { TrendData } from '../core/history/trendData';

/** The detailed statistics of one agent as the details page renders them (already in the user's language). */
export interface DetailsData {
  readonly lang: string;
  readonly title: string;
  /** "Updated at 10:42:07 from https://…; refreshes every 5 s while shown." or why it could not. */
  readonly status: string;
  /** True when the last refresh failed: the numbers shown are the previous ones. */
  readonly stale: boolean;
  readonly note: string;
  readonly caption: string;
  readonly refresh: string;
  readonly headers: Readonly<Record<'counter' | 'value' | 'field', string>>;
  readonly rows: readonly { readonly label: string; readonly value: string; readonly field: string }[];
}

/** Extension → webview. */
export type ExtensionToWebview = { readonly type: 'trend'; readonly data: TrendData } | { readonly type: 'details'; readonly data: DetailsData };

/** Webview → extension: the page loaded (again: also after it was hidden and shown), or the user asked for fresh numbers. */
export type WebviewToExtension = { readonly type: 'ready' } | { readonly type: 'refresh' };

const WEBVIEW_MESSAGE_TYPES: ReadonlySet<WebviewToExtension['type']> = new Set(['ready', 'refresh']);

/**
 * What a webview sent, checked: a page is code that could be tampered with or out of date
 * (an old page after an update), so anything but a known message is refused with the reason.
 */
export function parseWebviewMessage(value: unknown): { ok: true; message: WebviewToExtension } | { ok: false; reason: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { ok: false, reason: `not an object (${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value})` };
  const type = (value as { type?: unknown }).type;
  if (typeof type !== 'string') return { ok: false, reason: 'no string "type"' };
  if (!WEBVIEW_MESSAGE_TYPES.has(type as WebviewToExtension['type'])) return { ok: false, reason: `unknown type "${type.slice(0, 40)}"` };
  const extra = Object.keys(value).filter((k) => k !== 'type');
  if (extra.length > 0) return { ok: false, reason: `unexpected fields ${extra.slice(0, 5).join(', ')} in "${type}"` };
  return { ok: true, message: { type: type as WebviewToExtension['type'] } };
}
