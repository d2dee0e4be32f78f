import type { IDisposable } from '../util/lifecycle';

/** What the core needs of a key-value store (VS Code's global state; an in-memory map in tests). */
export interface KeyValueStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
  keys(): readonly string[];
}

/** What the core needs of a secret store (VS Code's SecretStorage; an in-memory map in tests). */
export interface SecretStore {
  get(key: string): PromiseLike<string | undefined>;
  store(key: string, value: string): PromiseLike<void>;
  delete(key: string): PromiseLike<void>;
  /** Changes made here or in another window of the same profile. */
  onDidChange(listener: (key: string) => void): IDisposable;
}
