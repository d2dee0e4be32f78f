import { Disposable, Emitter } from '../util/lifecycle';
import type { GatewayEntry, GatewayKey } from './gatewayList';

/** What a fleet holds per gateway: created for an entry, told when the entry changes, disposed as one unit. */
export interface FleetUnit {
  readonly key: GatewayKey;
  dispose(): void;
  /** Its gateway was removed from the settings (sign out, then dispose); dispose() when absent. */
  retire?(): void;
}

export interface FleetChange<U> {
  readonly added: readonly U[];
  readonly removed: readonly U[];
}

/**
 * One unit per configured gateway. Reconciling with a new list creates units for new
 * keys and disposes those whose key went; every other unit is kept as it is (the same object,
 * its connection, sessions and numbers untouched). A unit applies its own entry's changes.
 */
export class Fleet<U extends FleetUnit> extends Disposable {
  private units = new Map<GatewayKey, U>();
  private readonly onDidChangeEmitter = this._register(new Emitter<FleetChange<U>>());
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(private readonly create: (entry: GatewayEntry) => U) {
    super();
  }

  /** In the order of the settings (the top-level gateway first). */
  get list(): readonly U[] {
    return [...this.units.values()];
  }

  get size(): number {
    return this.units.size;
  }

  get(key: GatewayKey): U | undefined {
    return this.units.get(key);
  }

  reconcile(entries: readonly GatewayEntry[]): FleetChange<U> {
    if (this.isDisposed) return { added: [], removed: [] };
    const next = new Map<GatewayKey, U>();
    const added: U[] = [];
    for (const entry of entries) {
      if (next.has(entry.key)) continue;
      let unit = this.units.get(entry.key);
      if (!unit) {
        unit = this.create(entry);
        added.push(unit);
      }
      next.set(entry.key, unit);
    }
    const removed = [...this.units.values()].filter((u) => !next.has(u.key));
    const orderChanged = [...next.keys()].join('\n') !== [...this.units.keys()].join('\n');
    this.units = next;
    for (const u of removed) {
      if (u.retire) u.retire();
      else u.dispose();
    }
    if (added.length || removed.length || orderChanged) this.onDidChangeEmitter.fire({ added, removed });
    return { added, removed };
  }

  override dispose(): void {
    if (this.isDisposed) return;
    const units = [...this.units.values()];
    this.units = new Map();
    for (const u of units) u.dispose();
    super.dispose();
  }
}
