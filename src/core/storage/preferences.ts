import { isSortKey, type SortKey } from '../supervisor/supervisor';
import type { StateSpan } from '../supervisor/timeInState';
import type { KeyValueStore } from './stores';

/** The global-state keys that are not credentials: the one list of them, next to the entries of stateEntries.ts. */
export const PREFERENCE_KEYS = {
  sortKey: 'ccGateway.sortKey',
  walkthroughShown: 'ccGateway.walkthroughShown',
  timeInState: 'ccGateway.timeInState',
} as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What the extension remembers per machine besides credentials, read through one check each:
 * global state can hold anything (an older version, a hand edit), and a value that fails its
 * check reads as unset.
 */
export class Preferences {
  constructor(private readonly kv: KeyValueStore) {}

  /** How the Agents view orders its rows. */
  sortKey(): SortKey | undefined {
    const v = this.kv.get<unknown>(PREFERENCE_KEYS.sortKey);
    return isSortKey(v) ? v : undefined;
  }

  setSortKey(key: SortKey): PromiseLike<void> {
    return this.kv.update(PREFERENCE_KEYS.sortKey, key);
  }

  /** The walkthrough opened by itself once already. */
  walkthroughShown(): boolean {
    return this.kv.get<unknown>(PREFERENCE_KEYS.walkthroughShown) === true;
  }

  setWalkthroughShown(): PromiseLike<void> {
    return this.kv.update(PREFERENCE_KEYS.walkthroughShown, true);
  }

  /** The time-in-state spans saved for one gateway (by origin); the spans' own fields are checked by TimeInState. */
  timeInState(origin: string): Record<string, StateSpan> | undefined {
    const saved = this.allTimeInState()[origin];
    return isObject(saved) ? (saved as Record<string, StateSpan>) : undefined;
  }

  setTimeInState(origin: string, spans: Record<string, StateSpan>): PromiseLike<void> {
    return this.kv.update(PREFERENCE_KEYS.timeInState, { ...this.allTimeInState(), [origin]: spans });
  }

  private allTimeInState(): Record<string, unknown> {
    const all = this.kv.get<unknown>(PREFERENCE_KEYS.timeInState);
    return isObject(all) ? all : {};
  }
}
