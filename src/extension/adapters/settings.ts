import * as vscode from 'vscode';
import { normalizeAgentIdMax, validateAgentId, type AgentId, DEFAULT_AGENT_ID_MAX } from '../../core/ids/agentId';
import type { ProxyInputs } from '../../core/wire/proxy';
import { parseGatewayUrl } from '../../core/ids/gatewayUrl';
import { parseQueueIds } from '../../core/supervisor/queueSettings';
import type { QueueThresholds } from '../../core/supervisor/queueThresholds';
import { parseStateThresholds, parseTeams, watchedAgents, type Team, type TeamProblem, type Thresholds } from '../../core/supervisor/supervisor';
import { parseGateways, SETTINGS_GATEWAY, type GatewayEntry, type GatewayKey } from '../../core/fleet/gatewayList';
import { CA_FILE_SETTING } from '../../core/model/errors';
import { combineTeams, parseTeamOf } from '../../core/supervisor/teamOf';

export const SECTION = 'ccGateway';

/** The defaults here equal the defaults in package.json (a test checks it). */
export const DEFAULTS = {
  gatewayUrl: '',
  agents: [] as string[],
  pollIntervalSeconds: 30,
  requestTimeoutSeconds: 10,
  caFile: '',
  agentIdMax: DEFAULT_AGENT_ID_MAX,
  statusBarEnabled: true,
  signInMethod: 'loginex' as 'loginex' | 'login',
  // Supervisor view
  agentStateEnabled: true,
  teams: {} as Record<string, string[]>,
  teamOf: {} as Record<string, string>,
  averageTalkSeconds: 0,
  talkTimeSeconds: 0,
  signedOut: false,
  historyRetentionDays: 14,
  queues: [] as number[],
  queueWaitingCalls: 0,
  longestWaitSeconds: 0,
};

export interface Settings {
  /** Which configured gateway these settings are of, and its name. */
  readonly gatewayKey: GatewayKey;
  readonly gatewayName: string;
  readonly gatewayUrlText: string;
  /** Parsed origin, or undefined with a message saying what to fix. */
  readonly origin?: string;
  readonly gatewayUrlProblem?: string;
  /** The watched agents: ccGateway.agents plus every team member (each once). */
  readonly agents: AgentId[];
  /** Entries of ccGateway.agents that were refused, with why. */
  readonly invalidAgents: { value: string; message: string }[];
  readonly pollIntervalMs: number;
  readonly requestTimeoutMs: number;
  /** The CA file for this gateway: its entry's own tls.caFile, else ccGateway.tls.caFile (one company CA for all). */
  readonly caFile?: string;
  /** The setting caFile comes from, as messages name it. */
  readonly caFileSetting: string;
  readonly agentIdMax: number;
  readonly statusBarEnabled: boolean;
  /** `loginex`: signs in to the CTI platform only (no licence, no calls); `login`: the full sign-in, for sites without loginex. */
  readonly signInMethod: 'loginex' | 'login';
  /** VS Code's http.systemCertificates: also trust the CAs of the operating system's store (default true). */
  readonly systemCertificates: boolean;
  /** VS Code's own proxy settings (http.*) and the environment, resolved per origin by the core. */
  readonly proxy: ProxyInputs & { readonly strictSSL: boolean; readonly authorization?: string };
  // Supervisor view
  readonly agentStateEnabled: boolean;
  readonly teams: readonly Team[];
  readonly teamProblems: readonly TeamProblem[];
  readonly thresholds: Thresholds;
  /** 0: no history is recorded. */
  readonly historyRetentionDays: number;
  /** ccGateway.queues (empty: every real queue of the signed-in agent's VCC), and what was refused. */
  readonly queueIds: readonly number[];
  readonly queueProblems: readonly string[];
  readonly queueThresholds: QueueThresholds;
  /** ccGateway.queueAgents: list the agents of every watched queue, or only of the queues opened in the view. */
  readonly queueAgents: 'all' | 'opened';
  /** The side-bar width rows are fitted to (ccGateway.view.sideBarWidth). */
  readonly sideBarWidth: number;
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

/**
 * In an untrusted workspace a folder must not redirect the Guid to another
 * host or change which certificates are trusted: only user values count.
 */
function trustedValue(config: vscode.WorkspaceConfiguration, key: string): unknown {
  if (vscode.workspace.isTrusted) return config.get<unknown>(key);
  const inspected = config.inspect<unknown>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

function trustedString(config: vscode.WorkspaceConfiguration, key: string, fallback: string): string {
  const v = trustedValue(config, key);
  return typeof v === 'string' ? v : fallback;
}

/**
 * Every gateway to watch: the top-level settings (as one gateway, named by its host)
 * and ccGateway.gateways. Both can redirect a Guid, so an untrusted folder's values are ignored.
 */
export function readGateways(): { entries: GatewayEntry[]; problems: string[] } {
  const config = vscode.workspace.getConfiguration(SECTION);
  const caFile = trustedString(config, 'tls.caFile', DEFAULTS.caFile).trim();
  return parseGateways(trustedValue(config, 'gateways'), {
    urlText: trustedString(config, 'gatewayUrl', DEFAULTS.gatewayUrl),
    agents: config.get<unknown>('agents', DEFAULTS.agents),
    teams: config.get<unknown>('teams', DEFAULTS.teams),
    queues: config.get<unknown>('queues', DEFAULTS.queues),
    caFile: caFile === '' ? undefined : caFile,
  });
}

/**
 * The settings of one gateway: its own URL, agents, teams, queues and CA file over the global
 * ones (interval, timeout, proxy, thresholds). Without a key, or for a gateway no longer
 * configured, the top-level settings (what a single-gateway user has).
 */
export function readSettings(key: GatewayKey = SETTINGS_GATEWAY): Settings {
  const config = vscode.workspace.getConfiguration(SECTION);
  const { entries } = readGateways();
  // A gateway just removed from the list watches nothing until its unit is disposed (never the top-level gateway).
  const listed: GatewayEntry | undefined = key === SETTINGS_GATEWAY ? undefined : (entries.find((e) => e.key === key) ?? { key, name: String(key).replace(/^gateway:/, ''), urlText: '', agents: [], teams: {}, queues: [], caFileSetting: CA_FILE_SETTING });
  const gatewayUrlText = listed ? listed.urlText : trustedString(config, 'gatewayUrl', DEFAULTS.gatewayUrl).trim();
  const parsed = parseGatewayUrl(gatewayUrlText);
  const agentIdMax = normalizeAgentIdMax(config.get<unknown>('agentIdMax', DEFAULTS.agentIdMax));

  const rawAgents = listed ? listed.agents : config.get<unknown>('agents', DEFAULTS.agents);
  const agents: AgentId[] = [];
  const invalidAgents: { value: string; message: string }[] = [];
  for (const raw of Array.isArray(rawAgents) ? rawAgents : []) {
    const r = validateAgentId(raw, agentIdMax);
    if (r.ok) {
      if (!agents.includes(r.value)) agents.push(r.value);
    } else invalidAgents.push({ value: String(raw), message: r.message });
  }

  const caFile = listed ? (listed.caFile ?? '') : trustedString(config, 'tls.caFile', DEFAULTS.caFile).trim();
  const { ids: queueIds, problems: queueProblems } = parseQueueIds(listed ? listed.queues : config.get<unknown>('queues', DEFAULTS.queues));
  const parsedTeams = parseTeams(listed ? listed.teams : config.get<unknown>('teams', DEFAULTS.teams), agentIdMax);
  // The Settings editor's key/value form (agent → team) adds to ccGateway.teams (the top-level gateway's).
  const teamOf = listed ? { entries: [], problems: [] } : parseTeamOf(config.get<unknown>('teamOf', DEFAULTS.teamOf), agentIdMax);
  const teams = combineTeams(parsedTeams.teams, teamOf.entries);
  const teamProblems = [...parsedTeams.problems, ...teamOf.problems];
  return {
    gatewayKey: listed ? listed.key : SETTINGS_GATEWAY,
    gatewayName: listed ? listed.name : (entries.find((e) => e.key === SETTINGS_GATEWAY)?.name ?? 'CC-Gateway'),
    gatewayUrlText,
    origin: parsed.ok ? parsed.origin : undefined,
    gatewayUrlProblem: parsed.ok || gatewayUrlText === '' ? undefined : parsed.message,
    agents: watchedAgents(agents, teams),
    teams,
    teamProblems,
    agentStateEnabled: config.get<unknown>('agentState.enabled', DEFAULTS.agentStateEnabled) !== false,
    thresholds: {
      averageTalkSeconds: clampInt(config.get('thresholds.averageTalkSeconds', DEFAULTS.averageTalkSeconds), 0, 86_400, 0),
      talkTimeSeconds: clampInt(config.get('thresholds.talkTimeSeconds', DEFAULTS.talkTimeSeconds), 0, 172_800, 0),
      signedOut: config.get<unknown>('thresholds.signedOut', DEFAULTS.signedOut) === true,
      stateSeconds: parseStateThresholds(config.get<unknown>('thresholds.stateSeconds')),
    },
    queueIds,
    queueProblems,
    queueAgents: config.get<unknown>('queueAgents', 'all') === 'opened' ? 'opened' : 'all',
    queueThresholds: {
      waitingCalls: clampInt(config.get('thresholds.queueWaitingCalls', DEFAULTS.queueWaitingCalls), 0, 100_000, 0),
      longestWaitSeconds: clampInt(config.get('thresholds.longestWaitSeconds', DEFAULTS.longestWaitSeconds), 0, 86_400, 0),
    },
    sideBarWidth: clampInt(config.get('view.sideBarWidth', 300), 170, 2000, 300),
    historyRetentionDays: clampInt(config.get('history.retentionDays', DEFAULTS.historyRetentionDays), 0, 366, DEFAULTS.historyRetentionDays),
    invalidAgents,
    pollIntervalMs: clampInt(config.get('pollIntervalSeconds', DEFAULTS.pollIntervalSeconds), 5, 3600, DEFAULTS.pollIntervalSeconds) * 1000,
    requestTimeoutMs: clampInt(config.get('requestTimeoutSeconds', DEFAULTS.requestTimeoutSeconds), 1, 120, DEFAULTS.requestTimeoutSeconds) * 1000,
    caFile: caFile === '' ? undefined : caFile,
    caFileSetting: listed ? listed.caFileSetting : CA_FILE_SETTING,
    agentIdMax,
    statusBarEnabled: config.get<unknown>('statusBar.enabled', DEFAULTS.statusBarEnabled) !== false,
    signInMethod: config.get<unknown>('signIn.method', DEFAULTS.signInMethod) === 'login' ? 'login' : 'loginex',
    systemCertificates: vscode.workspace.getConfiguration('http').get<unknown>('systemCertificates') !== false,
    proxy: readProxySettings(),
  };
}

/** http.proxy & co. are VS Code's settings; the bundled undici does not see VS Code's proxy support. */
function readProxySettings(): Settings['proxy'] {
  const http = vscode.workspace.getConfiguration('http');
  const str = (key: string) => {
    const v = http.get<unknown>(key);
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  };
  const noProxy = http.get<unknown>('noProxy');
  return {
    proxyUrl: str('proxy'),
    noProxy: Array.isArray(noProxy) ? noProxy.filter((x): x is string => typeof x === 'string') : [],
    proxySupport: str('proxySupport'),
    strictSSL: http.get<unknown>('proxyStrictSSL') !== false,
    authorization: str('proxyAuthorization'),
    env: process.env,
  };
}

/** VS Code's http.* settings that change how the gateway is reached or which certificates it may present. */
const PROXY_SETTINGS = ['http.proxy', 'http.proxyStrictSSL', 'http.noProxy', 'http.proxyAuthorization', 'http.proxySupport', 'http.systemCertificates'];

/** Writes where the user keeps the value: the workspace if it defines it, else user settings. */
export async function updateSetting(key: string, value: unknown): Promise<void> {
  const config = vscode.workspace.getConfiguration(SECTION);
  const inspected = config.inspect(key);
  const target =
    inspected?.workspaceFolderValue !== undefined ? vscode.ConfigurationTarget.WorkspaceFolder
    : inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace
    : vscode.ConfigurationTarget.Global;
  await config.update(key, value, target);
}

export function affectsConnection(e: vscode.ConfigurationChangeEvent): boolean {
  return (
    ['gatewayUrl', 'gateways', 'tls.caFile', 'requestTimeoutSeconds'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`)) ||
    PROXY_SETTINGS.some((k) => e.affectsConfiguration(k))
  );
}

/**
 * Writes a gateway's agents, teams or queues where they live: the top-level key for
 * the top-level gateway, its entry of ccGateway.gateways otherwise (the rest of the list as it was).
 */
export async function updateGatewaySetting(key: GatewayKey, field: 'agents' | 'teams' | 'queues', value: unknown): Promise<void> {
  if (key === SETTINGS_GATEWAY) return updateSetting(field, value);
  const config = vscode.workspace.getConfiguration(SECTION);
  const list = config.get<unknown>('gateways');
  const entry = readGateways().entries.find((e) => e.key === key);
  if (!Array.isArray(list) || !entry) throw new Error(vscode.l10n.t('The gateway "{0}" is no longer in ccGateway.gateways.', String(key)));
  const next = list.map((item: unknown) =>
    item && typeof item === 'object' && typeof (item as { name?: unknown }).name === 'string' && (item as { name: string }).name.trim().toLowerCase() === entry.name.toLowerCase()
      ? { ...(item), [field]: value }
      : item,
  );
  await updateSetting('gateways', next);
}

/** A gateway's agents, teams or queues as written in settings (raw: unknown spellings are kept as they are). */
export function gatewaySettingValue(key: GatewayKey, field: 'agents' | 'teams' | 'queues'): unknown {
  if (key === SETTINGS_GATEWAY) return vscode.workspace.getConfiguration(SECTION).get<unknown>(field);
  return readGateways().entries.find((e) => e.key === key)?.[field];
}
