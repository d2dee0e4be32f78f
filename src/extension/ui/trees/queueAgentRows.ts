import * as vscode from 'vscode';
import { notCurrentText } from '../../../core/format/format';
import { detailsLine, plainWords } from '../../../core/format/plainWords';
import { fitRow, rowBudgetPx } from '../../../core/format/rowFit';
import type { QueueAgent } from '../../../core/model/queues';
import type { AgentCondition } from '../../../core/monitor/agentCondition';
import type { QueueEntry } from '../../../core/monitor/queueMonitor';
import { PRESENCE_ICON, presenceLabel } from '../../../core/supervisor/agentState';
import { queueStateCounts, sortQueueAgents } from '../../../core/supervisor/queueAgents';
import { formatWait } from '../../../core/supervisor/queueThresholds';
import type { SortKey } from '../../../core/supervisor/supervisor';

export { queueStateCounts };
import type { AgentMonitor } from '../../gateways/agentMonitor';
import { conditionIcon, conditionLabel, conditionSentence } from '../conditionWords';
import { clockTime } from './agentTooltip';

/** An agent signed in to a queue, under the queue's row (from the queue's agentbyskill answer). */
export interface QueueAgentNode {
  readonly type: 'queueAgent';
  readonly queueId: number;
  readonly agentId: string;
}

/** The one row under a queue that says why no agents are listed (not read yet, none, refused). */
export interface QueueAgentsHintNode {
  readonly type: 'queueAgentsHint';
  readonly queueId: number;
}

export function isQueueAgentNode(value: unknown): value is QueueAgentNode {
  return !!value && typeof value === 'object' && (value as QueueAgentNode).type === 'queueAgent' && typeof (value as QueueAgentNode).agentId === 'string';
}

/** Stable node objects per queue and agent (the fleet tree keys its owners by node identity). */
const agentNodes = new WeakMap<AgentMonitor, Map<string, QueueAgentNode>>();
const hintNodes = new WeakMap<AgentMonitor, Map<number, QueueAgentsHintNode>>();

/** The rows under queue `queueId`: its agents sorted like the agent rows, or one hint row. */
export function queueAgentRows(monitor: AgentMonitor, queueId: number, key: SortKey): (QueueAgentNode | QueueAgentsHintNode)[] {
  const entry = monitor.queues.get(queueId);
  const list = entry?.agents?.list;
  if (monitor.queues.agentsRefusal || !list || list.length === 0) return [hintNode(monitor, queueId)];
  const ids = sortQueueAgents(list, key, (id) => monitor.core.store.get(id));
  let nodes = agentNodes.get(monitor);
  if (!nodes) agentNodes.set(monitor, (nodes = new Map<string, QueueAgentNode>()));
  return ids.map((agentId) => {
    const k = `${queueId}:${agentId}`;
    let n = nodes.get(k);
    if (!n) nodes.set(k, (n = { type: 'queueAgent', queueId, agentId }));
    return n;
  });
}

function hintNode(monitor: AgentMonitor, queueId: number): QueueAgentsHintNode {
  let nodes = hintNodes.get(monitor);
  if (!nodes) hintNodes.set(monitor, (nodes = new Map<number, QueueAgentsHintNode>()));
  let n = nodes.get(queueId);
  if (!n) nodes.set(queueId, (n = { type: 'queueAgentsHint', queueId }));
  return n;
}

/** Seconds the agent has been in its state now: what the answer said, plus the time since. */
export function secondsInStateNow(agent: QueueAgent, fetchedAt: number, now: number): number | undefined {
  return agent.secondsInState === undefined ? undefined : agent.secondsInState + Math.max(0, Math.floor((now - fetchedAt) / 1000));
}

export function queueAgentItem(monitor: AgentMonitor, node: QueueAgentNode | QueueAgentsHintNode): vscode.TreeItem {
  const entry = monitor.queues.get(node.queueId);
  if (node.type === 'queueAgentsHint') {
    const refusal = monitor.queues.agentsRefusal;
    const label =
      refusal ? (refusal.reason === 'noInboundRight' ? vscode.l10n.t('Agents not shown: this agent may not list them') : vscode.l10n.t('Agents not shown: the gateway lacks this interface'))
      : !entry?.agents ? vscode.l10n.t('Reading the agents…')
      : vscode.l10n.t('No agent signed in to this queue');
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = `queue:${node.queueId}:agents`;
    item.contextValue = 'queueAgents.hint';
    item.iconPath = new vscode.ThemeIcon(refusal ? 'info' : entry?.agents ? 'person' : 'loading~spin');
    item.tooltip = refusal ? [refusal.message, detailsLine(refusal.details)].filter(Boolean).join('\n') : label;
    item.accessibilityInformation = { label: refusal?.message ?? label };
    return item;
  }
  const agent = entry?.agents?.list.find((a) => a.workno === node.agentId);
  const item = new vscode.TreeItem(node.agentId, vscode.TreeItemCollapsibleState.None);
  item.id = `queue:${node.queueId}:agent:${node.agentId}`;
  const watched = monitor.settings.agents.includes(node.agentId as never);
  item.contextValue = watched ? 'queueAgent.watched' : 'queueAgent';
  if (!agent || !entry?.agents) return item;
  const seconds = secondsInStateNow(agent, entry.agents.fetchedAt, Date.now());
  const state = presenceLabel(agent.presence);
  const inState = seconds === undefined ? state : vscode.l10n.t('{0} for {1}', state, formatWait(seconds));
  // A name that only repeats the ID (as the simulator's do) is not said twice.
  const who = [vscode.l10n.t('Agent {0}', node.agentId), agent.name && agent.name !== `Agent ${node.agentId}` ? agent.name : undefined].filter(Boolean).join(', ');
  // Current or not is the gateway's status model's word (its reach first), as on the agent rows; the list's own failure adds to it.
  const condition = queueAgentsCondition(monitor, entry);
  if (condition.kind !== 'current') {
    const asOf = notCurrentText(condition.asOf !== undefined ? clockTime(condition.asOf) : undefined);
    // The state and time read then are not shown as if they were now: "as of 15:42" and why, as an agent row says it.
    item.description = fitRow(node.agentId, [{ text: asOf, keep: true }, { text: conditionLabel(condition) }], rowBudgetPx(monitor.settings.sideBarWidth, 1)).description;
    item.iconPath = conditionIcon(condition);
    const why = condition.message ? plainWords(condition.message, [condition.code]) : { words: '', details: condition.code ? [condition.code] : [] };
    item.tooltip = [
      conditionSentence(condition, node.agentId),
      who,
      vscode.l10n.t('Last read: {0}, {1}', inState, asOf),
      why.words || undefined,
      detailsLine(why.details),
    ].filter(Boolean).join('\n');
    item.accessibilityInformation = { label: [who, conditionLabel(condition), asOf].join(', ') };
    return item;
  }
  item.description = seconds === undefined ? state : `${state} ${formatWait(seconds)}`;
  const look = PRESENCE_ICON[agent.presence];
  item.iconPath = new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined);
  const words = [who, inState].join(', ');
  item.tooltip = words;
  item.accessibilityInformation = { label: words };
  return item;
}

/** Whether a queue row's numbers are current, from the gateway's status model and the queue's last read. */
export function queueRowCondition(monitor: AgentMonitor, entry: QueueEntry): AgentCondition {
  return monitor.core.status.list(entry.fetchedAt, entry.state === 'stale' ? entry.error : undefined);
}

/** Whether a queue's agent list is current, from the gateway's status model and the list's (or its queue's) last read. */
export function queueAgentsCondition(monitor: AgentMonitor, entry: QueueEntry): AgentCondition {
  const failure = entry.agents?.error ?? (entry.state === 'stale' ? entry.error : undefined);
  return monitor.core.status.list(entry.agents?.fetchedAt, failure);
}
