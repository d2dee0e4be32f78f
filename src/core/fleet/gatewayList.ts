import { t } from '../l10n/localize';
import { gatewayIdOf, type GatewayId } from '../ids/gatewayId';
import { parseGatewayUrl } from '../ids/gatewayUrl';
import { CA_FILE_SETTING } from '../model/errors';

declare const gatewayKeyBrand: unique symbol;
/**
 * Which configured gateway a unit (connection, tree rows, history) belongs to. It is not the
 * origin: editing a gateway's URL keeps its unit (the unit swaps its connection, as it
 * always did for ccGateway.gatewayUrl), and renaming an entry is a remove and an add.
 */
export type GatewayKey = string & { readonly [gatewayKeyBrand]: true };

/** The gateway of the top-level settings (ccGateway.gatewayUrl, agents, teams, queues, tls.caFile). */
export const SETTINGS_GATEWAY = 'settings' as GatewayKey;

function listedKey(name: string): GatewayKey {
  return `gateway:${name.toLowerCase()}` as GatewayKey;
}

/** One gateway to watch, as the settings describe it (agents, teams and queues unparsed: each has its own validator). */
export interface GatewayEntry {
  readonly key: GatewayKey;
  /** Shown on its row and in pickers; the host for the top-level settings. */
  readonly name: string;
  readonly urlText: string;
  readonly origin?: GatewayId;
  readonly urlProblem?: string;
  readonly agents: unknown;
  readonly teams: unknown;
  readonly queues: unknown;
  /** The CA file that applies: the entry's own tls.caFile, else the top-level ccGateway.tls.caFile. */
  readonly caFile?: string;
  /** The setting that file comes from, as messages name it (`ccGateway.tls.caFile` or `ccGateway.gateways › name › tls.caFile`). */
  readonly caFileSetting: string;
}

/** The top-level settings, read as today. */
export interface TopLevelGateway {
  readonly urlText: string;
  readonly agents: unknown;
  readonly teams: unknown;
  readonly queues: unknown;
  readonly caFile?: string;
}

export const MAX_GATEWAYS = 20;

/** How messages name a listed gateway's own CA file setting (the path a user follows in settings.json). */
export function listedCaFileSetting(name: string): string {
  return `ccGateway.gateways › ${name} › tls.caFile`;
}
export const MAX_GATEWAY_NAME = 40;

/**
 * ccGateway.gateways combined with the top-level settings. The top-level gateway is kept
 * when its URL is set or when the list has no usable entry, so a user who never heard of
 * the list sees exactly what they saw before; it comes first. Names and origins are unique:
 * a later entry repeating one is skipped with a message saying which.
 */
export function parseGateways(list: unknown, top: TopLevelGateway): { entries: GatewayEntry[]; problems: string[] } {
  const problems: string[] = [];
  const listed: GatewayEntry[] = [];
  const raw = list === undefined || list === null ? [] : list;
  if (!Array.isArray(raw)) problems.push(t('ccGateway.gateways must be a list of {0} entries; it was ignored.', '{ "name", "url", "agents" }'));
  const items = Array.isArray(raw) ? raw : [];
  if (items.length > MAX_GATEWAYS) problems.push(t('ccGateway.gateways has {0} entries; only the first {1} are watched.', items.length, MAX_GATEWAYS));
  const topParsed = top.urlText.trim() === '' ? undefined : parseGatewayUrl(top.urlText);
  const topOrigin = topParsed?.ok ? topParsed.origin : undefined;
  // Named by its host (and its port when it is not the gateway's default), as the user typed it.
  const topName = topOrigin ? (topOrigin.endsWith(':8043') ? new URL(topOrigin).hostname : new URL(topOrigin).host) : 'CC-Gateway';
  const names = new Set<string>(topOrigin ? [topName.toLowerCase()] : []);
  const origins = new Set<string>(topOrigin ? [topOrigin] : []);
  for (const [i, item] of items.slice(0, MAX_GATEWAYS).entries() as IterableIterator<[number, unknown]>) {
    const where = t('ccGateway.gateways entry {0}', i + 1);
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      problems.push(t('{0} is not an object like {1}; skipped.', where, '{ "name": "Site A", "url": "https://host:8043", "agents": ["101"] }'));
      continue;
    }
    const o = item as Record<string, unknown>;
    const name = typeof o.name === 'string' ? o.name.trim() : '';
    if (name === '' || name.length > MAX_GATEWAY_NAME) {
      problems.push(t('{0} needs a "name" of 1 to {1} characters; skipped.', where, MAX_GATEWAY_NAME));
      continue;
    }
    const parsed = parseGatewayUrl(o.url);
    if (!parsed.ok) {
      problems.push(t('{0} ("{1}"): {2} Skipped.', where, name, parsed.message));
      continue;
    }
    if (names.has(name.toLowerCase())) {
      problems.push(t('{0}: the name "{1}" is used twice; names must be unique. Skipped.', where, name));
      continue;
    }
    if (origins.has(parsed.origin)) {
      problems.push(t('{0} ("{1}"): {2} is already watched; each gateway once. Skipped.', where, name, parsed.origin));
      continue;
    }
    const caFile = o['tls.caFile'];
    if (caFile !== undefined && typeof caFile !== 'string') problems.push(t('{0} ("{1}"): "tls.caFile" must be a path; it was ignored.', where, name));
    names.add(name.toLowerCase());
    origins.add(parsed.origin);
    // One company CA usually issues every gateway's certificate: the top-level file applies unless the entry names its own.
    const ownCaFile = typeof caFile === 'string' && caFile.trim() !== '' ? caFile.trim() : undefined;
    listed.push({
      key: listedKey(name),
      name,
      urlText: typeof o.url === 'string' ? o.url.trim() : '',
      origin: gatewayIdOf(parsed.origin),
      agents: o.agents ?? [],
      teams: o.teams ?? {},
      queues: o.queues ?? [],
      caFile: ownCaFile ?? top.caFile,
      caFileSetting: ownCaFile ? listedCaFileSetting(name) : CA_FILE_SETTING,
    });
  }
  const keepTop = top.urlText.trim() !== '' || listed.length === 0;
  const topEntry: GatewayEntry = {
    key: SETTINGS_GATEWAY,
    name: topName,
    urlText: top.urlText.trim(),
    origin: topOrigin ? gatewayIdOf(topOrigin) : undefined,
    urlProblem: topParsed && !topParsed.ok ? topParsed.message : undefined,
    agents: top.agents,
    teams: top.teams,
    queues: top.queues,
    caFile: top.caFile,
    caFileSetting: CA_FILE_SETTING,
  };
  return { entries: keepTop ? [topEntry, ...listed] : listed, problems };
}

/** The entry a script or a user named: its name (any case) or its URL (any form that gives the same origin). */
export function findGateway<E extends { readonly name: string; readonly origin?: GatewayId }>(entries: readonly E[], nameOrUrl: string): E | undefined {
  const text = nameOrUrl.trim();
  const byName = entries.find((e) => e.name.toLowerCase() === text.toLowerCase());
  if (byName) return byName;
  const parsed = parseGatewayUrl(text);
  return parsed.ok ? entries.find((e) => e.origin === parsed.origin) : undefined;
}
