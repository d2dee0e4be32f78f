// Bounded polling for tests: every wait ends, and says what it waited for.
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface UntilOptions {
  readonly timeoutMs?: number;
  /** How often to ask again. */
  readonly everyMs?: number;
  /** Extra state to print when the wait times out. */
  readonly diagnostics?: () => string;
}

/** Resolves with the probe's first truthy answer; rejects naming `what` after the timeout. */
export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, options: UntilOptions = {}): Promise<T> {
  const { timeoutMs = 5000, everyMs = 10, diagnostics } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}${diagnostics ? ` (${diagnostics()})` : ''}`);
    await sleep(everyMs);
  }
}
