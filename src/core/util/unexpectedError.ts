/**
 * Where failures that no caller can handle go (a listener that throws, a bug in a
 * poll): the extension installs its log here, so they are recorded with their stack
 * instead of being swallowed. Until then (unit tests, the simulator) they go to stderr.
 */
export type UnexpectedErrorHandler = (error: unknown, context: string) => void;

const KEY = Symbol.for('ccgateway-agent-stats.unexpectedError');
const slot = globalThis as unknown as Record<symbol, UnexpectedErrorHandler | undefined>;

export function onUnexpectedError(error: unknown, context: string): void {
  const handler = slot[KEY];
  try {
    if (handler) handler(error, context);
    else console.error(`[ccgateway] ${context}:`, error);
  } catch {
    /* the error sink itself failed: nothing left to tell */
  }
}

/** `undefined` restores the stderr default. */
export function setUnexpectedErrorHandler(handler: UnexpectedErrorHandler | undefined): void {
  slot[KEY] = handler;
}
