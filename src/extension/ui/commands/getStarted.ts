import * as vscode from 'vscode';
import type { Preferences } from '../../../core/storage/preferences';
import type { AgentMonitor } from '../../gateways/agentMonitor';

/**
 * Context keys the walkthrough's steps complete on (package.json, "onContext:…"), one per step
 * that may be done already when it opens: the URL set, a credential there (a stored Guid or a
 * session), agents, teams. VS Code ticks a step when such a key *changes* to a matching value
 * after the walkthrough was registered; a key already matching at registration is never
 * ticked. The registration may come up to 5 s after the walkthrough service starts, and that
 * service may start only when the walkthrough is first opened: so each step has a second key,
 * `….late`, set once that time has passed (whichever comes after the registration ticks it).
 */
const DONE_KEYS = ['gatewayUrl', 'credential', 'agents', 'teams'] as const;
const LATE_MS = 6_000;

function doneNow(monitor: AgentMonitor): Record<(typeof DONE_KEYS)[number], boolean> {
  const state = monitor.core.viewState;
  return {
    gatewayUrl: state !== 'noUrl' && state !== 'badUrl',
    credential: state === 'ready' || monitor.core.sessions.size > 0,
    agents: monitor.settings.agents.length > 0,
    teams: monitor.settings.teams.length > 0,
  };
}

const setKey = (key: string, value: boolean) => vscode.commands.executeCommand('setContext', `ccGateway.walkthrough.${key}`, value);

async function markDone(monitor: AgentMonitor): Promise<void> {
  for (const key of DONE_KEYS) {
    await setKey(key, false);
    await setKey(`${key}.late`, false);
  }
  const done = doneNow(monitor);
  for (const key of DONE_KEYS) if (done[key]) await setKey(key, true);
  setTimeout(() => {
    const later = doneNow(monitor);
    for (const key of DONE_KEYS) if (later[key]) void setKey(`${key}.late`, true);
  }, LATE_MS);
}

/**
 * The walkthrough (contributes.walkthroughs): opened by Get Started, and once by itself on
 * the first run, when no gateway is set yet. Not under the test harness, whose fresh
 * profiles would open it in every extension-host suite.
 */
export function registerGetStarted(context: vscode.ExtensionContext, monitor: AgentMonitor, preferences: Preferences): vscode.Disposable[] {
  const id = `${context.extension.id}#ccGateway.gettingStarted`;
  const open = async () => {
    await markDone(monitor);
    return vscode.commands.executeCommand('workbench.action.openWalkthrough', id, false);
  };
  if (context.extensionMode !== vscode.ExtensionMode.Test && !preferences.walkthroughShown() && monitor.settings.gatewayUrlText === '') {
    void preferences.setWalkthroughShown();
    void open();
  }
  return [vscode.commands.registerCommand('ccGateway.getStarted', open)];
}
