import * as vscode from 'vscode';
import { totals, type Totals } from '../../core/monitor/statsStore';
import type { GroupCondition } from '../../core/monitor/gatewayStatus';
import { attentionReasons, shownPresence } from '../../core/supervisor/supervisor';
import { queueAttention } from '../../core/supervisor/queueThresholds';
import type { GatewayUnit } from './gatewayUnit';

/** One gateway at a glance: its state in words, its totals, and what needs attention (gateway rows, the status bar). */
export interface GatewaySummary {
  readonly name: string;
  /** The state in words: signed in as, no Guid, certificate refused, unreachable… */
  readonly state: string;
  /** A codicon for the state. */
  readonly icon: string;
  /** Something only the user can fix (a refused Guid or certificate, a bad URL). */
  readonly needsUser: boolean;
  /** The gateway does not answer (the extension keeps trying by itself). */
  readonly unreachable: boolean;
  readonly totals: Totals;
  readonly fresh: GroupCondition;
  readonly agents: number;
  readonly waiting: number;
  readonly queues: number;
  /** Agents and queues over a threshold. */
  readonly attention: number;
}

export function summarize(unit: GatewayUnit): GatewaySummary {
  const m = unit.monitor;
  const entries = m.core.store.all();
  const t = totals(entries);
  const fresh = m.core.status.group(entries.map((e) => e.agentId));
  let attention = 0;
  for (const e of entries) {
    const presence = shownPresence(e, m.core.states.get(e.agentId));
    const reading = unit.stateTimes.reading(e.agentId);
    if (attentionReasons(e, presence, m.settings.thresholds, reading && reading.presence === presence ? reading : undefined).length > 0) attention++;
  }
  const queues = m.queues.all().filter((q) => q.state === 'ok' && q.stats);
  attention += queues.filter((q) => queueAttention(q, m.settings.queueThresholds).length > 0).length;
  const waiting = queues.reduce((n, q) => n + q.stats!.waiting, 0);
  const sessions = [...m.core.sessions.entries()];
  const signedIn = sessions.find(([, s]) => s.kind === 'signed-in');
  const unreachable = m.core.status.reach.kind === 'unreachable';
  const [state, icon, needsUser]: [string, string, boolean] =
    m.core.viewState === 'noUrl' ? [vscode.l10n.t('no URL'), 'circle-slash', true]
    : m.core.viewState === 'badUrl' ? [vscode.l10n.t('check the URL'), 'warning', true]
    : m.core.refusedCertificate ? [vscode.l10n.t('certificate refused'), 'shield', true]
    : m.core.viewState === 'noAgents' ? [vscode.l10n.t('no agents'), 'person-add', false]
    : m.core.viewState === 'noGuid' ? [vscode.l10n.t('not signed in'), 'sign-in', false]
    : m.core.viewState === 'checking' ? [vscode.l10n.t('loading…'), 'loading~spin', false]
    : m.core.refusedCredentials.length > 0 ? [vscode.l10n.t('Guid refused'), 'key', true]
    : unreachable ? [vscode.l10n.t('unreachable'), 'debug-disconnect', false]
    : fresh.mustAct > 0 ? [vscode.l10n.t('{0} agents need you', fresh.mustAct), 'warning', true]
    : signedIn ? [vscode.l10n.t('signed in as {0}', signedIn[0]), 'pass', false]
    : sessions.length > 0 ? [vscode.l10n.t('signing in…'), 'sync~spin', false]
    : [vscode.l10n.t('Guid set'), 'key', false];
  return { name: unit.name, state, icon, needsUser, unreachable, totals: t, fresh, agents: entries.length, waiting, queues: queues.length, attention };
}
