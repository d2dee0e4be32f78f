// In-memory stand-ins for VS Code's global state and SecretStorage, shared by "windows":
// each window keeps its own cached copy of global state (as VS Code does) that another
// window's writes reach only when sync() runs, so concurrent writes can be modelled.
import type { KeyValueStore, SecretStore } from '../../src/core/storage/stores';
import type { IDisposable } from '../../src/core/util/lifecycle';

export class SharedProfile {
  readonly state = new Map<string, unknown>();
  readonly secrets = new Map<string, string>();
  private readonly secretListeners = new Set<(key: string) => void>();

  window(): { kv: WindowState; secrets: SecretStore } {
    return { kv: new WindowState(this), secrets: this.secretStore() };
  }

  /** Everything stored, as text, for "no credential in any file" checks. */
  dump(): string {
    return JSON.stringify([...this.state]);
  }

  private secretStore(): SecretStore {
    return {
      get: (key) => Promise.resolve(this.secrets.get(key)),
      store: (key, value) => {
        this.secrets.set(key, value);
        for (const l of this.secretListeners) l(key);
        return Promise.resolve();
      },
      delete: (key) => {
        this.secrets.delete(key);
        for (const l of this.secretListeners) l(key);
        return Promise.resolve();
      },
      onDidChange: (listener): IDisposable => {
        this.secretListeners.add(listener);
        return { dispose: () => this.secretListeners.delete(listener) };
      },
    };
  }
}

/** One window's view of global state: its writes go to the profile at once, others' arrive on sync(). */
export class WindowState implements KeyValueStore {
  private readonly cache: Map<string, unknown>;
  constructor(private readonly profile: SharedProfile) {
    this.cache = new Map(profile.state);
  }
  get<T>(key: string): T | undefined {
    return this.cache.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) {
      this.cache.delete(key);
      this.profile.state.delete(key);
    } else {
      this.cache.set(key, structuredClone(value));
      this.profile.state.set(key, structuredClone(value));
    }
    return Promise.resolve();
  }
  keys(): readonly string[] {
    return [...this.cache.keys()];
  }
  /** Another window's writes reach this one. */
  sync(): void {
    this.cache.clear();
    for (const [k, v] of this.profile.state) this.cache.set(k, structuredClone(v));
  }
}
