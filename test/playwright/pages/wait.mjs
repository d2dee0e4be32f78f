// @ts-check
// The one wait of the page objects: a probe polled without blocking (each probe returns at once).
import { setTimeout as delay } from 'node:timers/promises';

/** How long a page object waits for one thing to show (the config's actionTimeout). */
export const ACTION_TIMEOUT_MS = 15_000;

/** @typedef {false | 0 | '' | null | undefined} Falsy */

/**
 * Polls `probe` (returns a value, or undefined/false while not there yet) until it succeeds and
 * returns that value; throws "timed out … waiting for <what>" (with the probe's last error) after `timeoutMs`.
 * @template T
 * @param {string} what
 * @param {() => T | PromiseLike<T>} probe
 * @param {number} [timeoutMs]
 * @returns {Promise<Exclude<T, Falsy>>}
 */
export async function until(what, probe, timeoutMs = ACTION_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  /** @type {unknown} */
  let last;
  for (;;) {
    try {
      const v = await probe();
      if (v) return /** @type {Exclude<T, Falsy>} */ (v);
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? ` (${String(/** @type {{ message?: unknown }} */ (last).message).split('\n')[0]})` : ''}`);
    }
    await delay(200);
  }
}
