import * as vscode from 'vscode';
import { PASSWORD_REFUSED } from '../../../core/sessions/agentSession';
import { credentialKey, sameRef, type PastedRef } from '../../../core/ids/credentialRef';
import type { PasswordVault } from '../../../core/credentials/passwordVault';
import { systemClock, type Clock } from '../../../core/util/clock';
import { GraceGate } from '../../../core/util/graceGate';
import type { AgentMonitor } from '../../gateways/agentMonitor';
import type { GuidStore } from '../../../core/credentials/guidStore';
import { describeStop } from '../sessionWords';
import type { BackgroundNotifier } from './notifier';

/** A pasted Guid refused this soon after it was set most likely died of rotation, not of a typo. */
const ROTATION_SUSPECT_MS = 5 * 60_000;

/**
 * How long a refused Guid waits before it is announced while a session of this window is
 * at work (signing in again after a gateway restart takes about 20 s): a refusal cured
 * within this time is never shown. Without a session nothing cures it: announced at once.
 */
export const REFUSAL_GRACE_MS = 45_000;

/** One notification topic per refused pasted Guid: `refused:<gateway>` or `refused:<gateway> agent <id>`. */
export function refusedTopic(ref: PastedRef): string {
  return ref.agentId ? `refused:${ref.gateway} agent ${ref.agentId}` : `refused:${ref.gateway}`;
}

const action = (title: string, command: string) => ({ title, run: () => vscode.commands.executeCommand(command) });

/**
 * One notification per refused credential (not per agent or per cycle; a new Guid re-arms it),
 * and one when a session that was signed in is lost for good.
 */
export function registerCredentialNotifications(monitor: AgentMonitor, guids: GuidStore, vault: PasswordVault, notifier: BackgroundNotifier, clock: Clock = systemClock): vscode.Disposable[] {
  const now = () => clock.now();
  const wasSignedIn = new Set<string>();
  const grace = new GraceGate(clock);
  const sessions = () => [...monitor.core.sessions.values()];
  /** A session of this window that may still cure a refusal. */
  const sessionAtWork = () => sessions().some((s) => s.kind === 'signed-in' || s.kind === 'signing-in' || s.kind === 'reconnecting');
  const sessionSigningIn = () => sessions().some((s) => s.kind === 'signing-in' || s.kind === 'reconnecting');
  const isRefused = (ref: PastedRef) => monitor.core.refusedCredentials.some((r) => sameRef(r, ref));

  const announce = (ref: PastedRef): void => {
    const origin = ref.gateway;
    const agentId = ref.agentId;
    const setAt = guids.setAt(origin, agentId);
    const soon = setAt !== undefined && now() - setAt < ROTATION_SUSPECT_MS;
    const topic = refusedTopic(ref);
    if (soon || monitor.core.sessions.size > 0) {
      // Dynamic authentication (the default for new gateways) replaces a Guid within about two minutes.
      notifier.notify(
        topic,
        'refused',
        'warning',
        soon
          ? vscode.l10n.t('The CC-Gateway at {0} refused a Guid pasted {1} minutes ago. The gateway most likely renews Guids every minute (dynamic authentication), so a pasted Guid stops working within about two minutes. Sign in from VS Code instead: the extension then follows every new Guid.', origin, Math.max(1, Math.round((now() - (setAt ?? now())) / 60_000)))
          : vscode.l10n.t('The CC-Gateway at {0} refused a Guid and signing in again did not cure it. Sign in again to go on.', origin),
        action(vscode.l10n.t('Sign In…'), 'ccGateway.signIn'),
      );
      return;
    }
    notifier.notify(
      topic,
      'refused',
      'warning',
      agentId
        ? vscode.l10n.t('The CC-Gateway at {0} no longer accepts the Guid of agent {1}. The numbers stop until a new Guid is set.', origin, agentId)
        : vscode.l10n.t('The CC-Gateway at {0} no longer accepts the Guid. The numbers stop until a new Guid is set.', origin),
      action(vscode.l10n.t('Set Guid…'), 'ccGateway.setGuid'),
    );
  };

  return [
    grace,
    // A password refused on a sign-in nobody typed just now (window start, lost session, takeover): the user must act.
    // A typed one is answered by Sign In itself.
    vault.onDidRefuse(({ gateway, agentId, retcode, typed }) => {
      if (typed) return;
      notifier.notify(
        `password:${credentialKey({ kind: 'session', gateway, agentId })}`,
        retcode ?? 'refused',
        'warning',
        // Short, so the toast shows it whole; the code is in the log (agentSession logs it).
        vscode.l10n.t('Agent {0}: the gateway refused the stored password, so it was deleted. Sign in with the current one.', agentId),
        action(vscode.l10n.t('Sign In…'), 'ccGateway.signIn'),
      );
    }),
    monitor.core.onDidRefuseGuid((ref) => {
      if (!sessionAtWork()) return announce(ref);
      // Shown only if it is still refused when the grace ends and no session is signing in again by then.
      grace.hold(refusedTopic(ref), REFUSAL_GRACE_MS, () => isRefused(ref) && !sessionSigningIn(), () => announce(ref));
    }),
    monitor.core.onDidChangeAuth(() => {
      const refused = new Set(monitor.core.refusedCredentials.map(refusedTopic));
      for (const topic of notifier.openTopics('refused:')) if (!refused.has(topic)) notifier.resolve(topic);
    }),
    monitor.core.onDidChangeSession(({ agentId, status }) => {
      const topic = `session:${monitor.settings.origin}|${agentId}`;
      if (status.kind === 'signed-in') {
        wasSignedIn.add(agentId);
        notifier.resolve(topic);
        return;
      }
      if (status.kind === 'signed-out') {
        wasSignedIn.delete(agentId);
        notifier.resolve(topic);
        return;
      }
      // A failed first sign-in is answered by the command itself; a lost session is news,
      // unless its password was refused (that has a notification of its own, above).
      if (status.kind !== 'stopped' || !wasSignedIn.has(agentId)) return;
      if (status.failure === 'credentials' && PASSWORD_REFUSED.has(status.retcode ?? '')) return;
      notifier.notify(topic, `${status.failure}:${status.retcode ?? ''}`, 'warning', vscode.l10n.t('The session of agent {0} ended and could not be re-established: {1}', agentId, describeStop(agentId, status)), action(vscode.l10n.t('Sign In…'), 'ccGateway.signIn'));
    }),
  ];
}
