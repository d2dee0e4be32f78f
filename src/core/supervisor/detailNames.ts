import { t } from '../l10n/localize';
import { formatDuration } from '../format/format';

/**
 * The heavier `statistics` interface's counters in plain words (docs/cc-gateway-api.md).
 * Durations are seconds and shown as h:mm:ss; anything the gateway adds is shown by its name.
 */
export interface DetailRow {
  readonly field: string;
  readonly label: string;
  readonly value: string;
  readonly raw: number;
  readonly unit: 'count' | 'seconds';
  /** False for fields the documentation does not name. */
  readonly documented: boolean;
}

function label(field: string): string | undefined {
  switch (field) {
    case 'talktime':
      return t('Talk time');
    case 'answernums':
      return t('Calls answered');
    case 'noanswernums':
      return t('Calls not answered for a long time');
    case 'calloutnums':
      return t('Outbound calls');
    case 'intercallnums':
      return t('Internal calls');
    case 'interhelpnums':
      return t('Internal help requests');
    case 'transfernums':
      return t('Transfers');
    case 'transferoutnums':
      return t('Transfers out');
    case 'transferivrnums':
      return t('Transfers to the IVR');
    case 'redirectnums':
      return t('Redirections');
    case 'keepnums':
      return t('Calls put on hold');
    case 'busynums':
      return t('Times set busy');
    case 'restnums':
      return t('Rests requested');
    case 'restoutnums':
      return t('Rests that ran over time');
    case 'resttime':
      return t('Rest time');
    case 'restouttime':
      return t('Rest time over the limit');
    case 'agentrelease':
      return t('Calls released by the agent');
    case 'busytime':
      return t('Busy time');
    default:
      return undefined;
  }
}

/** Fields some gateways send that the documentation does not name: words for them, marked as a reading of the name. */
function undocumentedLabel(field: string): string | undefined {
  switch (field) {
    case 'waittime':
      return t('Waiting time (undocumented field)');
    case 'holdtime':
      return t('Hold time (undocumented field)');
    default:
      return undefined;
  }
}

const DURATIONS = new Set(['talktime', 'resttime', 'restouttime', 'busytime']);
/** The documented order: as the vendor's table lists them. */
const ORDER = ['talktime', 'answernums', 'noanswernums', 'calloutnums', 'intercallnums', 'interhelpnums', 'transfernums', 'transferoutnums', 'transferivrnums', 'redirectnums', 'keepnums', 'busynums', 'restnums', 'restoutnums', 'resttime', 'restouttime', 'agentrelease', 'busytime'];

/** Rows in the documented order, then undocumented fields by name (a name ending in "time" is taken as seconds). */
export function detailRows(details: Readonly<Record<string, number>>): DetailRow[] {
  const fields = Object.keys(details);
  const known = ORDER.filter((f) => fields.includes(f));
  const extra = fields.filter((f) => !ORDER.includes(f)).sort();
  return [...known, ...extra].map((field) => {
    const raw = details[field];
    const unit = DURATIONS.has(field) || (!ORDER.includes(field) && /time$/i.test(field)) ? 'seconds' : 'count';
    const name = label(field);
    return { field, label: name ?? undocumentedLabel(field) ?? field, value: unit === 'seconds' ? formatDuration(raw) : String(raw), raw, unit, documented: name !== undefined };
  });
}
