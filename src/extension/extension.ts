import * as vscode from 'vscode';
import { AgentMonitor } from './agentMonitor';
import { GuidStore } from './auth/guidStore';
import { registerAddAgent } from './commands/addAgent';
import type { CommandContext } from './commands/commandContext';
import { registerCopyAsJson } from './commands/copyAsJson';
import { registerExportStatistics } from './commands/exportStatistics';
import { registerGuidCommands } from './commands/guidCommands';
import { registerPollingCommands } from './commands/pollingCommands';
import { registerQueryAgent } from './commands/queryAgent';
import { registerQueryNow } from './commands/queryNow';
import { registerRemoveAgent } from './commands/removeAgent';
import { registerSettingsCommands } from './commands/settingsCommands';
import { registerShowDetails } from './commands/showDetails';
import { createLog } from './logging/log';
import { BackgroundNotifier } from './notifications/notifier';
import { StatsStatusBar } from './statusBar/statsStatusBar';
import { AgentsTreeProvider } from './treeViews/agentsTreeProvider';

/** What activate() hands to integration tests (via extension.exports). */
export interface ExtensionApi {
  readonly monitor: AgentMonitor;
  readonly tree: AgentsTreeProvider;
  readonly statusBar: StatsStatusBar;
  readonly notifier: BackgroundNotifier;
}

/**
 * Wires the UI to the core. No network or disk work here: the first poll runs
 * from a timer after activation, and the HTTP client loads on first use.
 */
const setGuidAction = { title: 'Set Guid…', run: () => vscode.commands.executeCommand('ccGateway.setGuid') };

export function activate(context: vscode.ExtensionContext): ExtensionApi {
  const log = createLog();
  context.subscriptions.push(log);
  const guids = new GuidStore(context.secrets, context.globalState);
  const notifier = new BackgroundNotifier();
  const monitor = new AgentMonitor(guids, log, notifier);
  context.subscriptions.push(guids, monitor);

  const tree = new AgentsTreeProvider(monitor);
  const view = vscode.window.createTreeView('ccGateway.agents', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(tree, view);
  monitor.setViewVisible(view.visible);
  context.subscriptions.push(view.onDidChangeVisibility((e) => monitor.setViewVisible(e.visible)));

  // The welcome views key on this. (No view.message: VS Code hides a welcome view and its button while one is set.)
  const updateContext = () => void vscode.commands.executeCommand('setContext', 'ccGateway.viewState', monitor.viewState);
  updateContext();
  context.subscriptions.push(monitor.onDidChangeViewState(updateContext));
  // Switching to a gateway without a Guid says so once, naming it: its welcome view cannot.
  context.subscriptions.push(
    monitor.onDidChangeViewState((state) => {
      const origin = monitor.settings.origin;
      if (state !== 'noGuid' || !origin) return;
      notifier.notify('noGuid', origin, 'info', `No Guid is stored for ${origin}. Guids are kept per gateway, so the one of another gateway is never sent here.`, setGuidAction);
    }),
  );
  void vscode.commands.executeCommand('setContext', 'ccGateway.paused', false);

  // One notification per refused credential, not one per agent or per cycle; a new Guid re-arms it.
  context.subscriptions.push(
    monitor.onDidRefuseGuid(({ origin, agentId }) => {
      notifier.notify(
        `refused:${agentId ? `${origin}|${agentId}` : origin}`,
        'refused',
        'warning',
        `The CC-Gateway at ${origin} refused the Guid${agentId ? ` of agent ${agentId}` : ''} (000-003): it is invalid or has expired. Polling has stopped until a new Guid is set.`,
        setGuidAction,
      );
    }),
    monitor.onDidChangeAuth(() => {
      const refused = new Set(monitor.refusedCredentials.map((key) => `refused:${key}`));
      for (const topic of notifier.openTopics('refused:')) if (!refused.has(topic)) notifier.resolve(topic);
    }),
  );

  const statusBar = new StatsStatusBar(monitor);
  context.subscriptions.push(statusBar);

  const ctx: CommandContext = { monitor, guids, log };
  context.subscriptions.push(
    registerQueryAgent(ctx),
    registerAddAgent(ctx),
    registerRemoveAgent(ctx),
    registerCopyAsJson(ctx),
    registerExportStatistics(ctx),
    registerQueryNow(ctx),
    registerShowDetails(ctx),
    ...registerGuidCommands(ctx),
    ...registerSettingsCommands(ctx),
    ...registerPollingCommands(ctx),
  );
  return { monitor, tree, statusBar, notifier };
}

export function deactivate(): void {
  // Everything is in context.subscriptions: VS Code disposes it, which stops timers and closes sockets.
}
