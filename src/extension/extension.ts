import * as vscode from 'vscode';
import { shortFingerprint } from '../core/gateway/errors';
import { setLocalizer } from '../core/l10n/localize';
import { setUnexpectedErrorHandler } from '../core/util/unexpectedError';
import { PasswordVault } from '../core/sessions/passwordVault';
import { StateStore } from '../core/storage/stateEntries';
import type { SecretStore } from '../core/storage/stores';
import { AgentMonitor, guidCredentials } from './agentMonitor';
import { GuidStore } from './auth/guidStore';
import { createSessionHost } from './auth/sessionSharing';
import { SessionStore } from './auth/sessionStore';
import { TrustedCertificates } from './auth/trustedCertificates';
import { registerAddAgent } from './commands/addAgent';
import { registerCertificateCommands } from './commands/certificateCommands';
import type { CommandContext } from './commands/commandContext';
import { registerCopyAsJson } from './commands/copyAsJson';
import { registerExportStatistics } from './commands/exportStatistics';
import { registerGetStarted } from './commands/getStarted';
import { registerGuidCommands } from './commands/guidCommands';
import { registerManageCredentials, type CredentialPickItem } from './commands/manageCredentials';
import { registerPollingCommands } from './commands/pollingCommands';
import { registerQueryAgent } from './commands/queryAgent';
import { registerQueryNow } from './commands/queryNow';
import { registerRemoveAgent } from './commands/removeAgent';
import { registerSessionCommands } from './commands/sessionCommands';
import { registerSettingsCommands } from './commands/settingsCommands';
import { registerShowDetails } from './commands/showDetails';
import { createLog, logUnexpected } from './logging/log';
import { registerCredentialNotifications } from './notifications/credentialNotifications';
import { BackgroundNotifier } from './notifications/notifier';
import { StatsStatusBar } from './statusBar/statsStatusBar';
import { exportsFor, withLatency, WebviewTraffic } from './testHooks';
import { registerSupervisor, type SupervisorApi } from './supervisor/registerSupervisor';
import { StateTimes } from './supervisor/stateTimes';
import { ViewOptions } from './supervisor/viewOptions';
import { AgentsTreeProvider } from './treeViews/agentsTreeProvider';
import { QueuesTreeProvider } from './treeViews/queuesTreeProvider';
import { registerWatchQueues } from './commands/watchQueues';

/** What activate() hands to integration tests (via extension.exports), and only to them (testHooks.ts). */
export interface ExtensionApi {
  readonly monitor: AgentMonitor;
  readonly tree: AgentsTreeProvider;
  readonly statusBar: StatsStatusBar;
  readonly notifier: BackgroundNotifier;
  readonly trusted: TrustedCertificates;
  /** Issue 13: the view's sort order. */
  readonly viewOptions: ViewOptions;
  /** Issue 13: drill-down and trend panels, history (for tests). */
  readonly supervisor: SupervisorApi;
  /** Makes every Guid lookup take this long, as a keyring or a remote window's round trip can. */
  readonly testHooks: { secretLatencyMs: number };
  /** Everything handed to the details and trend webviews (test mode only), to scan for credentials. */
  readonly webviews: WebviewTraffic | undefined;
  /** Issue 20: time in state per agent. */
  readonly stateTimes: StateTimes;
  readonly credentialPicker: vscode.Event<vscode.QuickPick<CredentialPickItem>>;
  /** Issue 18: the Queues view. */
  readonly queuesTree: QueuesTreeProvider;
}

/**
 * Wires the UI to the core. No network or disk work here: the first poll runs
 * from a timer after activation, and the HTTP client loads on first use.
 */
const setGuidAction = {
  get title() {
    return vscode.l10n.t('Set Guid…');
  },
  run: () => vscode.commands.executeCommand('ccGateway.setGuid'),
};

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
  const testHooks = { secretLatencyMs: 0 };
  // One window runs each agent's session; the others follow it (src/core/sessions).
  const sessionHost = createSessionHost(context, log);
  if (sessionHost) context.subscriptions.push(sessionHost);
  // The latency hook wraps the Guid lookups only under the test harness: a normal activation polls without it.
  const stored = guidCredentials(guids, sessions);
  const lookups = context.extensionMode === vscode.ExtensionMode.Test ? withLatency(stored, () => testHooks.secretLatencyMs) : stored;
  const monitor = new AgentMonitor(guids, log, notifier, trusted, sessions, lookups, sessionHost);
  running = monitor;
  context.subscriptions.push(guids, trusted, monitor);

  const viewOptions = new ViewOptions(context.globalState);
  // Time in state per agent, continued across window reloads (global state, per gateway).
  const stateTimes = new StateTimes(monitor, context.globalState);
  context.subscriptions.push(stateTimes);
  const tree = new AgentsTreeProvider(monitor, viewOptions, stateTimes);
  context.subscriptions.push(viewOptions);
  // canSelectMany: Add to Team… takes every selected row (issue 20).
  const view = vscode.window.createTreeView('ccGateway.agents', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  context.subscriptions.push(tree, view);
  monitor.setViewVisible(view.visible);
  context.subscriptions.push(view.onDidChangeVisibility((e) => monitor.setViewVisible(e.visible)));
  // Issue 18: the Queues view, above Agents in the same container.
  const queuesTree = new QueuesTreeProvider(monitor);
  const queuesView = vscode.window.createTreeView('ccGateway.queues', { treeDataProvider: queuesTree });
  context.subscriptions.push(queuesTree, queuesView, queuesView.onDidChangeVisibility((e) => monitor.setQueuesViewVisible(e.visible)));
  monitor.setQueuesViewVisible(queuesView.visible);

  // The welcome views key on this. (No view.message: VS Code hides a welcome view and its button while one is set.)
  const updateContext = () => void vscode.commands.executeCommand('setContext', 'ccGateway.viewState', monitor.viewState);
  updateContext();
  context.subscriptions.push(monitor.onDidChangeViewState(updateContext));
  // Switching to a gateway without a Guid says so once, naming it, unless the view is showing
  // its welcome text (a notification cannot be withdrawn, and would be wrong once the Guid is set).
  context.subscriptions.push(
    monitor.onDidChangeViewState((state) => {
      const origin = monitor.settings.origin;
      if (state !== 'noGuid' || !origin || view.visible) return;
      notifier.notify('noGuid', origin, 'info', vscode.l10n.t('No Guid is stored for {0}. Guids are kept per gateway, so the one of another gateway is never sent here.', origin), setGuidAction);
    }),
  );
  void vscode.commands.executeCommand('setContext', 'ccGateway.paused', false);

  context.subscriptions.push(...registerCredentialNotifications(monitor, guids, vault, notifier));
  // Sign Out shows where there is a session to end.
  const updateSessionContext = () => void vscode.commands.executeCommand('setContext', 'ccGateway.signedIn', monitor.sessions.size > 0);
  updateSessionContext();
  context.subscriptions.push(monitor.onDidChangeSession(updateSessionContext), monitor.onDidSwap(updateSessionContext));

  // A refused certificate: one notification per certificate (not per agent or cycle), resolved once it is accepted.
  const updateCertificateContext = () => {
    void vscode.commands.executeCommand('setContext', 'ccGateway.certificateRefused', monitor.refusedCertificate !== undefined);
    void vscode.commands.executeCommand('setContext', 'ccGateway.hasTrustedCertificates', trusted.origins().length > 0);
  };
  updateCertificateContext();
  context.subscriptions.push(
    trusted.onDidChange(updateCertificateContext),
    monitor.onDidChangeCertificateRefusal(() => {
      updateCertificateContext();
      const refused = monitor.refusedCertificate;
      for (const topic of notifier.openTopics('certificate:')) if (topic !== `certificate:${refused?.origin}`) notifier.resolve(topic);
      if (!refused) return;
      const { certificate, pinned } = refused.refusal;
      notifier.notify(
        `certificate:${refused.origin}`,
        certificate.fingerprint256,
        'warning',
        pinned
          ? vscode.l10n.t('{0} presented a different certificate from the one you trusted (SHA-256 {1}), so nothing is sent to it. Review it before trusting it.', refused.origin, shortFingerprint(certificate.fingerprint256))
          : vscode.l10n.t('The certificate of {0} could not be verified ({1}), so nothing is sent to it. Review the certificate, or set ccGateway.tls.caFile to the CA that issued it.', refused.origin, refused.refusal.reason),
        { title: vscode.l10n.t('Review Certificate…'), run: () => vscode.commands.executeCommand('ccGateway.trustCertificate') },
      );
    }),
  );

  const statusBar = new StatsStatusBar(monitor, stateTimes);
  context.subscriptions.push(statusBar);

  const ctx: CommandContext = { monitor, guids, sessions, trusted, log };
  const credentials = registerManageCredentials(ctx);
  const webviews = context.extensionMode === vscode.ExtensionMode.Test ? new WebviewTraffic() : undefined;
  const supervisor = registerSupervisor(ctx, viewOptions, notifier, context, webviews?.tap);
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
    ...registerGetStarted(context, monitor),
    credentials.disposable,
    ...supervisor.disposables,
  );
  const api = { monitor, tree, statusBar, notifier, trusted, viewOptions, supervisor: supervisor.api, testHooks, webviews, credentialPicker: credentials.onDidShowPicker, queuesTree, stateTimes };
  return exportsFor({ ...api }, context.extensionMode === vscode.ExtensionMode.Test);
}

/** The monitor of this activation, for deactivate(). */
let running: AgentMonitor | undefined;

/**
 * Signs the sessions out (best effort, bounded by the request timeout) before VS Code disposes
 * context.subscriptions, which stops timers and closes sockets.
 */
export function deactivate(): Promise<void> | undefined {
  const monitor = running;
  running = undefined;
  if (!monitor) return undefined;
  const limit = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
  return Promise.race([monitor.shutdown(), limit]);
}
