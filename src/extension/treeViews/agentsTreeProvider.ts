import * as vscode from 'vscode';
import { shortFingerprint } from '../../core/gateway/errors';
import { averageTalkSeconds, describeStats, formatAge, formatDuration } from '../../core/format/format';
import type { AgentEntry } from '../../core/state/store';
import { Disposable } from '../../core/util/lifecycle';
import type { AgentMonitor } from '../agentMonitor';
import { agentTooltip, stateIcon, stateLabel } from './agentTooltip';
import { sessionItem, sessionTooltip } from './sessionRows';

export interface AgentNode {
  readonly type: 'agent';
  readonly agentId: string;
}
interface MetricNode {
  readonly type: 'metric';
  readonly agentId: string;
  readonly metric: 'answered' | 'outbound' | 'talktime' | 'average' | 'fetched';
}
/** A problem that needs the user, shown as its own row above the agents. */
interface BannerNode {
  readonly type: 'banner';
  readonly kind: 'auth' | 'certificate';
}
/** A sign-in session of this window, shown above the agents. */
interface SessionNode {
  readonly type: 'session';
  readonly agentId: string;
}
export type Node = AgentNode | MetricNode | BannerNode | SessionNode;

export function isAgentNode(value: unknown): value is AgentNode {
  return !!value && typeof value === 'object' && (value as AgentNode).type === 'agent' && typeof (value as AgentNode).agentId === 'string';
}

/**
 * Rows keep stable ids and node objects, so a changed agent refreshes only its
 * own row (fire(node)), not the whole tree.
 */
export class AgentsTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly nodes = new Map<string, AgentNode>();
  private readonly sessionNodes = new Map<string, SessionNode>();
  private readonly authBanner: BannerNode = { type: 'banner', kind: 'auth' };
  private readonly certificateBanner: BannerNode = { type: 'banner', kind: 'certificate' };
  private readonly emitter = this._register(new vscode.EventEmitter<Node | Node[] | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  /** Counters for tests and the benchmark: how much each store change refreshed. */
  readonly refreshCounts = { events: 0, items: 0, full: 0 };

  constructor(private readonly monitor: AgentMonitor) {
    super();
    this._register(
      monitor.store.onDidChange((change) => {
        if (change.structural) return this.fireAll();
        const changed = change.changed.map((id) => this.nodeFor(id));
        if (changed.length === 0) return;
        this.refreshCounts.events++;
        this.refreshCounts.items += changed.length;
        this.emitter.fire(changed);
      }),
    );
    this._register(monitor.onDidChangeViewState(() => this.fireAll()));
    this._register(monitor.onDidChangeAuth(() => this.fireAll()));
    this._register(monitor.onDidChangeCertificateRefusal(() => this.fireAll()));
    // A renewal refreshes its session row only; a session that appears or goes changes the list.
    this._register(
      monitor.onDidChangeSession(({ agentId }) => {
        const node = this.sessionNodes.get(agentId);
        if (node && monitor.sessions.has(agentId)) this.emitter.fire(node);
        else this.fireAll();
      }),
    );
    this._register(monitor.onDidSwap(() => this.fireAll()));
  }

  private fireAll(): void {
    this.refreshCounts.full++;
    this.emitter.fire(undefined);
  }

  private nodeFor(agentId: string): AgentNode {
    let node = this.nodes.get(agentId);
    if (!node) {
      node = { type: 'agent', agentId };
      this.nodes.set(agentId, node);
    }
    return node;
  }

  getChildren(element?: Node): Node[] {
    if (!element) {
      // Empty means VS Code shows the welcome view matching ccGateway.viewState.
      if (this.monitor.viewState !== 'ready') return [];
      const ids = this.monitor.store.all().map((e) => e.agentId);
      const watched = new Set(ids);
      for (const id of this.nodes.keys()) if (!watched.has(id)) this.nodes.delete(id);
      const rows: Node[] = ids.map((id) => this.nodeFor(id));
      const banners: Node[] = [];
      if (this.monitor.refusedCertificate) banners.push(this.certificateBanner);
      if (this.monitor.refusedCredentials.length > 0) banners.push(this.authBanner);
      const sessions = [...this.monitor.sessions.keys()];
      for (const id of this.sessionNodes.keys()) if (!sessions.includes(id)) this.sessionNodes.delete(id);
      const sessionRows = sessions.map((agentId) => this.sessionNodes.get(agentId) ?? this.sessionNodes.set(agentId, { type: 'session', agentId }).get(agentId)!);
      return [...banners, ...sessionRows, ...rows];
    }
    if (element.type === 'agent') {
      const entry = this.monitor.store.get(element.agentId);
      if (!entry?.stats) return [];
      const metrics: MetricNode['metric'][] = ['answered', 'outbound', 'talktime', 'average', 'fetched'];
      return metrics.map((metric) => ({ type: 'metric', agentId: element.agentId, metric }));
    }
    return [];
  }

  getParent(element: Node): Node | undefined {
    return element.type === 'metric' ? this.nodeFor(element.agentId) : undefined;
  }

  getTreeItem(element: Node): vscode.TreeItem {
    if (element.type === 'banner') return element.kind === 'auth' ? this.authBannerItem() : this.certificateBannerItem();
    if (element.type === 'session') return sessionItem(element.agentId, this.monitor.sessions.get(element.agentId) ?? { kind: 'signed-out' });
    const entry = this.monitor.store.get(element.agentId);
    if (element.type === 'metric') return this.metricItem(element, entry);
    return this.agentItem(element.agentId, entry);
  }

  resolveTreeItem(item: vscode.TreeItem, element: Node): vscode.TreeItem {
    if (element.type === 'session') {
      const status = this.monitor.sessions.get(element.agentId);
      if (status) item.tooltip = sessionTooltip(element.agentId, status, Date.now());
    }
    if (element.type === 'agent') {
      const entry = this.monitor.store.get(element.agentId);
      if (entry) item.tooltip = agentTooltip(entry, Date.now());
    }
    return item;
  }

  private agentItem(agentId: string, entry: AgentEntry | undefined): vscode.TreeItem {
    const item = new vscode.TreeItem(vscode.l10n.t('Agent {0}', agentId), entry?.stats ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `agent:${agentId}`;
    item.contextValue = entry?.stats ? 'agent.withStats' : 'agent';
    if (!entry) return item;
    item.iconPath = stateIcon(entry);
    const numbers = entry.stats ? describeStats(entry.stats) : undefined;
    switch (entry.state) {
      case 'ok':
      case 'loading':
        item.description = numbers ?? (entry.state === 'loading' ? vscode.l10n.t('loading…') : '');
        break;
      case 'offline':
        item.description = numbers ? vscode.l10n.t('{0} · not signed in', numbers) : vscode.l10n.t('not signed in');
        break;
      default:
        item.description = numbers ? vscode.l10n.t('{0} · stale', numbers) : stateLabel(entry.state);
    }
    item.accessibilityInformation = { label: vscode.l10n.t('Agent {0}, {1}, {2}', agentId, String(item.description), stateLabel(entry.state)) };
    return item;
  }

  private metricItem(node: MetricNode, entry: AgentEntry | undefined): vscode.TreeItem {
    const s = entry?.stats;
    const item = new vscode.TreeItem('', vscode.TreeItemCollapsibleState.None);
    item.id = `agent:${node.agentId}:${node.metric}`;
    item.contextValue = 'metric';
    const avg = s ? averageTalkSeconds(s) : undefined;
    const rows: Record<MetricNode['metric'], [string, string, string]> = {
      answered: [vscode.l10n.t('Answered'), String(s?.answernums ?? '–'), 'call-incoming'],
      outbound: [vscode.l10n.t('Outbound'), String(s?.calloutnums ?? '–'), 'call-outgoing'],
      talktime: [vscode.l10n.t('Talk time'), s ? formatDuration(s.talktime) : '–', 'clock'],
      average: [vscode.l10n.t('Average per call'), avg === undefined ? '–' : formatDuration(avg), 'graph-line'],
      fetched: [vscode.l10n.t('Fetched'), entry?.fetchedAt ? new Date(entry.fetchedAt).toLocaleTimeString() : '–', 'history'],
    };
    const [label, value, icon] = rows[node.metric];
    item.label = label;
    item.description = value;
    item.iconPath = new vscode.ThemeIcon(icon);
    if (node.metric === 'fetched' && entry?.fetchedAt) item.tooltip = formatAge(Date.now() - entry.fetchedAt);
    return item;
  }

  private certificateBannerItem(): vscode.TreeItem {
    const refusal = this.monitor.refusedCertificate?.refusal;
    const item = new vscode.TreeItem(
      refusal?.pinned ? vscode.l10n.t('Certificate changed: review it') : vscode.l10n.t('Certificate not trusted: review it'),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = 'banner:certificate';
    item.description = refusal ? `SHA-256 ${shortFingerprint(refusal.certificate.fingerprint256)}` : '';
    item.iconPath = new vscode.ThemeIcon('shield', new vscode.ThemeColor('list.warningForeground'));
    item.tooltip = refusal?.pinned
      ? vscode.l10n.t('The gateway presents a different certificate from the one you trusted, so nothing is sent to it. Click to review it.')
      : vscode.l10n.t('The gateway\'s certificate could not be verified ({0}), so nothing is sent to it. Click to review it and decide whether to trust it.', refusal?.reason ?? '');
    item.command = { command: 'ccGateway.trustCertificate', title: vscode.l10n.t('Review Certificate…') };
    item.contextValue = 'banner.certificate';
    return item;
  }

  private authBannerItem(): vscode.TreeItem {
    const refused = this.monitor.refusedCredentials;
    const item = new vscode.TreeItem(vscode.l10n.t('Guid refused: set a new Guid'), vscode.TreeItemCollapsibleState.None);
    item.id = 'banner:auth';
    const [origin, agent] = (refused[0] ?? '').split('|');
    item.description = refused.length > 1 ? vscode.l10n.t('{0} credentials', refused.length) : agent ? vscode.l10n.t('{0} · agent {1}', origin, agent) : origin;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    item.tooltip = vscode.l10n.t('The gateway answered 000-003: the Guid is invalid or has expired. Polling has stopped until you set a new Guid. Click to set one.');
    // A refused per-agent Guid is replaced for that agent, not for the whole gateway.
    const agentId = refused.length === 1 ? refused[0].split('|')[1] : undefined;
    item.command = { command: 'ccGateway.setGuid', title: vscode.l10n.t('Set Guid…'), arguments: agentId ? [{ agentId }] : [] };
    item.contextValue = 'banner.auth';
    return item;
  }
}
