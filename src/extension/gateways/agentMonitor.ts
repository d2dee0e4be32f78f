import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import { connectionSettings } from '../../core/wire/connectionSettings';
import type { CredentialSource } from '../../core/credentials/credentialRegistry';
import { guidCredentials } from '../../core/credentials/credentialSource';
import { GatewayMonitor, type MonitorSettings } from '../../core/monitor/gatewayMonitor';
import { GATEWAY_AGENT_LIMIT } from '../../core/polling/rateLimiter';
import { QueueMonitor, queueSourceOf } from '../../core/monitor/queueMonitor';
import type { SessionHost } from '../../core/sessions/sessionHost';
import type { ReadCoordinator } from '../../core/sharing/readCoordinator';
import { Disposable, Emitter } from '../../core/util/lifecycle';
import type { GuidStore } from '../../core/credentials/guidStore';
import type { SessionStore } from '../../core/credentials/sessionStore';
import type { TrustedCertificates } from '../../core/credentials/trustedCertificates';
import { affectsConnection, readSettings, SECTION, type Settings } from '../adapters/settings';
import { SETTINGS_GATEWAY, type GatewayKey } from '../../core/fleet/gatewayList';
import { loadCreateGatewayClient } from '../adapters/clientLoader';
import { logRequest } from '../adapters/log';
import type { BackgroundNotifier } from '../ui/notifications/notifier';

export type { ViewState } from '../../core/monitor/gatewayMonitor';
export { guidCredentials } from '../../core/credentials/credentialSource';

/**
 * The VS Code side of monitoring: turns settings, trust, the Guid store and window
 * focus into inputs of the core GatewayMonitor, which owns the connection.
 */
export class AgentMonitor extends Disposable {
  /** The core monitor: views and commands read and subscribe to it directly. */
  readonly core: GatewayMonitor;
  private settingsValue: Settings;
  private focused: boolean;
  private viewVisible = false;
  private queuesViewVisible = false;
  /** The watched skill queues, asked by a signed-in session of the current connection. */
  readonly queues: QueueMonitor;
  private readonly onDidChangeSettingsEmitter = this._register(new Emitter<Settings>());
  readonly onDidChangeSettings = this.onDidChangeSettingsEmitter.event;

  constructor(
    guids: GuidStore,
    log: vscode.LogOutputChannel,
    private readonly notifier: BackgroundNotifier,
    private readonly trusted: TrustedCertificates,
    private readonly sessionStore: SessionStore,
    credentials: CredentialSource = guidCredentials(guids, sessionStore),
    sessionHost?: SessionHost,
    /** Which configured gateway this monitor watches (the top-level settings unless given). */
    readonly key: GatewayKey = SETTINGS_GATEWAY,
    reads?: ReadCoordinator,
  ) {
    super();
    this.settingsValue = readSettings(key);
    this.focused = vscode.window.state.focused;
    this.core = this._register(
      new GatewayMonitor(
        this.monitorSettings(this.settingsValue),
        {
          credentials,
          loadClientFactory: loadCreateGatewayClient,
          readTextFile: (p) => readFile(p, 'utf8'),
          log,
          onRequest: (entry) => logRequest(log, entry),
          signInVariant: () => this.settingsValue.signInMethod,
          sessionHost,
          reads,
        },
        { active: this.isActive(), rateLimit: GATEWAY_AGENT_LIMIT },
      ),
    );
    this.core.setAgentStateEnabled(this.settingsValue.agentStateEnabled);
    this.queues = this._register(new QueueMonitor(queueSourceOf(this.core), this.queueSettings(this.settingsValue), { active: this.isActive(), log }));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration(SECTION) || affectsConnection(e)) && this.applySettings(e)));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.applySettings(undefined)));
    this._register(
      vscode.window.onDidChangeWindowState((s) => {
        this.focused = s.focused;
        this.applyActive();
      }),
    );
    this._register(guids.onDidChange((ref) => this.core.credentialsChanged(ref)));
    // Trusting or forgetting a certificate changes the connection settings: a new connection, and every agent polled now.
    this._register(
      trusted.onDidChange((origin) => {
        if (origin !== this.settingsValue.origin) return;
        this.applySettings(undefined);
        this.core.refresh();
      }),
    );
    this.reportInvalidAgents();
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  /**
   * The core monitor with the settings as written now: settings just written by a command may not
   * have reached us as an event yet, and a query or a sign-in acts on what is set.
   */
  synced(): GatewayMonitor {
    this.syncSettings();
    return this.core;
  }

  /** Deactivation: sign the sessions out (bounded by the request timeout), then stop. */
  shutdown(): Promise<void> {
    const done = this.core.shutdown();
    this.dispose();
    return done;
  }
  setViewVisible(visible: boolean): void {
    this.viewVisible = visible;
    this.applyActive();
  }

  /** The Queues view shows numbers too. */
  setQueuesViewVisible(visible: boolean): void {
    this.queuesViewVisible = visible;
    this.applyActive();
  }

  pause(): void {
    this.core.pause();
    this.queues.pause();
  }

  resume(): void {
    this.core.resume();
    this.queues.resume();
  }

  /** Every agent (and the queues) now; one agent's numbers only when given. */
  refresh(agentId?: string): void {
    this.core.refresh(agentId);
    if (agentId === undefined) this.queues.refresh();
  }

  private syncSettings(): void {
    // Compared with what the core last applied: one reading, no second derivation of the old settings.
    if (JSON.stringify(this.monitorSettings(readSettings(this.key))) !== JSON.stringify(this.core.settings)) this.applySettings(undefined);
  }

  private monitorSettings(s: Settings): MonitorSettings {
    return {
      gatewayUrlText: s.gatewayUrlText,
      gatewayUrlProblem: s.gatewayUrlProblem,
      agents: s.agents,
      pollIntervalMs: s.pollIntervalMs,
      sessions: s.origin ? this.sessionStore.remembered(s.origin) : [],
      connection: s.origin
        ? connectionSettings({ origin: s.origin, caFile: s.caFile, caFileSetting: s.caFileSetting, trustedFingerprints: this.trusted.fingerprints(s.origin), proxy: s.proxy, requestTimeoutMs: s.requestTimeoutMs, systemCertificates: s.systemCertificates })
        : undefined,
    };
  }

  private applySettings(e: vscode.ConfigurationChangeEvent | undefined): void {
    const after = readSettings(this.key);
    this.settingsValue = after;
    this.core.configure(this.monitorSettings(after));
    this.core.setAgentStateEnabled(after.agentStateEnabled);
    this.queues.configure(this.queueSettings(after));
    this.applyActive();
    if (!e || e.affectsConfiguration(`${SECTION}.agents`) || e.affectsConfiguration(`${SECTION}.agentIdMax`)) this.reportInvalidAgents();
    this.onDidChangeSettingsEmitter.fire(after);
  }

  private reportInvalidAgents(): void {
    const invalid = this.settingsValue.invalidAgents;
    const topic = this.key === SETTINGS_GATEWAY ? 'invalidAgents' : `invalidAgents:${this.key}`;
    if (invalid.length === 0) return this.notifier.resolve(topic);
    const first = invalid[0];
    this.notifier.notify(
      topic,
      JSON.stringify(invalid.map((i) => i.value)),
      'warning',
      invalid.length === 1
        ? vscode.l10n.t('{0} has 1 invalid entry, skipped: {1}', this.agentsSettingName, first.message)
        : vscode.l10n.t('{0} has {1} invalid entries, skipped: {2}', this.agentsSettingName, invalid.length, first.message),
      { title: vscode.l10n.t('Open Settings'), run: () => vscode.commands.executeCommand('workbench.action.openSettings', this.key === SETTINGS_GATEWAY ? 'ccGateway.agents' : 'ccGateway.gateways') },
    );
  }

  /** Where this gateway's agents are set, as the user reads it in messages. */
  private get agentsSettingName(): string {
    return this.key === SETTINGS_GATEWAY ? 'ccGateway.agents' : `ccGateway.gateways › ${this.settingsValue.gatewayName} › agents`;
  }

  private isActive(): boolean {
    return this.focused && (this.viewVisible || this.queuesViewVisible || this.settingsValue.statusBarEnabled);
  }

  private applyActive(): void {
    const active = this.isActive();
    this.core.setActive(active);
    this.queues.setActive(active);
  }

  private queueSettings(s: Settings) {
    return { queueIds: s.queueIds, intervalMs: s.pollIntervalMs, agentsOf: s.queueAgents };
  }
}
