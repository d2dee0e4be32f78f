import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { CertificateRefusal } from '../core/gateway/certificate';
import { GatewayError } from '../core/gateway/errors';
import { resolveProxy } from '../core/gateway/proxy';
import type { AgentStatistics, DetailedStatistics, GatewayClient } from '../core/gateway/types';
import { PollScheduler, type PollOutcome } from '../core/polling/scheduler';
import { StatsStore } from '../core/state/store';
import { Disposable, Emitter } from '../core/util/lifecycle';
import type { AgentId } from '../core/validation/agentId';
import type { GuidStore } from './auth/guidStore';
import type { TrustedCertificates } from './auth/trustedCertificates';
import { affectsConnection, readSettings, SECTION, type Settings } from './configuration/settings';
import { loadCreateGatewayClient } from './gateway/clientLoader';
import { logRequest } from './logging/log';
import type { BackgroundNotifier } from './notifications/notifier';

/** What the view shows when it has no rows; each has a welcome view with the fix. */
export type ViewState = 'noUrl' | 'badUrl' | 'noAgents' | 'noGuid' | 'ready';

/**
 * Wires settings, the Guid store, the core scheduler and the state store.
 * Owns no UI: the tree and the status bar listen to it.
 */
export class AgentMonitor extends Disposable {
  readonly store = this._register(new StatsStore());
  private scheduler: PollScheduler | undefined;
  private client: Promise<GatewayClient> | undefined;
  private settingsValue: Settings;
  private hasGuid: boolean | undefined;
  private viewStateValue: ViewState = 'noUrl';
  private readonly authBlocked = new Set<string>();
  private focused: boolean;
  private viewVisible = false;
  private paused = false;
  private readonly onDidChangeViewStateEmitter = this._register(new Emitter<ViewState>());
  readonly onDidChangeViewState = this.onDidChangeViewStateEmitter.event;
  private readonly onDidChangeAuthEmitter = this._register(new Emitter<void>());
  /** Fires when a credential is refused or restored (banner row, status bar colour). */
  readonly onDidChangeAuth = this.onDidChangeAuthEmitter.event;
  private readonly lastAuthCode = new Map<string, string | undefined>();
  private readonly onDidRefuseGuidEmitter = this._register(new Emitter<{ origin: string; agentId?: string }>());
  /** Once per refusal of a credential, until a new Guid lifts it. */
  readonly onDidRefuseGuid = this.onDidRefuseGuidEmitter.event;
  private certificateRefusal: { readonly origin: string; readonly refusal: CertificateRefusal } | undefined;
  private readonly onDidChangeCertificateRefusalEmitter = this._register(new Emitter<void>());
  /** Fires when the gateway's certificate is refused (a new one) or is accepted again. */
  readonly onDidChangeCertificateRefusal = this.onDidChangeCertificateRefusalEmitter.event;
  private readonly onDidChangeSettingsEmitter = this._register(new Emitter<Settings>());
  readonly onDidChangeSettings = this.onDidChangeSettingsEmitter.event;

  constructor(
    private readonly guids: GuidStore,
    private readonly log: vscode.LogOutputChannel,
    private readonly notifier: BackgroundNotifier,
    private readonly trusted: TrustedCertificates,
  ) {
    super();
    this.settingsValue = readSettings();
    this.focused = vscode.window.state.focused;
    this._register(vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration(SECTION) || affectsConnection(e)) && this.onSettingsChanged(e)));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.onSettingsChanged(undefined)));
    this._register(
      vscode.window.onDidChangeWindowState((s) => {
        this.focused = s.focused;
        this.updateActivity();
      }),
    );
    this._register(guids.onDidChange((e) => void this.onGuidChanged(e.origin, e.agentId)));
    this._register(trusted.onDidChange((origin) => origin === this.settingsValue.origin && this.onTrustChanged()));
    this._register({ dispose: () => this.teardownConnection() });
    this.reportInvalidAgents();
    this.buildConnection();
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  get viewState(): ViewState {
    return this.viewStateValue;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Credentials (origin or origin|agent) the gateway refused and that wait for a new Guid. */
  get refusedCredentials(): string[] {
    return [...this.authBlocked];
  }

  /** The current gateway's certificate, as last refused (it neither verifies nor matches a trusted one). */
  get refusedCertificate(): { readonly origin: string; readonly refusal: CertificateRefusal } | undefined {
    return this.certificateRefusal?.origin === this.settingsValue.origin ? this.certificateRefusal : undefined;
  }

  setViewVisible(visible: boolean): void {
    this.viewVisible = visible;
    this.updateActivity();
  }

  pause(): void {
    this.paused = true;
    this.scheduler?.pause();
  }

  resume(): void {
    this.paused = false;
    this.scheduler?.resume();
  }

  refresh(agentId?: string): void {
    this.scheduler?.refresh(agentId);
  }

  /** One agent's numbers now; joins a poll already in flight for it. */
  async query(agentId: AgentId): Promise<AgentStatistics> {
    if (!this.scheduler) throw this.notReadyError();
    return this.scheduler.fetchNow(agentId);
  }

  /** The heavier drill-down call; on demand only, never polled. */
  async queryDetailed(agentId: AgentId): Promise<DetailedStatistics> {
    const origin = this.requireOrigin();
    const guid = await this.requireGuid(origin, agentId);
    return (await this.getClient(origin)).statistics(agentId, guid);
  }

  private notReadyError(): GatewayError {
    const s = this.settingsValue;
    return new GatewayError('invalid-request', s.gatewayUrlProblem ?? vscode.l10n.t('No gateway URL is set. Run "CC-Gateway: Set Gateway URL…" first.'));
  }

  private requireOrigin(): string {
    const origin = this.settingsValue.origin;
    if (!origin) throw this.notReadyError();
    return origin;
  }

  private async requireGuid(origin: string, agentId: string): Promise<string> {
    const guid = await this.guids.get(origin, agentId);
    if (!guid) throw new GatewayError('auth', vscode.l10n.t('No Guid is stored for {0}. Run "CC-Gateway: Set Guid…".', origin), { code: 'NO_GUID' });
    return guid;
  }

  private credentialKey(origin: string, agentId: string): string {
    return this.guids.agentsWithOwnGuid(origin).includes(agentId) ? `${origin}|${agentId}` : origin;
  }

  private buildConnection(): void {
    const s = this.settingsValue;
    this.store.setAgents(s.origin ? s.agents : []);
    if (!s.origin) {
      void this.updateViewState();
      return;
    }
    const origin = s.origin;
    const scheduler = new PollScheduler({
      intervalMs: s.pollIntervalMs,
      concurrency: 6,
      credentialKey: (id) => this.credentialKey(origin, id),
      fetch: async (agentId, signal) => {
        const guid = await this.requireGuid(origin, agentId);
        return (await this.getClient(origin)).statisticsEx(agentId as AgentId, guid, signal);
      },
      onOutcome: (agentId, outcome, at) => this.onOutcome(agentId, outcome, at),
      onAuthBlocked: (key) => this.onAuthBlocked(key),
    });
    this.scheduler = scheduler;
    if (this.paused) scheduler.pause();
    scheduler.setActive(this.isActive());
    scheduler.setAgents(s.agents);
    void this.updateViewState();
  }

  private teardownConnection(): void {
    this.scheduler?.dispose();
    this.scheduler = undefined;
    const client = this.client;
    this.client = undefined;
    void client?.then((c) => c.close()).catch(() => undefined);
    this.authBlocked.clear();
  }

  private getClient(origin: string): Promise<GatewayClient> {
    if (!this.client) {
      const s = this.settingsValue;
      const created = (async () => {
        let caPem: string | undefined;
        if (s.caFile) {
          try {
            caPem = await readFile(s.caFile, 'utf8');
          } catch (e) {
            const code = (e as { code?: string }).code ?? 'unreadable';
            throw new GatewayError('tls', vscode.l10n.t('Cannot read the CA file set in ccGateway.tls.caFile ({0}). Fix the path or clear the setting.', code), { code: 'CA_FILE' });
          }
          if (!caPem.includes('-----BEGIN CERTIFICATE-----')) {
            throw new GatewayError('tls', vscode.l10n.t('The file in ccGateway.tls.caFile is not a PEM certificate (no "BEGIN CERTIFICATE" line).'), { code: 'CA_FILE' });
          }
        }
        const proxied = resolveProxy(origin, s.proxy);
        if (!proxied.ok) throw new GatewayError('network', proxied.message, { code: 'PROXY_SETTING' });
        const proxy = proxied.proxy && {
          url: proxied.proxy.url,
          display: proxied.proxy.display,
          strictSSL: s.proxy.strictSSL,
          authorization: s.proxy.authorization ?? proxied.proxy.authorization,
        };
        if (proxy) this.log.info(`Requests to ${origin} go through the proxy ${proxy.display} (from ${proxied.proxy?.source}).`);
        return loadCreateGatewayClient()({
          origin,
          caPem,
          systemCertificates: s.systemCertificates,
          trustedFingerprints: this.trusted.fingerprints(origin),
          proxy,
          timeoutMs: s.requestTimeoutMs,
          onRequest: (entry) => logRequest(this.log, entry),
        });
      })();
      // A failed setup (unreadable CA file) is retried on the next poll rather than cached.
      created.catch(() => {
        if (this.client === created) this.client = undefined;
      });
      this.client = created;
    }
    return this.client;
  }

  private onOutcome(agentId: string, outcome: PollOutcome, at: number): void {
    if (outcome.ok) {
      this.store.applySuccess(agentId, outcome.stats, at);
      if (this.certificateRefusal) this.setCertificateRefusal(undefined);
      return;
    }
    const e = outcome.error;
    if (e.kind === 'tls' && e.details.refusal && this.settingsValue.origin) this.setCertificateRefusal({ origin: this.settingsValue.origin, refusal: e.details.refusal });
    if (e.kind === 'auth') this.lastAuthCode.set(this.credentialKey(this.settingsValue.origin ?? '', agentId), e.details.code ?? e.details.retcode);
    this.store.applyFailure(agentId, { kind: e.kind, message: e.message, code: e.details.retcode ?? e.details.code }, at);
    if (e.kind !== 'auth') this.log.warn(`agent ${agentId}: ${e.message}`);
  }

  private onAuthBlocked(key: string): void {
    // A missing Guid is the "Set Guid" welcome view's business; only a refusal is news.
    if (this.lastAuthCode.get(key) === 'NO_GUID') {
      void this.updateViewState();
      return;
    }
    this.authBlocked.add(key);
    this.log.warn(`The gateway refused the Guid for ${key.replace('|', ', agent ')}; polling stopped until a new Guid is set.`);
    this.onDidChangeAuthEmitter.fire();
    const [origin, agentId] = key.split('|');
    this.onDidRefuseGuidEmitter.fire({ origin, agentId });
  }

  private async onGuidChanged(origin: string, agentId?: string): Promise<void> {
    if (origin !== this.settingsValue.origin) return;
    const key = agentId ? `${origin}|${agentId}` : origin;
    const stored = await this.guids.get(origin, agentId);
    if (stored) {
      // A new Guid (here or in another window) lifts the stop it was refused or missing under.
      const affected = this.store.all().filter((e) => e.state === 'auth' && this.credentialKey(origin, e.agentId) === key);
      this.store.markPending(affected.map((e) => e.agentId));
      if (this.authBlocked.delete(key)) this.onDidChangeAuthEmitter.fire();
      this.scheduler?.unblock(key);
    }
    await this.updateViewState();
  }

  private setCertificateRefusal(value: { origin: string; refusal: CertificateRefusal } | undefined): void {
    const before = this.certificateRefusal;
    this.certificateRefusal = value;
    const same = before?.origin === value?.origin && before?.refusal.certificate.fingerprint256 === value?.refusal.certificate.fingerprint256 && before?.refusal.pinned === value?.refusal.pinned;
    if (!same) this.onDidChangeCertificateRefusalEmitter.fire();
  }

  /** A certificate was trusted or forgotten for this gateway: new connections, and every agent polled again now. */
  private onTrustChanged(): void {
    this.setCertificateRefusal(undefined);
    this.teardownConnection();
    this.buildConnection();
    this.scheduler?.refresh();
  }

  private onSettingsChanged(e: vscode.ConfigurationChangeEvent | undefined): void {
    const before = this.settingsValue;
    const after = readSettings();
    this.settingsValue = after;
    if (!e || affectsConnection(e) || before.origin !== after.origin) {
      this.teardownConnection();
      if (before.origin !== after.origin) this.store.setAgents([]); // numbers from another gateway are not these agents'
      this.buildConnection();
    } else {
      this.store.setAgents(after.origin ? after.agents : []);
      this.scheduler?.setIntervalMs(after.pollIntervalMs);
      this.scheduler?.setAgents(after.agents);
      this.updateActivity();
      void this.updateViewState();
    }
    if (!e || e.affectsConfiguration(`${SECTION}.agents`) || e.affectsConfiguration(`${SECTION}.agentIdMax`)) this.reportInvalidAgents();
    this.onDidChangeSettingsEmitter.fire(after);
  }

  private reportInvalidAgents(): void {
    const invalid = this.settingsValue.invalidAgents;
    if (invalid.length === 0) return this.notifier.resolve('invalidAgents');
    const first = invalid[0];
    this.notifier.notify(
      'invalidAgents',
      JSON.stringify(invalid.map((i) => i.value)),
      'warning',
      invalid.length === 1
        ? vscode.l10n.t('ccGateway.agents has 1 invalid entry, skipped: {0}', first.message)
        : vscode.l10n.t('ccGateway.agents has {0} invalid entries, skipped: {1}', invalid.length, first.message),
      { title: vscode.l10n.t('Open Settings'), run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'ccGateway.agents') },
    );
  }

  private isActive(): boolean {
    return this.focused && (this.viewVisible || this.settingsValue.statusBarEnabled);
  }

  private updateActivity(): void {
    this.scheduler?.setActive(this.isActive());
  }

  private async updateViewState(): Promise<void> {
    const s = this.settingsValue;
    let state: ViewState;
    if (!s.gatewayUrlText) state = 'noUrl';
    else if (!s.origin) state = 'badUrl';
    else if (s.agents.length === 0) state = 'noAgents';
    else {
      this.hasGuid = await this.guids.has(s.origin);
      const anyAgentGuid = s.agents.some((a) => this.guids.agentsWithOwnGuid(s.origin!).includes(a));
      state = this.hasGuid || anyAgentGuid ? 'ready' : 'noGuid';
    }
    if (state !== this.viewStateValue) {
      this.viewStateValue = state;
      this.onDidChangeViewStateEmitter.fire(state);
    }
  }
}
