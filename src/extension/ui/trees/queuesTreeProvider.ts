import * as vscode from 'vscode';
import { formatAge, notCurrentText } from '../../../core/format/format';
import { detailsLine, plainWords } from '../../../core/format/plainWords';
import { fitCounts, fitRow, rowBudgetPx, type RowPart } from '../../../core/format/rowFit';
import { queueCounts } from '../../../core/supervisor/queueAgents';
import type { AgentCondition } from '../../../core/monitor/agentCondition';
import { conditionLabel, conditionSentence } from '../conditionWords';
import { clockTime } from './agentTooltip';
import type { QueueEntry } from '../../../core/monitor/queueMonitor';
import { formatWait, queueAttention } from '../../../core/supervisor/queueThresholds';
import { Disposable } from '../../../core/util/lifecycle';
import type { AgentMonitor } from '../../gateways/agentMonitor';
import type { ViewOptions } from './viewOptions';
import { queueAgentItem, queueAgentRows, queueAgentsCondition, queueRowCondition, queueStateCounts, type QueueAgentNode, type QueueAgentsHintNode } from './queueAgentRows';

/** A watched queue's row. */
export interface QueueNode {
  readonly type: 'queue';
  readonly queueId: number;
}
/** The one row shown instead of queues: why there are none, and the command that fixes it. */
interface HintNode {
  readonly type: 'hint';
}
export type QueueTreeNode = QueueNode | HintNode | QueueAgentNode | QueueAgentsHintNode;

export function isQueueNode(value: unknown): value is QueueNode {
  return !!value && typeof value === 'object' && (value as QueueNode).type === 'queue' && typeof (value as QueueNode).queueId === 'number';
}

/** The queue's name, or "Queue 7" before the VCC's list was read. */
export function queueName(e: Pick<QueueEntry, 'id' | 'name'>): string {
  return e.name ?? vscode.l10n.t('Queue {0}', e.id);
}

/**
 * A queue row's parts, what matters first: that the numbers are not current (the same words
 * as every other row) and the calls waiting, kept even if the name must be shortened; then the
 * longest wait and free/signed-in agents (or, with its agents read, the counts by state, which add
 * up to them) while they fit (the words are in the tooltip and label).
 */
export function queueParts(e: QueueEntry, withAgents: boolean, notCurrent: boolean): RowPart[] {
  const s = e.stats;
  if (!s) return [{ text: e.state === 'missing' ? vscode.l10n.t('no numbers') : vscode.l10n.t('loading…'), keep: true }];
  const counts = withAgents && e.agents ? queueCounts(e.agents.list) : [];
  return [
    ...(notCurrent ? [{ text: notCurrentText(e.fetchedAt !== undefined ? clockTime(e.fetchedAt) : undefined), keep: true }] : []),
    { text: vscode.l10n.t('{0} waiting', s.waiting), keep: true },
    // The queue's name is shortened for none of these (the tooltip and the screen-reader label have them).
    { text: formatWait(s.longestWaitSeconds) },
    // The most frequent state always, the others while they fit, "+N" for the rest (as team rows).
    counts.length ? { text: fitCounts(counts, 0), grow: (px: number) => fitCounts(counts, px) } : { text: `${s.availAgents}/${s.loggedOnAgents}` },
  ];
}

/** The gateway's answer held as many agents as it gives at once: what that means for the counts, and that nothing needs doing. */
function cutWords(n: number): string {
  return vscode.l10n.t('The gateway lists at most {0} agents of a queue at once: more may be signed in than these {0}, and the counts by state are of these. Nothing to do.', n);
}

/**
 * The Queues view, its own view above Agents in the same container: one row per
 * watched queue, or one row that says why there is none and what to run.
 */
export class QueuesTreeProvider extends Disposable implements vscode.TreeDataProvider<QueueTreeNode> {
  private readonly nodes = new Map<number, QueueNode>();
  private readonly hint: HintNode = { type: 'hint' };
  private readonly emitter = this._register(new vscode.EventEmitter<QueueTreeNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(
    private readonly monitor: AgentMonitor,
    private readonly viewOptions?: ViewOptions,
  ) {
    super();
    if (viewOptions) this._register(viewOptions.onDidChange(() => this.emitter.fire(undefined)));
    const all = () => this.emitter.fire(undefined);
    this._register(monitor.queues.onDidChange(all));
    this._register(monitor.onDidChangeSettings(all));
    this._register(monitor.core.onDidChangeViewState(all));
    // The gateway's status model decides whether a queue's agent rows are current (its reach, a refused certificate, a pause).
    // Only when what the rows say changed: a session's retry changes the model each attempt, and
    // redrawing every row would close an open tooltip.
    let said = '';
    this._register(
      monitor.core.status.onDidChange(() => {
        const now = monitor.queues
          .all()
          .map((e) => {
            const row = queueRowCondition(monitor, e);
            const agents = queueAgentsCondition(monitor, e);
            return `${e.id}:${row.kind}:${row.cause ?? ''}:${agents.kind}:${agents.cause ?? ''}`;
          })
          .join('|');
        if (now === said) return;
        said = now;
        all();
      }),
    );
  }

  attention(queueId: number): string[] {
    return queueAttention(this.monitor.queues.get(queueId), this.monitor.settings.queueThresholds);
  }

  /** The view opened or closed a row (TreeView.onDidExpandElement/onDidCollapseElement). */
  setOpened(element: unknown, open: boolean): void {
    if (isQueueNode(element)) this.monitor.queues.setOpened(element.queueId, open);
  }

  getChildren(element?: QueueTreeNode): QueueTreeNode[] {
    if (element?.type === 'queue') return queueAgentRows(this.monitor, element.queueId, this.viewOptions?.sortKey ?? 'agentId');
    if (element) return [];
    const entries = this.monitor.queues.all();
    if (this.monitor.queues.viewState !== 'ready' || entries.length === 0) return [this.hint];
    const ids = new Set(entries.map((e) => e.id));
    for (const id of this.nodes.keys()) if (!ids.has(id)) this.nodes.delete(id);
    return entries.map((e) => this.nodes.get(e.id) ?? this.nodes.set(e.id, { type: 'queue', queueId: e.id }).get(e.id)!);
  }

  getTreeItem(element: QueueTreeNode): vscode.TreeItem {
    if (element.type === 'hint') return this.hintItem();
    if (element.type !== 'queue') return queueAgentItem(this.monitor, element);
    const e = this.monitor.queues.get(element.queueId) ?? { id: element.queueId, state: 'loading' as const };
    const attention = this.attention(element.queueId);
    const shows = this.monitor.queues.showsAgents(e.id) && !this.monitor.queues.agentsRefusal;
    const item = new vscode.TreeItem(queueName(e), vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `queue:${e.id}`;
    item.contextValue = `queue.${e.state}`;
    // Whether the numbers are current is the gateway's status model's to say (an outage shows at
    // once, not only after this queue's own next read failed).
    const condition = e.stats ? queueRowCondition(this.monitor, e) : undefined;
    const notCurrent = condition?.kind === 'not-current';
    // Fitted like every row: the name is shortened before "as of …" or the calls waiting are dropped; the inline Show Trend keeps its room.
    const fitted = fitRow(queueName(e), queueParts(e, shows, notCurrent), rowBudgetPx(this.monitor.settings.sideBarWidth, 0, 1));
    item.label = fitted.label;
    item.description = fitted.description;
    item.iconPath =
      attention.length > 0 ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
      : e.state === 'ok' && !notCurrent ? new vscode.ThemeIcon('inbox')
      : e.state === 'loading' ? new vscode.ThemeIcon('loading~spin')
      : new vscode.ThemeIcon('history');
    const outage = notCurrent && e.state !== 'stale' && condition ? condition : undefined;
    item.tooltip = this.tooltip(e, attention, outage);
    item.accessibilityInformation = { label: this.words(e, attention, outage) };
    return item;
  }

  /** The row in words, for screen readers (and the first line of the tooltip). */
  /** `outage`: the model says the numbers are not current though this queue's last read worked. */
  private words(e: QueueEntry, attention: readonly string[], outage?: AgentCondition): string {
    const s = e.stats;
    const numbers = s
      ? vscode.l10n.t('{0} calls waiting, longest wait {1}, {2} of {3} signed-in agents available', s.waiting, formatWait(s.longestWaitSeconds), s.availAgents, s.loggedOnAgents)
      : e.state === 'missing' ? vscode.l10n.t('the gateway sent no numbers for this queue')
      : vscode.l10n.t('loading');
    // Its own read failed: that failure's words; else the model's (an outage it has not met yet).
    const why = e.state === 'stale' ? plainWords(e.error ?? '').words : outage ? conditionLabel(outage) : undefined;
    const stale = why !== undefined ? vscode.l10n.t('numbers {0}, not current: {1}', notCurrentText(e.fetchedAt !== undefined ? clockTime(e.fetchedAt) : undefined), why) : undefined;
    const refusal = this.monitor.queues.agentsRefusal?.message;
    const counts = !refusal && e.agents && this.monitor.queues.showsAgents(e.id) ? vscode.l10n.t('agents: {0}', queueStateCounts(e.agents.list, ', ') || vscode.l10n.t('none signed in')) : undefined;
    const cut = !refusal && counts && e.agents?.cut ? cutWords(e.agents.list.length) : undefined;
    return [vscode.l10n.t('Queue {0}', queueName(e)), numbers, counts, cut, refusal, stale, ...attention].filter(Boolean).join(', ');
  }

  private tooltip(e: QueueEntry, attention: readonly string[], outage?: AgentCondition): vscode.MarkdownString {
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = false;
    // The name and what is happening first; the queue's ID and access code go to the last line.
    md.appendText(`${queueName(e)}\n\n`);
    const why = e.error ? plainWords(e.error) : undefined;
    if (e.state === 'stale' || e.state === 'missing') md.appendText(`${vscode.l10n.t('Not current: {0}', why?.words ?? '')}\n\n`);
    else if (outage) md.appendText(`${conditionSentence(outage, '')}\n\n`);
    const s = e.stats;
    if (s) {
      md.appendText(`${vscode.l10n.t('Calls waiting: {0}', s.waiting)}\n\n`);
      md.appendText(`${vscode.l10n.t('Longest wait: {0}', formatWait(s.longestWaitSeconds))}\n\n`);
      md.appendText(`${vscode.l10n.t('Agents signed in: {0}, available: {1}', s.loggedOnAgents, s.availAgents)}\n\n`);
    }
    if (e.fetchedAt) md.appendText(`${vscode.l10n.t('Fetched {0}', formatAge(Date.now() - e.fetchedAt))}\n\n`);
    const refusal = this.monitor.queues.agentsRefusal;
    if (refusal) md.appendText(`${refusal.message}\n\n`);
    else if (e.agents?.cut) md.appendText(`${cutWords(e.agents.list.length)}\n\n`);
    for (const a of attention) md.appendMarkdown(`$(warning) `).appendText(`${a}\n\n`);
    const ids = [vscode.l10n.t('queue ID {0}', e.id), ...(e.stats?.pilotNbr ? [vscode.l10n.t('access code {0}', e.stats.pilotNbr)] : []), ...(why?.details ?? []), ...(refusal?.details ?? [])];
    md.appendText(detailsLine(ids) ?? '');
    return md;
  }

  private hintItem(): vscode.TreeItem {
    const q = this.monitor.queues;
    const state = q.viewState;
    const item = new vscode.TreeItem('', vscode.TreeItemCollapsibleState.None);
    item.id = `queues:${state}`;
    item.contextValue = `queues.${state}`;
    // The why goes in the tooltip and the screen-reader label: at the default side-bar width a description would be cut.
    let why: string | undefined;
    switch (state) {
      case 'noConnection':
        item.label = vscode.l10n.t('Set a gateway URL to see queues');
        item.iconPath = new vscode.ThemeIcon('plug');
        item.command = { command: 'ccGateway.setGatewayUrl', title: vscode.l10n.t('Set Gateway URL…') };
        break;
      case 'noSession':
        item.label = vscode.l10n.t('Sign in to see queues');
        why = vscode.l10n.t('the gateway answers queues to a signed-in agent');
        item.iconPath = new vscode.ThemeIcon('sign-in');
        item.command = { command: 'ccGateway.signIn', title: vscode.l10n.t('Sign In…') };
        break;
      case 'loading':
        item.label = vscode.l10n.t('Reading the queues…');
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        break;
      default:
        item.label = vscode.l10n.t('No queues');
        why = vscode.l10n.t('choose them with Watch Queues…');
        item.iconPath = new vscode.ThemeIcon('info');
        item.command = { command: 'ccGateway.watchQueues', title: vscode.l10n.t('Watch Queues…') };
    }
    item.tooltip = [item.label, why].filter(Boolean).join(': ');
    item.accessibilityInformation = { label: String(item.tooltip) };
    return item;
  }
}
