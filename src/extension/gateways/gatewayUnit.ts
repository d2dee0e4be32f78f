import * as vscode from 'vscode';
import { Preferences } from '../../core/storage/preferences';
import { shortFingerprint } from '../../core/model/errors';
import { SETTINGS_GATEWAY, type GatewayEntry, type GatewayKey } from '../../core/fleet/gatewayList';
import type { HistoryStore } from '../../core/history/historyStore';
import type { PasswordVault } from '../../core/credentials/passwordVault';
import type { SessionHost } from '../../core/sessions/sessionHost';
import type { ReadCoordinator } from '../../core/sharing/readCoordinator';
import { Disposable } from '../../core/util/lifecycle';
import type { CredentialSource } from '../../core/credentials/credentialRegistry';
import { AgentMonitor } from './agentMonitor';
import type { GuidStore } from '../../core/credentials/guidStore';
import type { SessionStore } from '../../core/credentials/sessionStore';
import type { TrustedCertificates } from '../../core/credentials/trustedCertificates';
import { registerCredentialNotifications } from '../ui/notifications/credentialNotifications';
import type { BackgroundNotifier } from '../ui/notifications/notifier';
import { StateTimes } from './stateTimes';
import { TrendPanels } from '../ui/panels/trendPanel';
import type { ViewOptions } from '../ui/trees/viewOptions';
import type { WebviewTap } from '../testHooks';
import { AgentsTreeProvider } from '../ui/trees/agentsTreeProvider';
import { QueuesTreeProvider } from '../ui/trees/queuesTreeProvider';

/** What every gateway's unit shares: the stores, the notifier, the session host, the history. */
export interface UnitServices {
  readonly context: vscode.ExtensionContext;
  readonly guids: GuidStore;
  readonly vault: PasswordVault;
  readonly sessions: SessionStore;
  readonly trusted: TrustedCertificates;
  readonly notifier: BackgroundNotifier;
  readonly log: vscode.LogOutputChannel;
  readonly credentials: CredentialSource;
  readonly sessionHost?: SessionHost;
  /** Claims reads before they are sent and shares them with the other windows and the team. */
  readonly reads?: ReadCoordinator;
  readonly viewOptions: ViewOptions;
  readonly history: HistoryStore;
  readonly tap?: WebviewTap;
}

const setGuidAction = (gateway: string) => ({
  get title() {
    return vscode.l10n.t('Set Guid…');
  },
  run: () => vscode.commands.executeCommand('ccGateway.setGuid', { gateway }),
});

/**
 * Everything one gateway has, created and disposed as one unit: its monitor
 * (connection, sessions, queues), time in state, its rows, its trend panels, its
 * notifications and its history recording. Removing the gateway disposes all of it and
 * signs its sessions out; no other gateway's unit is touched.
 */
export class GatewayUnit extends Disposable {
  readonly monitor: AgentMonitor;
  readonly stateTimes: StateTimes;
  readonly tree: AgentsTreeProvider;
  readonly queuesTree: QueuesTreeProvider;
  readonly trends: TrendPanels;
  private viewVisible = false;

  constructor(
    readonly key: GatewayKey,
    services: UnitServices,
  ) {
    super();
    const { context, guids, vault, sessions, trusted, notifier, log, credentials, sessionHost, viewOptions, history, tap, reads } = services;
    this.monitor = this._register(new AgentMonitor(guids, log, notifier, trusted, sessions, credentials, sessionHost, key, reads));
    const monitor = this.monitor;
    this.stateTimes = this._register(new StateTimes(monitor, new Preferences(context.globalState)));
    this.tree = this._register(new AgentsTreeProvider(monitor, viewOptions, this.stateTimes));
    this.queuesTree = this._register(new QueuesTreeProvider(monitor, viewOptions));
    this.trends = new TrendPanels(context.extensionUri, monitor, history, tap, log);
    this._register(this.trends);
    for (const d of registerCredentialNotifications(monitor, guids, vault, notifier)) this._register(d);
    // The top-level gateway keeps the topics it always had; a listed one adds its key.
    const topic = (what: string) => (key === SETTINGS_GATEWAY ? what : `${what}:${key}`);

    // Switching to a gateway without a Guid says so once, naming it, unless the view is showing
    // its welcome text (a notification cannot be withdrawn, and would be wrong once the Guid is set).
    this._register(
      monitor.core.onDidChangeViewState((state) => {
        const origin = monitor.settings.origin;
        if (state !== 'noGuid' || !origin || this.viewVisible) return;
        notifier.notify(topic('noGuid'), origin, 'info', vscode.l10n.t('No Guid is stored for {0}. Guids are kept per gateway, so the one of another gateway is never sent here.', origin), setGuidAction(this.name));
      }),
    );

    // A refused certificate: one notification per certificate (not per agent or cycle), resolved once it is accepted.
    let shownCertificate: string | undefined;
    this._register(
      monitor.core.onDidChangeCertificateRefusal(() => {
        const refused = monitor.core.refusedCertificate;
        const now = refused ? `certificate:${refused.origin}` : undefined;
        if (shownCertificate && shownCertificate !== now) notifier.resolve(shownCertificate);
        shownCertificate = now;
        if (!refused || !now) return;
        const { certificate, pinned } = refused.refusal;
        notifier.notify(
          now,
          certificate.fingerprint256,
          'warning',
          pinned
            ? vscode.l10n.t('{0} presented a different certificate from the one you trusted (SHA-256 {1}), so nothing is sent to it. Review it before trusting it.', refused.origin, shortFingerprint(certificate.fingerprint256))
            : vscode.l10n.t('The certificate of {0} could not be verified ({1}), so nothing is sent to it. Review the certificate, or set {2} to the CA that issued it.', refused.origin, refused.refusal.reason, monitor.settings.caFileSetting),
          { title: vscode.l10n.t('Review Certificate…'), run: () => vscode.commands.executeCommand('ccGateway.trustCertificate', { gateway: this.name }) },
        );
      }),
    );
    this._register({ dispose: () => shownCertificate && notifier.resolve(shownCertificate) });

    // The gateway refuses the agent state interface: one explanation.
    const stateRefused = () => {
      const refusal = monitor.core.stateRefusal;
      const origin = monitor.settings.origin ?? '';
      if (!refusal) return notifier.resolve(topic('stateRefused'));
      notifier.notify(
        topic('stateRefused'),
        origin,
        'info',
        vscode.l10n.t('The gateway {0} does not answer agent state queries ({1}). Rows show counters only; set ccGateway.agentState.enabled to false to stop asking.', origin, refusal.message),
        { title: vscode.l10n.t('Open Settings'), run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'ccGateway.agentState.enabled') },
      );
    };
    this._register(monitor.core.onDidChangeStateAvailability(stateRefused));

    const teamsChanged = () => {
      const s = monitor.settings;
      if (s.teamProblems.length === 0) return notifier.resolve(topic('invalidTeams'));
      notifier.notify(
        topic('invalidTeams'),
        JSON.stringify(s.teamProblems),
        'warning',
        vscode.l10n.t('ccGateway.teams or ccGateway.teamOf has {0} invalid entries, skipped: {1}', s.teamProblems.length, s.teamProblems[0].message),
        // The search shows both settings.
        { title: vscode.l10n.t('Open Settings'), run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'ccGateway.team') },
      );
    };
    teamsChanged();
    this._register(monitor.onDidChangeSettings(teamsChanged));
    this._register({ dispose: () => ['stateRefused', 'invalidTeams', 'noGuid'].forEach((w) => notifier.resolve(topic(w))) });

    // The shift's history: every change of an agent's counters, per gateway (origin) and day.
    this._register(
      monitor.core.store.onDidChange((change) => {
        const origin = monitor.settings.origin;
        if (!origin) return;
        for (const id of change.changed) {
          const e = monitor.core.store.get(id);
          if (e?.state === 'ok' && e.stats) history.record(origin, id, e.stats, e.fetchedAt);
        }
      }),
    );
    // Queue samples go into the same day files (a sample only when a number changed).
    this._register(
      monitor.queues.onDidChange(() => {
        const origin = monitor.settings.origin;
        if (!origin) return;
        for (const e of monitor.queues.all()) if (e.state === 'ok' && e.stats) history.recordQueue(origin, e.id, e.stats, e.fetchedAt);
      }),
    );
  }

  get name(): string {
    return this.monitor.settings.gatewayName;
  }

  get origin(): string | undefined {
    return this.monitor.settings.origin;
  }

  /** Whether a tree shows this gateway's rows (no "No Guid" notification while its welcome text says it). */
  setViewVisible(visible: boolean): void {
    this.viewVisible = visible;
    this.monitor.setViewVisible(visible);
  }

  setQueuesViewVisible(visible: boolean): void {
    this.monitor.setQueuesViewVisible(visible);
  }

  /** Removed from the settings: its sessions are signed out (bounded by the request timeout), then everything stops. */
  retire(): void {
    void this.shutdown();
  }

  /** Removing the gateway or deactivation: its sessions are signed out (bounded), then everything stops. */
  shutdown(): Promise<void> {
    const done = this.monitor.shutdown();
    this.dispose();
    return done;
  }
}

export type { GatewayEntry };
