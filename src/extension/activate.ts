import * as vscode from 'vscode';
import * as path from 'node:path';
import { HistoryStore } from '../core/history/historyStore';
import { setLocalizer } from '../core/l10n/localize';
import { setUnexpectedErrorHandler } from '../core/util/unexpectedError';
import { PasswordVault } from '../core/credentials/passwordVault';
import { StateStore } from '../core/storage/stateEntries';
import type { SecretStore } from '../core/storage/stores';
import { guidCredentials, type AgentMonitor } from './gateways/agentMonitor';
import { GuidStore } from '../core/credentials/guidStore';
import { createSessionHost } from './adapters/sessionHost';
import { SharedReadsService } from './adapters/sharedReads';
import { teamWords } from './ui/teamWords';
import { SessionStore } from '../core/credentials/sessionStore';
import { TrustedCertificates } from '../core/credentials/trustedCertificates';
import { registerAddAgent } from './ui/commands/addAgent';
import { registerCertificateCommands } from './ui/commands/certificateCommands';
import type { CommandContext } from './ui/commands/commandContext';
import { registerCopyAsJson } from './ui/commands/copyAsJson';
import { registerExportStatistics } from './ui/commands/exportStatistics';
import { registerGetStarted } from './ui/commands/getStarted';
import { Preferences } from '../core/storage/preferences';
import { registerGuidCommands } from './ui/commands/guidCommands';
import { registerManageCredentials, type CredentialPickItem } from './ui/commands/manageCredentials';
import { registerPollingCommands } from './ui/commands/pollingCommands';
import { registerQueryAgent } from './ui/commands/queryAgent';
import { registerQueryNow } from './ui/commands/queryNow';
import { registerRemoveAgent } from './ui/commands/removeAgent';
import { registerSessionCommands } from './ui/commands/sessionCommands';
import { registerJoinTeam } from './ui/commands/teamCommands';
import { registerSettingsCommands } from './ui/commands/settingsCommands';
import { registerShowDetails } from './ui/commands/showDetails';
import { createLog, logUnexpected } from './adapters/log';
import { BackgroundNotifier } from './ui/notifications/notifier';
import { StatsStatusBar } from './ui/statusBar/statsStatusBar';
import { exportsFor, withLatency, WebviewTraffic } from './testHooks';
import { registerSupervisor, type SupervisorApi } from './ui/commands/registerSupervisor';
import type { StateTimes } from './gateways/stateTimes';
import { ViewOptions } from './ui/trees/viewOptions';
import type { AgentsTreeProvider, Node } from './ui/trees/agentsTreeProvider';
import type { QueuesTreeProvider } from './ui/trees/queuesTreeProvider';
import { readSettings } from './adapters/settings';
import { Gateways } from './gateways/gateways';
import type { GatewayUnit } from './gateways/gatewayUnit';
import { UnitListeners } from './gateways/unitListeners';
import { FleetTreeProvider } from './ui/trees/fleetTree';
import { gatewayEmptyItem, gatewayItem } from './ui/trees/gatewayRows';
import { registerWatchQueues } from './ui/commands/watchQueues';

/** What activate() hands to integration tests (via extension.exports), and only to them (testHooks.ts). */
export interface ExtensionApi {
  /** Every configured gateway; monitor, tree, stateTimes and queuesTree are the first one's. */
  readonly gateways: Gateways;
  readonly monitor: AgentMonitor;
  readonly tree: AgentsTreeProvider;
  /** The Agents view's provider over every gateway. */
  readonly fleetTree: FleetTreeProvider<Node, GatewayUnit>;
  readonly statusBar: StatsStatusBar;
  readonly notifier: BackgroundNotifier;
  readonly trusted: TrustedCertificates;
  /** The view's sort order. */
  readonly viewOptions: ViewOptions;
  /** Drill-down and trend panels, history (for tests). */
  readonly supervisor: SupervisorApi;
  /** Makes every Guid lookup take this long, as a keyring or a remote window's round trip can. */
  readonly testHooks: { secretLatencyMs: number };
  /** Everything handed to the details and trend webviews (test mode only), to scan for credentials. */
  readonly webviews: WebviewTraffic | undefined;
  /** Time in state per agent. */
  readonly stateTimes: StateTimes;
  readonly credentialPicker: vscode.Event<vscode.QuickPick<CredentialPickItem>>;
  /** The Queues view. */
  readonly queuesTree: QueuesTreeProvider;
}

/**
 * Wires the UI to the core. No network or disk work here: the first poll runs
 * from a timer after activation, and the HTTP client loads on first use.
 */

export async function activate(context: vscode.ExtensionContext): Promise<ExtensionApi | undefined> {
  // The core's messages (errors, validation) go through the same bundles as ours.
  setLocalizer((message, ...args) => vscode.l10n.t(message, ...args));
  context.subscriptions.push({ dispose: () => setLocalizer(undefined) });
  const log = createLog();
  context.subscriptions.push(log);
  // Failures nobody can handle (a throwing listener, a bug in a poll) are logged with their stack.
  setUnexpectedErrorHandler((error, where) => logUnexpected(log, error, where));
  context.subscriptions.push({ dispose: () => setUnexpectedErrorHandler(undefined) });
  // Typed storage over VS Code's (src/core/storage): one global-state entry per Guid, password and session.
  const state = new StateStore(context.globalState);
  await state.migrateLegacy(Date.now()).catch((e: unknown) => logUnexpected(log, e, 'moving stored credentials to the new layout'));
  const secretStore: SecretStore = {
    get: (key) => context.secrets.get(key),
    store: (key, value) => context.secrets.store(key, value),
    delete: (key) => context.secrets.delete(key),
    onDidChange: (listener) => context.secrets.onDidChange((e) => listener(e.key)),
  };
  const guids = new GuidStore(secretStore, state);
  const vault = new PasswordVault(secretStore, state);
  context.subscriptions.push(vault);
  const sessions = new SessionStore(vault, state);
  const trusted = new TrustedCertificates(state);
  const notifier = new BackgroundNotifier();
  const testHooks = CCGW_TEST_BUILD ? { secretLatencyMs: 0 } : undefined;
  // One window runs each agent's session; the others follow it (src/core/sessions).
  const sessionHost = createSessionHost(context, log);
  if (sessionHost) context.subscriptions.push(sessionHost);
  // One read per agent per interval, however many windows and desks watch it (src/core/sharing).
  const sharedReads = new SharedReadsService(context, log);
  context.subscriptions.push(sharedReads);
  // The latency hook wraps the Guid lookups only under the test harness: a normal activation polls without it.
  const stored = guidCredentials(guids, sessions);
  const lookups = CCGW_TEST_BUILD && testHooks && context.extensionMode === vscode.ExtensionMode.Test ? withLatency(stored, () => testHooks.secretLatencyMs) : stored;
  context.subscriptions.push(guids, trusted);
  // Where this runs (the desk or a remote host) decides which network and keyring it uses.
  log.info(`running on the ${context.extension.extensionKind === vscode.ExtensionKind.UI ? 'UI (local) host' : 'workspace host'}${vscode.env.remoteName ? ` of a remote window (${vscode.env.remoteName})` : ''}`);

  const preferences = new Preferences(context.globalState);
  const viewOptions = new ViewOptions(preferences);
  context.subscriptions.push(viewOptions);
  // The shift's history: every change of an agent's counters, per gateway and day. At start it
  // applies the retention (0 deletes the files) and makes existing files owner-only.
  const history = new HistoryStore(path.join(context.globalStorageUri.fsPath, 'history'), { retentionDays: readSettings().historyRetentionDays, log });
  context.subscriptions.push(
    { dispose: () => void history.close() },
    vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('ccGateway.history.retentionDays') && void history.setRetentionDays(readSettings().historyRetentionDays)),
  );
  const webviews = CCGW_TEST_BUILD && context.extensionMode === vscode.ExtensionMode.Test ? new WebviewTraffic() : undefined;
  // One unit per gateway (monitor, rows, trend panels, notifications, history recording).
  const gateways = new Gateways({ context, guids, vault, sessions, trusted, notifier, log, credentials: lookups, sessionHost, reads: sharedReads.coordinator, viewOptions, history, tap: webviews?.tap }, notifier);
  running = gateways;
  context.subscriptions.push(gateways);

  const tree = new FleetTreeProvider({
    units: () => gateways.list,
    keyOf: (u) => u.key,
    nameOf: (u) => u.name,
    providerOf: (u) => u.tree,
    gatewayItem: (u) => gatewayItem(u),
    emptyItem: (u) => gatewayEmptyItem(u),
    onDidChangeUnits: gateways.onDidChange,
  });
  // canSelectMany: Add to Team… takes every selected row.
  const view = vscode.window.createTreeView('ccGateway.agents', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(tree, view);
  // A configured team that cannot be reached: this desk reads alone, and the view says so.
  const showTeam = () => (view.description = teamWords(sharedReads.coordinator.status));
  showTeam();
  context.subscriptions.push(sharedReads.coordinator.onStatus(showTeam));
  // The Queues view, above Agents in the same container.
  const queuesTree = new FleetTreeProvider({
    units: () => gateways.list,
    keyOf: (u) => u.key,
    nameOf: (u) => u.name,
    providerOf: (u) => u.queuesTree,
    gatewayItem: (u) => gatewayItem(u, 'queues'),
    onDidChangeUnits: gateways.onDidChange,
  });
  const queuesView = vscode.window.createTreeView('ccGateway.queues', { treeDataProvider: queuesTree });
  context.subscriptions.push(queuesTree, queuesView);
  // In 'opened' mode a queue's agents are read while its row is open.
  const opened = (open: boolean) => (e: vscode.TreeViewExpansionEvent<unknown>) => queuesTree.ownerOf(e.element)?.queuesTree.setOpened(e.element, open);
  context.subscriptions.push(queuesView.onDidExpandElement(opened(true)), queuesView.onDidCollapseElement(opened(false)));
  gateways.ownerOfNode = (node) => tree.ownerOf(node) ?? queuesTree.ownerOf(node);
  const applyVisibility = () => {
    for (const u of gateways.list) {
      u.setViewVisible(view.visible);
      u.setQueuesViewVisible(queuesView.visible);
    }
  };
  applyVisibility();
  context.subscriptions.push(view.onDidChangeVisibility(applyVisibility), queuesView.onDidChangeVisibility(applyVisibility), gateways.onDidChange(applyVisibility));

  // Context keys over every gateway. The welcome views key on the view state, which only
  // matters with one gateway (with several, each gateway's row says its state).
  const perUnit = new UnitListeners(gateways);
  context.subscriptions.push(perUnit);
  const updateContext = () => {
    const list = gateways.list;
    void vscode.commands.executeCommand('setContext', 'ccGateway.viewState', list.length === 1 ? list[0].monitor.core.viewState : 'ready');
    void vscode.commands.executeCommand('setContext', 'ccGateway.severalGateways', list.length > 1);
    void vscode.commands.executeCommand('setContext', 'ccGateway.signedIn', list.some((u) => u.monitor.core.sessions.size > 0));
    void vscode.commands.executeCommand('setContext', 'ccGateway.certificateRefused', list.some((u) => u.monitor.core.refusedCertificate !== undefined));
    void vscode.commands.executeCommand('setContext', 'ccGateway.hasTrustedCertificates', trusted.origins().length > 0);
    void vscode.commands.executeCommand('setContext', 'ccGateway.hasTeams', list.some((u) => u.monitor.settings.teams.length > 0));
  };
  perUnit.on((u) => [u.monitor.core.onDidChangeViewState, u.monitor.core.onDidChangeSession, u.monitor.core.onDidSwap, u.monitor.core.onDidChangeCertificateRefusal, u.monitor.onDidChangeSettings], updateContext);
  context.subscriptions.push(trusted.onDidChange(updateContext));
  updateContext();
  void vscode.commands.executeCommand('setContext', 'ccGateway.paused', false);

  const statusBar = new StatsStatusBar(gateways);
  context.subscriptions.push(statusBar);

  const ctx: CommandContext = {
    gateways,
    get monitor() {
      return gateways.primary.monitor;
    },
    guids,
    sessions,
    trusted,
    log,
  };
  const credentials = registerManageCredentials(ctx);
  const supervisor = registerSupervisor(ctx, viewOptions, history, context, webviews?.tap);
  context.subscriptions.push(
    registerQueryAgent(ctx),
    registerAddAgent(ctx),
    registerRemoveAgent(ctx),
    registerCopyAsJson(ctx),
    registerExportStatistics(ctx),
    registerQueryNow(ctx),
    registerShowDetails(ctx, supervisor.details),
    registerWatchQueues(ctx),
    ...registerGuidCommands(ctx),
    ...registerCertificateCommands(ctx),
    ...registerSettingsCommands(ctx),
    ...registerPollingCommands(ctx),
    ...registerSessionCommands(ctx),
    registerJoinTeam(context, sharedReads),
    ...registerGetStarted(context, gateways.primary.monitor, preferences),
    credentials.disposable,
    ...supervisor.disposables,
  );
  // The packaged build has no test API at all (CCGW_TEST_BUILD, testBuild.d.ts): its `trusted` pins without a dialog.
  if (CCGW_TEST_BUILD && testHooks) {
    // Tests look at the first gateway (the only one, except in the several-gateways suite).
    const api: ExtensionApi = {
      gateways,
      get monitor() {
        return gateways.primary.monitor;
      },
      get tree() {
        return gateways.primary.tree;
      },
      get stateTimes() {
        return gateways.primary.stateTimes;
      },
      get queuesTree() {
        return gateways.primary.queuesTree;
      },
      fleetTree: tree,
      statusBar,
      notifier,
      trusted,
      viewOptions,
      supervisor: supervisor.api,
      testHooks,
      webviews,
      credentialPicker: credentials.onDidShowPicker,
    };
    return exportsFor(api, context.extensionMode === vscode.ExtensionMode.Test);
  }
  return undefined;
}

/** The gateways of this activation, for deactivate(). */
let running: Gateways | undefined;

/**
 * Signs the sessions out (best effort, bounded by the request timeout) before VS Code disposes
 * context.subscriptions, which stops timers and closes sockets.
 */
export function deactivate(): Promise<void> | undefined {
  const gateways = running;
  running = undefined;
  if (!gateways) return undefined;
  const limit = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
  return Promise.race([gateways.shutdown(), limit]);
}
