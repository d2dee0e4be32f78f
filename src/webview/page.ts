// What both webview pages (trend, details) need from the browser side: VS Code's webview API,
// typed by the protocol, and a small element builder. Bundled into each page by esbuild.
import type { WebviewToExtension } from './protocol';

export interface VsCodeApi {
  postMessage(message: WebviewToExtension): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** VS Code allows one call per page load. */
export const vscode = acquireVsCodeApi();

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}
