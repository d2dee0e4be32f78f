import { t } from '../l10n/localize';
import { isQueueId } from '../model/queues';
import { printable } from '../ids/agentId';

/**
 * ccGateway.queues: skill queue IDs (whole numbers; a digit string is accepted too, as people
 * paste them). Bad entries are skipped and reported, the rest is kept; each ID once.
 */
export function parseQueueIds(raw: unknown): { ids: number[]; problems: string[] } {
  const ids: number[] = [];
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { ids, problems };
  if (!Array.isArray(raw)) return { ids, problems: [t('ccGateway.queues must be a list of skill queue IDs, e.g. [1, 2].')] };
  for (const v of raw as unknown[]) {
    const n: unknown = typeof v === 'string' && /^\s*[0-9]{1,10}\s*$/.test(v) ? Number(v.trim()) : v;
    if (isQueueId(n)) {
      if (!ids.includes(n)) ids.push(n);
    } else problems.push(t('"{0}" is not a skill queue ID (a whole number from 0 to 2147483647).', printable(typeof v === 'string' ? v : JSON.stringify(v) ?? String(v))));
  }
  return { ids, problems };
}
