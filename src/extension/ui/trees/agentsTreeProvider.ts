// Over 300 lines on purpose: VS Code gives a view one TreeDataProvider, and every kind of row
// (banner, session, Total, team, agent, metric) shares this class's stable node objects, its
// TreeItem cache and its refresh bookkeeping (fire(node) on one row, re-sort without rebuilding),
// which is what keeps a change row-local. What needs none of that lives beside it:
// agentTooltip.ts (tooltips, group words), sessionRows.ts (session rows), core/format/rowFit.ts.
import * as vscode from 'vscode';
import { shortFingerprint, tlsWhy } from '../../../core/model/errors';
import { agentCount, averageTalkSeconds, formatAge, formatDuration, notCurrentText, timeInStateText } from '../../../core/format/format';
import { fitCounts, fitRow, rowBudgetPx, type RowPart } from '../../../core/format/rowFit';
import { detailsLine } from '../../../core/format/plainWords';
import { PRESENCE_ICON, PRESENCES, presenceLabel, type Presence } from '../../../core/supervisor/agentState';
import { attentionReasons, groups, shownPresence, sortAgents, type AttentionReason } from '../../../core/supervisor/supervisor';
import { totals, type AgentEntry } from '../../../core/monitor/statsStore';
import { Disposable } from '../../../core/util/lifecycle';
import type { AgentMonitor } from '../../gateways/agentMonitor';
import type { StateTimes } from '../../gateways/stateTimes';
import type { ViewOptions } from './viewOptions';
import { agentTooltip, clockTime, groupTooltip } from './agentTooltip';
import { conditionIcon, conditionLabel } from '../conditionWords';
import { sessionItem, sessionTooltip } from './sessionRows';

export interface AgentNode {
  readonly type: 'agent';
  readonly agentId: string;
  /** The team row it is under ('' for Other); undefined without teams (flat list). */
  readonly team?: string;
}
interface MetricNode {
  readonly type: 'metric';
  readonly agentId: string;
  readonly parent: AgentNode;
  readonly metric: 'answered' | 'outbound' | 'talktime' | 'average' | 'fetched';
}
/** A team row ('' is Other), with the team's totals. */
export interface TeamNode {
  readonly type: 'team';
  readonly team: string;
}
/** The totals of everything watched (shown with teams). */
export interface TotalsNode {
  readonly type: 'totals';
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
export type Node = AgentNode | MetricNode | BannerNode | TeamNode | TotalsNode | SessionNode;

export function isAgentNode(value: unknown): value is AgentNode {
  return !!value && typeof value === 'object' && (value as AgentNode).type === 'agent' && typeof (value as AgentNode).agentId === 'string';
}

export function isTeamNode(value: unknown): value is TeamNode {
  return !!value && typeof value === 'object' && (value as TeamNode).type === 'team' && typeof (value as TeamNode).team === 'string';
}

/** Compact counters: ↓answered ↑outbound · talk time (the words are in the tooltip). Rows fit them with fitRow. */
export function compactNumbers(s: { answernums: number; calloutnums: number; talktime: number }): string {
  return `↓${s.answernums} ↑${s.calloutnums} · ${formatDuration(s.talktime)}`;
}

/**
 * Rows keep stable ids and node objects, so a changed agent refreshes only its
 * own row (fire(node)), not the whole tree; a team row is refreshed with it for
 * its totals. Sorting re-orders a group only when its order really changed, and a
 * row whose content did not change keeps its TreeItem (nothing rebuilt).
 */
export class AgentsTreeProvider extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly nodes = new Map<string, AgentNode>();
  private readonly sessionNodes = new Map<string, SessionNode>();
  private readonly teamNodes = new Map<string, TeamNode>();
  private readonly totalsNode: TotalsNode = { type: 'totals' };
  private readonly authBanner: BannerNode = { type: 'banner', kind: 'auth' };
  private readonly certificateBanner: BannerNode = { type: 'banner', kind: 'certificate' };
  /** Order last shown per group key ('' flat, 'team:<name>', 'other'). */
  private readonly shownOrder = new Map<string, string[]>();
  /** Last TreeItem per row id, with what it was built from. */
  private readonly items = new Map<string, { signature: string; item: vscode.TreeItem }>();
  private readonly emitter = this._register(new vscode.EventEmitter<Node | Node[] | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  /** Counters for tests and the benchmark: how much each store change refreshed, and how many rows were built anew. */
  readonly refreshCounts = { events: 0, items: 0, full: 0, built: 0, reordered: 0 };
  /** The last `conditionsSaid`: a model change that changes none of it redraws nothing. */
  private lastSaid = '';
  /** Per agent, the time in state and attention its row last showed (timesChanged). */
  private readonly lastTime = new Map<string, string>();
  /** Agents whose session was signed in in this window: signing in once more is "again". */
  private readonly wasSignedIn = new Set<string>();

  constructor(
    private readonly monitor: AgentMonitor,
    private readonly options?: ViewOptions,
    private readonly stateTimes?: StateTimes,
  ) {
    super();
    // Time in a state moves on without any answer from the gateway: the rows whose shown time changed.
    if (stateTimes) this._register(stateTimes.onDidChange((ids) => this.timesChanged(ids)));
    this._register(
      monitor.core.store.onDidChange((change) => {
        if (change.structural) return this.fireAll();
        this.agentsChanged(change.changed);
      }),
    );
    // The gateway's model changed (reach, a stop, a session, numbers grew old): the rows are
    // redrawn only when what they say changed. A session's retry changes the model each attempt
    // and redraws only its own row (below); redrawing every row would close an open tooltip.
    this._register(
      monitor.core.status.onDidChange(() => {
        const said = this.conditionsSaid();
        if (said === this.lastSaid) return;
        this.lastSaid = said;
        this.fireAll();
      }),
    );
    this._register(monitor.core.states.onDidChange((ids) => this.agentsChanged(ids)));
    this._register(monitor.core.onDidChangeViewState(() => this.fireAll()));
    this._register(monitor.core.onDidChangeAuth(() => this.fireAll()));
    this._register(monitor.core.onDidChangeCertificateRefusal(() => this.fireAll()));
    // A renewal refreshes its session row only; a session that appears or goes changes the list.
    this._register(
      monitor.core.onDidChangeSession(({ agentId }) => {
        const node = this.sessionNodes.get(agentId);
        if (node && monitor.core.sessions.has(agentId)) this.emitter.fire(node);
        else this.fireAll();
      }),
    );
    this._register(monitor.core.onDidSwap(() => this.fireAll()));
    this._register(monitor.onDidChangeSettings(() => this.fireAll()));
    if (options) this._register(options.onDidChange(() => this.resort()));
  }

  private get hasTeams(): boolean {
    return this.monitor.settings.teams.length > 0;
  }

  /** What the model says of the gateway and each watched agent, as far as rows show it. */
  private conditionsSaid(): string {
    const status = this.monitor.core.status;
    const parts: string[] = [status.reach.kind];
    for (const id of this.monitor.settings.agents) {
      const c = status.agent(id);
      // New numbers redraw their rows through the store; the time they are "as of" matters here only when not current.
      parts.push(c.kind === 'not-current' ? `${id}:${c.cause ?? ''}:${c.act ?? ''}:${c.session ?? ''}:${c.asOf ?? ''}:${c.code ?? ''}` : `${id}:${c.kind}`);
    }
    return parts.join('|');
  }

  private fireAll(): void {
    this.refreshCounts.full++;
    this.emitter.fire(undefined);
  }

  /**
   * Time in state ticked (every second in a state's first minute): only the rows whose shown
   * text or attention changed, so a row whose numbers are not current (it shows no time) and the
   * team rows (they show none) are not redrawn each second, which would close an open tooltip.
   */
  private timesChanged(ids: readonly string[]): void {
    const rows: string[] = [];
    const groupsToo: string[] = [];
    for (const id of ids) {
      const attention = this.attention(id).map((a) => a.kind).join(',');
      const before = this.lastTime.get(id);
      const now = `${this.shownTime(id) ?? ''}|${attention}`;
      if (before === now) continue;
      this.lastTime.set(id, now);
      // A threshold crossed changes the team's and the Total's ⚠ count: those rows too.
      if (before === undefined || before.slice(before.lastIndexOf('|') + 1) !== attention) groupsToo.push(id);
      else rows.push(id);
    }
    if (groupsToo.length) this.agentsChanged(groupsToo);
    if (rows.length === 0) return;
    if (!this.hasTeams) return void this.emitter.fire(rows.map((id) => this.nodeFor(id)));
    const all = groups(this.monitor.settings.agents, this.monitor.settings.teams);
    this.emitter.fire(rows.flatMap((id) => all.filter((g) => g.agents.includes(id)).map((g) => this.nodeFor(id, g.team ?? ''))));
  }

  /** The time in state an agent row shows (undefined: none, e.g. its numbers are not current). */
  private shownTime(agentId: string): string | undefined {
    const condition = this.monitor.core.status.agent(agentId);
    const presence = this.presence(agentId);
    const reading = this.stateTimes?.reading(agentId);
    // From the first second the state is known; "≥" only when watching began mid-state.
    return condition.kind !== 'not-current' && condition.kind !== 'signed-out' && presence && reading && reading.presence === presence ? timeInStateText(reading.seconds, reading.atLeast) : undefined;
  }

  /** Changed agents: their rows, plus the group (for its totals, or when its order changed). */
  private agentsChanged(ids: readonly string[]): void {
    const fire: Node[] = [];
    const add = (n: Node) => fire.includes(n) || fire.push(n);
    let reorderFlat = false;
    for (const id of ids) {
      if (!this.hasTeams) {
        if (this.orderChanged('', this.monitor.core.store.all().map((e) => e.agentId))) reorderFlat = true;
        add(this.nodeFor(id));
        continue;
      }
      for (const g of groups(this.monitor.settings.agents, this.monitor.settings.teams)) {
        if (!g.agents.includes(id)) continue;
        const key = g.team ?? '';
        add(this.teamNodeFor(key));
        add(this.nodeFor(id, key));
      }
      add(this.totalsNode);
    }
    if (reorderFlat) {
      this.refreshCounts.reordered++;
      return this.fireAll();
    }
    if (fire.length === 0) return;
    this.refreshCounts.events++;
    this.refreshCounts.items += fire.filter((n) => n.type === 'agent').length;
    this.emitter.fire(fire);
  }

  /** Whether sorting these agents now gives another order than the one shown. */
  private orderChanged(groupKey: string, agents: readonly string[]): boolean {
    const shown = this.shownOrder.get(groupKey);
    if (!shown) return false;
    const now = this.sorted(agents);
    return now.length !== shown.length || now.some((id, i) => shown[i] !== id);
  }

  private resort(): void {
    // Only the order changes: rows are re-fetched from their cached items, none is rebuilt.
    this.refreshCounts.reordered++;
    this.emitter.fire(undefined);
  }

  private sorted(agents: readonly string[]): string[] {
    const key = this.options?.sortKey ?? 'agentId';
    if (key === 'agentId' && !this.options) return [...agents];
    return sortAgents(agents, key, (id) => this.monitor.core.store.get(id), (id) => this.presence(id));
  }

  presence(agentId: string): Presence | undefined {
    return shownPresence(this.monitor.core.store.get(agentId), this.monitor.core.states.get(agentId));
  }

  attention(agentId: string): AttentionReason[] {
    const presence = this.presence(agentId);
    const reading = this.stateTimes?.reading(agentId);
    return attentionReasons(this.monitor.core.store.get(agentId), presence, this.monitor.settings.thresholds, reading && reading.presence === presence ? reading : undefined);
  }

  /** Pixels for a row's text at this depth, for the side-bar width rows are fitted to, less the room its inline actions cover when hovered. */
  private budget(depth: number, inlineActions = 0): number {
    return rowBudgetPx(this.monitor.settings.sideBarWidth, depth, inlineActions);
  }

  private nodeFor(agentId: string, team?: string): AgentNode {
    const key = team === undefined ? agentId : `${team}\u0000${agentId}`;
    let node = this.nodes.get(key);
    if (!node) {
      node = team === undefined ? { type: 'agent', agentId } : { type: 'agent', agentId, team };
      this.nodes.set(key, node);
    }
    return node;
  }

  private teamNodeFor(team: string): TeamNode {
    let node = this.teamNodes.get(team);
    if (!node) {
      node = { type: 'team', team };
      this.teamNodes.set(team, node);
    }
    return node;
  }

  getChildren(element?: Node): Node[] {
    if (!element) {
      // Empty means VS Code shows the welcome view matching ccGateway.viewState.
      if (this.monitor.core.viewState !== 'ready') return [];
      const banners: Node[] = [];
      if (this.monitor.core.refusedCertificate) banners.push(this.certificateBanner);
      if (this.monitor.core.refusedCredentials.length > 0) banners.push(this.authBanner);
      banners.push(...this.sessionRows());
      if (!this.hasTeams) {
        const ids = this.sorted(this.monitor.core.store.all().map((e) => e.agentId));
        this.shownOrder.set('', ids);
        const watched = new Set(ids);
        for (const key of this.nodes.keys()) if (!watched.has(key)) this.nodes.delete(key);
        return [...banners, ...ids.map((id) => this.nodeFor(id))];
      }
      const teamRows = groups(this.monitor.settings.agents, this.monitor.settings.teams).map((g) => this.teamNodeFor(g.team ?? ''));
      return [...banners, this.totalsNode, ...teamRows];
    }
    if (element.type === 'team') {
      const g = groups(this.monitor.settings.agents, this.monitor.settings.teams).find((x) => (x.team ?? '') === element.team);
      const ids = this.sorted((g?.agents ?? []).filter((id) => this.monitor.core.store.has(id)));
      this.shownOrder.set(element.team, ids);
      return ids.map((id) => this.nodeFor(id, element.team));
    }
    if (element.type === 'agent') {
      const entry = this.monitor.core.store.get(element.agentId);
      if (!entry?.stats) return [];
      const metrics: MetricNode['metric'][] = ['answered', 'outbound', 'talktime', 'average', 'fetched'];
      return metrics.map((metric) => ({ type: 'metric', agentId: element.agentId, parent: element, metric }));
    }
    return [];
  }

  private sessionRows(): SessionNode[] {
    const sessions = [...this.monitor.core.sessions.keys()];
    for (const id of this.sessionNodes.keys()) if (!sessions.includes(id)) this.sessionNodes.delete(id);
    return sessions.map((agentId) => this.sessionNodes.get(agentId) ?? this.sessionNodes.set(agentId, { type: 'session', agentId }).get(agentId)!);
  }

  getParent(element: Node): Node | undefined {
    if (element.type === 'metric') return element.parent;
    if (element.type === 'agent' && element.team !== undefined) return this.teamNodeFor(element.team);
    return undefined;
  }

  getTreeItem(element: Node): vscode.TreeItem {
    if (element.type === 'banner') return element.kind === 'auth' ? this.authBannerItem() : this.certificateBannerItem();
    if (element.type === 'session') {
      const status = this.monitor.core.sessions.get(element.agentId) ?? { kind: 'signed-out' as const };
      if (status.kind === 'signed-in') this.wasSignedIn.add(element.agentId);
      else if (status.kind === 'signed-out' || status.kind === 'stopped') this.wasSignedIn.delete(element.agentId);
      return sessionItem(element.agentId, status, { unreachable: this.unreachable(), again: this.wasSignedIn.has(element.agentId), budgetPx: this.budget(0) });
    }
    if (element.type === 'team') return this.groupItem(element);
    if (element.type === 'totals') return this.groupItem(undefined);
    const entry = this.monitor.core.store.get(element.agentId);
    if (element.type === 'metric') return this.metricItem(element, entry);
    return this.agentItem(element, entry);
  }

  resolveTreeItem(item: vscode.TreeItem, element: Node): vscode.TreeItem {
    if (element.type === 'session') {
      const status = this.monitor.core.sessions.get(element.agentId);
      if (status) item.tooltip = sessionTooltip(element.agentId, status, Date.now(), this.unreachable());
    }
    if (element.type === 'agent') {
      const entry = this.monitor.core.store.get(element.agentId);
      if (entry) item.tooltip = agentTooltip(entry, this.monitor.core.status.agent(element.agentId), Date.now(), { state: this.monitor.core.states.get(element.agentId), presence: this.presence(element.agentId), attention: this.attention(element.agentId), stateRefused: this.monitor.core.stateRefusal?.message, stateOneByOne: !!this.monitor.core.stateBatchRefusal, inState: this.stateTimes?.reading(element.agentId) });
    }
    if (element.type === 'team' || element.type === 'totals') {
      const g = this.groupData(element.type === 'team' ? element : undefined);
      item.tooltip = groupTooltip(g.label, g.entries, g.warnings, g.fresh, g.byState, Date.now());
    }
    return item;
  }

  /** The gateway does not answer (from the model): session rows say Reconnecting, with the last answer. */
  private unreachable(): { readonly lastAnswer?: number } | undefined {
    const reach = this.monitor.core.status.reach;
    return reach.kind === 'unreachable' ? (reach.lastAnswer !== undefined ? { lastAnswer: reach.lastAnswer } : {}) : undefined;
  }

  /** The cached item when nothing it shows changed; otherwise build() anew. */
  private cached(id: string, signature: string, build: () => vscode.TreeItem): vscode.TreeItem {
    const hit = this.items.get(id);
    if (hit && hit.signature === signature) return hit.item;
    const item = build();
    this.refreshCounts.built++;
    this.items.set(id, { signature, item });
    return item;
  }

  private agentItem(node: AgentNode, entry: AgentEntry | undefined): vscode.TreeItem {
    const { agentId } = node;
    const id = node.team === undefined ? `agent:${agentId}` : `team:${node.team}/agent:${agentId}`;
    const presence = this.presence(agentId);
    const attention = this.attention(agentId);
    const minutes = this.shownTime(agentId);
    this.lastTime.set(agentId, `${minutes ?? ''}|${attention.map((a) => a.kind).join(',')}`);
    const inTeam = node.team !== undefined && node.team !== '';
    const depth = node.team === undefined ? 0 : 1;
    const condition = this.monitor.core.status.agent(agentId);
    // The age is part of what a row shows only while its numbers are not current.
    const shown = { kind: condition.kind, cause: condition.cause, act: condition.act, asOf: condition.kind === 'not-current' ? condition.asOf : undefined };
    const signature = JSON.stringify([shown, entry?.stats, presence, minutes, attention.map((a) => a.text), inTeam, vscode.env.language, this.budget(depth)]);
    return this.cached(id, signature, () => {
      const item = new vscode.TreeItem(agentId, entry?.stats ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = id;
      item.contextValue = `${entry?.stats ? 'agent.withStats' : 'agent'}${inTeam ? '.inTeam' : ''}`;
      if (!entry) return item;
      // What matters first: the state (or that the numbers are not current, and why), then the numbers.
      const parts: RowPart[] = [];
      const s = entry.stats;
      const current = condition.kind !== 'not-current';
      if (!current && condition.asOf !== undefined && s) parts.push({ text: notCurrentText(clockTime(condition.asOf)), keep: true });
      else if (condition.kind === 'signed-out') parts.push({ text: vscode.l10n.t('not signed in'), keep: true });
      else if (presence && current) parts.push({ text: minutes ? `${presenceLabel(presence)} ${minutes}` : presenceLabel(presence), keep: true });
      if (s) parts.push({ text: `↓${s.answernums} ↑${s.calloutnums}`, keep: true }, { text: formatDuration(s.talktime), keep: true });
      else if (condition.kind === 'loading') parts.push({ text: vscode.l10n.t('loading…'), keep: true });
      else if (condition.kind !== 'signed-out') parts.push({ text: conditionLabel(condition), keep: true });
      item.description = fitRow(agentId, parts, this.budget(depth)).description;
      const look = presence && (condition.kind === 'current' || condition.kind === 'signed-out') ? PRESENCE_ICON[presence] : undefined;
      item.iconPath =
        attention.length > 0 && current ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'))
        : look ? new vscode.ThemeIcon(look.icon, look.color ? new vscode.ThemeColor(look.color) : undefined)
        : conditionIcon(condition);
      const words = s ? vscode.l10n.t('{0} answered, {1} outbound, talk time {2}', s.answernums, s.calloutnums, formatDuration(s.talktime)) : conditionLabel(condition);
      const stateWords = presence && current ? (minutes ? vscode.l10n.t('{0} for {1}', presenceLabel(presence), minutes) : presenceLabel(presence)) : undefined;
      const label = [vscode.l10n.t('Agent {0}', agentId), stateWords, words, current ? undefined : conditionLabel(condition), !current && condition.asOf !== undefined ? notCurrentText(clockTime(condition.asOf)) : undefined, ...attention.map((a) => a.text)].filter(Boolean).join(', ');
      item.accessibilityInformation = { label };
      return item;
    });
  }

  /** What a team row ('' = Other) or, for undefined, the totals row sums up. */
  private groupData(team: TeamNode | undefined) {
    const all = groups(this.monitor.settings.agents, this.monitor.settings.teams);
    const members = team ? (all.find((g) => (g.team ?? '') === team.team)?.agents ?? []) : this.monitor.settings.agents;
    const entries = members.map((id) => this.monitor.core.store.get(id)).filter((e): e is AgentEntry => !!e);
    const byState = new Map<Presence, number>();
    for (const e of entries) {
      const p = this.presence(e.agentId);
      if (p && p !== 'unknown') byState.set(p, (byState.get(p) ?? 0) + 1);
    }
    const warnings = members.filter((id) => this.attention(id).length > 0);
    const label = team ? (team.team === '' ? vscode.l10n.t('Other') : team.team) : vscode.l10n.t('Total');
    return { label, entries, sum: totals(entries), warnings, fresh: this.monitor.core.status.group(members), byState };
  }

  /** A team row ('' = Other) or, for undefined, the totals row. */
  private groupItem(team: TeamNode | undefined): vscode.TreeItem {
    const { label, entries, sum, warnings, fresh, byState } = this.groupData(team);
    const warn = warnings.length;
    const id = team ? `team:${team.team}` : 'totals';
    const item = new vscode.TreeItem(label, team ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = id;
    item.contextValue = team ? (team.team === '' ? 'team.other' : 'team') : 'totals';
    const stale = fresh.notCurrent > 0;
    item.iconPath =
      stale ? new vscode.ThemeIcon('history', new vscode.ThemeColor('list.warningForeground'))
      : new vscode.ThemeIcon(team ? 'organization' : 'graph', warn > 0 ? new vscode.ThemeColor('list.warningForeground') : undefined);
    // States in a fixed order of importance (PRESENCES): the most frequent always, the others while they fit, "+N" for the rest.
    const counts = PRESENCES.filter((p) => byState.has(p)).map((p) => ({ label: presenceLabel(p), n: byState.get(p) ?? 0 }));
    const asOf = notCurrentText(fresh.asOf !== undefined ? clockTime(fresh.asOf) : undefined);
    // Old numbers say so first; then who needs attention, the calls, what the agents are doing
    // (never at the cost of the name), talk time while it fits, and more states with what is left.
    const parts: RowPart[] = [
      ...(stale ? [{ text: asOf, keep: true }] : []),
      ...(warn > 0 ? [{ text: `⚠${warn}`, keep: true }] : []),
      { text: `↓${sum.answernums} ↑${sum.calloutnums}`, keep: true },
      ...(counts.length ? [{ text: fitCounts(counts, 0), grow: (px: number) => fitCounts(counts, px) }] : []),
      { text: formatDuration(sum.talktime) },
    ];
    // The row's one inline action (Show Trend) covers its end when hovered: that room is left free.
    const fitted = fitRow(label, parts, this.budget(0, 1));
    item.label = fitted.label;
    item.description = fitted.description;
    const stateWords = PRESENCES.filter((p) => byState.has(p)).map((p) => `${byState.get(p)} ${presenceLabel(p)}`).join(', ');
    item.accessibilityInformation = {
      label: [
        vscode.l10n.t('{0}: {1}, {2} answered, {3} outbound, talk time {4}', label, agentCount(entries.length), sum.answernums, sum.calloutnums, formatDuration(sum.talktime)),
        stale ? (fresh.asOf !== undefined ? vscode.l10n.t('numbers as of {0}, not current', clockTime(fresh.asOf)) : notCurrentText(undefined)) : undefined,
        warn > 0 ? vscode.l10n.t('{0} need attention', warn) : undefined,
        stateWords || undefined,
      ].filter(Boolean).join(', '),
    };
    return item;
  }

  private metricItem(node: MetricNode, entry: AgentEntry | undefined): vscode.TreeItem {
    const s = entry?.stats;
    const item = new vscode.TreeItem('', vscode.TreeItemCollapsibleState.None);
    item.id = `${node.parent.team === undefined ? '' : `team:${node.parent.team}/`}agent:${node.agentId}:${node.metric}`;
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
    const refusal = this.monitor.core.refusedCertificate?.refusal;
    const item = new vscode.TreeItem(
      refusal?.pinned ? vscode.l10n.t('Certificate changed: review it') : vscode.l10n.t('Certificate not trusted: review it'),
      vscode.TreeItemCollapsibleState.None,
    );
    item.id = 'banner:certificate';
    item.description = refusal ? `SHA-256 ${shortFingerprint(refusal.certificate.fingerprint256)}` : '';
    item.iconPath = new vscode.ThemeIcon('shield', new vscode.ThemeColor('list.warningForeground'));
    // Words first (why, in words); Node's code on the last line.
    item.tooltip = [
      refusal?.pinned
        ? vscode.l10n.t('The gateway presents a different certificate from the one you trusted, so nothing is sent to it. Click to review it.')
        : vscode.l10n.t('The gateway\'s certificate could not be verified ({0}), so nothing is sent to it. Click to review it and decide whether to trust it.', refusal ? tlsWhy(refusal.reason) : ''),
      detailsLine(refusal && !refusal.pinned ? [refusal.reason] : []),
    ].filter(Boolean).join('\n\n');
    item.command = { command: 'ccGateway.trustCertificate', title: vscode.l10n.t('Review Certificate…') };
    item.contextValue = 'banner.certificate';
    return item;
  }

  private authBannerItem(): vscode.TreeItem {
    const refused = this.monitor.core.refusedCredentials;
    const item = new vscode.TreeItem(vscode.l10n.t('Guid refused: set a new Guid'), vscode.TreeItemCollapsibleState.None);
    item.id = 'banner:auth';
    const first = refused[0];
    item.description = refused.length > 1 ? vscode.l10n.t('{0} credentials', refused.length) : first?.agentId ? vscode.l10n.t('{0} · agent {1}', first.gateway, first.agentId) : (first?.gateway ?? '');
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    // Words first; the gateway's code on the last line (the log has it too).
    item.tooltip = [vscode.l10n.t('The gateway no longer accepts the Guid: it is invalid or has expired. The numbers stop until you set a new Guid. Click to set one.'), detailsLine(['000-003'])].join('\n\n');
    // A refused per-agent Guid is replaced for that agent, not for the whole gateway.
    const agentId = refused.length === 1 ? refused[0].agentId : undefined;
    item.command = { command: 'ccGateway.setGuid', title: vscode.l10n.t('Set Guid…'), arguments: agentId ? [{ agentId }] : [] };
    item.contextValue = 'banner.auth';
    return item;
  }
}
