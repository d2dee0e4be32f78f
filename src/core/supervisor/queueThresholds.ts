import { t } from '../l10n/localize';
import type { QueueEntry } from '../monitor/queueMonitor';

/** ccGateway.thresholds.queueWaitingCalls and .longestWaitSeconds; 0 = off. */
export interface QueueThresholds {
  readonly waitingCalls: number;
  readonly longestWaitSeconds: number;
}

export const NO_QUEUE_THRESHOLDS: QueueThresholds = { waitingCalls: 0, longestWaitSeconds: 0 };

/** A wallboard's wait: `m:ss` under an hour, `h:mm:ss` from an hour on. */
export function formatWait(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

/**
 * Why a queue needs attention (empty: it does not). Only numbers that are current count:
 * a stale row says so instead of raising an alarm about an old reading.
 */
export function queueAttention(entry: QueueEntry | undefined, th: QueueThresholds): string[] {
  const s = entry?.state === 'ok' ? entry.stats : undefined;
  if (!s) return [];
  const out: string[] = [];
  if (th.waitingCalls > 0 && s.waiting >= th.waitingCalls) out.push(t('{0} calls waiting, at or over the threshold {1}.', s.waiting, th.waitingCalls));
  if (th.longestWaitSeconds > 0 && s.longestWaitSeconds >= th.longestWaitSeconds) out.push(t('The longest wait {0} is at or over the threshold {1}.', formatWait(s.longestWaitSeconds), formatWait(th.longestWaitSeconds)));
  return out;
}
