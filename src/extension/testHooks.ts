// Whether activate() hands its internals out. Kept free of the vscode module so a plain
// unit test can pin the decision down (test/unit/testHooks.test.ts).

import type { CredentialSource } from '../core/credentials/credentialRegistry';

/** Set to "1" by the test harness for the extension host (scripts/test.mjs, test/desktop/runDesktop.ts). */
export const TEST_HOOKS_ENV = 'CCGW_TEST_HOOKS';

/**
 * What activate() returns: the test API only when VS Code runs the extension for tests
 * (ExtensionMode.Test) and the harness asked for the hooks; otherwise nothing, so another
 * extension's `getExtension(…).exports` reaches no monitor to dispose and no state to change.
 */
export function exportsFor<T>(api: T, runningTests: boolean, env: Readonly<Record<string, string | undefined>> = process.env): T | undefined {
  return runningTests && env[TEST_HOOKS_ENV] === '1' ? api : undefined;
}

/** Slow secret lookups on demand (tests); zero means none. */
export function withLatency(source: CredentialSource, latencyMs: () => number): CredentialSource {
  const wait = () => (latencyMs() > 0 ? new Promise((resolve) => setTimeout(resolve, latencyMs())) : Promise.resolve());
  return {
    pastedRef: source.pastedRef && ((gateway, agentId) => source.pastedRef!(gateway, agentId)),
    guid: async (gateway, agentId) => (await wait(), source.guid(gateway, agentId)),
    hasAny: async (gateway, agentIds) => (await wait(), source.hasAny(gateway, agentIds)),
    renew: (ref, guid) => source.renew?.(ref, guid) ?? Promise.resolve(),
    password: (gateway, agentId) => source.password?.(gateway, agentId) ?? Promise.resolve(undefined),
    passwordRefused: (gateway, agentId, refusal) => source.passwordRefused?.(gateway, agentId, refusal),
  };
}

/** One page or message handed to a webview (or, 'ignored', the reason a message from it was refused): the panel's key, and the payload as VS Code carries it (JSON for messages). */
export interface WebviewSend {
  readonly panel: string;
  readonly kind: 'html' | 'message' | 'ignored';
  readonly text: string;
}

/** Called with everything the extension hands its webviews, at the point it is handed over. */
export type WebviewTap = (panel: string, kind: WebviewSend['kind'], payload: unknown) => void;

/**
 * What the extension sent to its webviews (tests only: activate() makes one only in VS Code's
 * test mode). Tests scan it for Guids and passwords: the trend's numbers go by postMessage, so
 * a check of the page alone would miss them. The last 200 sends are kept.
 */
export class WebviewTraffic {
  readonly sent: WebviewSend[] = [];
  readonly tap: WebviewTap = (panel, kind, payload) => {
    this.sent.push({ panel, kind, text: typeof payload === 'string' ? payload : JSON.stringify(payload) });
    if (this.sent.length > 200) this.sent.shift();
  };
}
