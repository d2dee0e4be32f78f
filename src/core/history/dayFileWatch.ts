// Watches on the day files the cache holds, so a read can tell a file is unchanged without a
// stat (a stat waits for a libuv thread: Show Trend for all gateways stat'ed every gateway's
// file on each update, and 10 stats on 4 threads were most of its time).
import * as fs from 'node:fs';

/** Starts watching a file: `changed` on every change, with `gone` when the watch no longer follows the file (renamed, deleted, an error). */
export type WatchFile = (file: string, changed: (gone: boolean) => void) => { close(): void } | undefined;

/**
 * fs.watch where a change is reported by the write itself (inotify, kqueue): an append that
 * finished before a read began has fired its event once the event loop has polled once since.
 * Elsewhere (Windows reports some appends late) nothing is watched and every read stats.
 */
export const watchFile: WatchFile = (file, changed) => {
  if (process.platform !== 'linux' && process.platform !== 'darwin') return undefined;
  try {
    const w = fs.watch(file, { persistent: false }, (kind) => changed(kind === 'rename'));
    w.on('error', () => changed(true));
    return w;
  } catch {
    return undefined; // no such file, or out of watches: the reads stat
  }
};

interface Watched {
  watch: { close(): void } | undefined;
  /** Unique over all watches, new on every change and when the watch ends. */
  stamp: number;
}

/** A file's watch and its stamp at one moment: while the stamp is the same, the file has not changed since. */
export interface WatchMark {
  readonly of: Watched;
  readonly stamp: number;
}

/** Whether the file has not changed since the mark was taken (one comparison: asked per file per trend update). */
export function unchangedSince(mark: WatchMark | undefined): boolean {
  return mark !== undefined && mark.of.stamp === mark.stamp;
}

/** Watches per file, each with a stamp that changes whenever the file does. */
export class FileWatches {
  private readonly watched = new Map<string, Watched>();
  private stamps = 0;

  constructor(private readonly watch: WatchFile) {}

  /**
   * The file's watch now, watching it from now on if it was not; undefined when it cannot be
   * watched (not tried again until `close`). Take it before the stat or read that shows the file's state.
   */
  mark(file: string): WatchMark | undefined {
    let w = this.watched.get(file);
    if (!w) {
      const state: Watched = { watch: undefined, stamp: ++this.stamps };
      this.watched.set(file, state);
      state.watch = this.watch(file, (gone) => {
        state.stamp = ++this.stamps;
        // A renamed or deleted file's watch sees nothing of the file made in its place: the next mark watches that one.
        if (gone) this.close(file, state);
      });
      w = state;
    }
    return w.watch ? { of: w, stamp: w.stamp } : undefined;
  }

  /** Stops watching a file (or only that watch of it): marks of it no longer hold. */
  close(file: string, only?: Watched): void {
    const w = this.watched.get(file);
    if (!w || (only && w !== only)) return;
    this.watched.delete(file);
    w.stamp = ++this.stamps;
    w.watch?.close();
  }

  closeAll(): void {
    for (const file of [...this.watched.keys()]) this.close(file);
  }
}
