// How coordinators of one gateway's reads reach each other: the windows of one machine (the
// local channel) or the desks of a team (Redis). A transport decides claims and carries results;
// it never sees a credential.
import type { IDisposable, Listener } from '../util/lifecycle';
import type { Published } from './readSlot';

/**
 * alone: nobody to share with (reads are this window's own);
 * shared: claims and results go through the transport;
 * offline: the transport is configured but unreachable (each reads alone; the view says so).
 */
export type SharingStatus = 'alone' | 'shared' | 'offline';

export interface ReadTransport extends IDisposable {
  /** The shared clock in ms (the Redis server's time, or this machine's). */
  now(): number;
  /**
   * Claims `key` for `ttlMs`: true when this participant won it, false when another holds it,
   * undefined when the transport cannot decide now (then the caller reads alone).
   */
  claim(key: string, ttlMs: number): Promise<boolean | undefined>;
  /** Announces a result to every participant (and keeps it for `latest`). */
  publish(result: Published): void;
  /** The newest result known here for `subject`. */
  latest(subject: string): Published | undefined;
  readonly onResult: (listener: Listener<Published>) => IDisposable;
  readonly status: SharingStatus;
  readonly onStatus: (listener: Listener<SharingStatus>) => IDisposable;
  /** The team's desks last seen (sorted keys), where the transport knows them (a team's Redis). */
  desks?(): readonly string[] | undefined;
}
