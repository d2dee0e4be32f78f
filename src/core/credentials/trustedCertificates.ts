import { normalizeFingerprint, type CertificateInfo } from '../model/certificate';
import { gatewayIdOf } from '../ids/gatewayId';
import type { StateStore, TrustedCertificateEntry } from '../storage/stateEntries';
import { Disposable, Emitter } from '../util/lifecycle';

/** One certificate the user trusted for one gateway origin. */
export type TrustedCertificate = TrustedCertificateEntry;

/**
 * "Trust This Certificate" decisions: at most one pinned certificate per gateway, one
 * global-state entry each (this machine, never a workspace, so a folder cannot bring its own
 * trust; two windows trusting two gateways at once lose neither). Not synced: trusting a
 * certificate is a decision about the network this machine is on.
 */
export class TrustedCertificates extends Disposable {
  private readonly onDidChangeEmitter = this._register(new Emitter<string>());
  /** Fires with the origin whose trust changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(private readonly state: StateStore) {
    super();
  }

  /** Fingerprints trusted for `origin` (none, or the one pinned). Malformed stored entries are ignored. */
  fingerprints(origin: string): string[] {
    const fp = this.get(origin)?.fingerprint256;
    return fp ? [fp] : [];
  }

  get(origin: string): TrustedCertificate | undefined {
    const entry = this.state.get('trust', gatewayIdOf(origin));
    return entry && normalizeFingerprint(entry.fingerprint256) === entry.fingerprint256 ? entry : undefined;
  }

  origins(): string[] {
    return this.state
      .list('trust')
      .map((e) => e.id as string)
      .filter((o) => this.get(o));
  }

  async trust(origin: string, certificate: CertificateInfo): Promise<void> {
    await this.state.set('trust', gatewayIdOf(origin), {
      fingerprint256: certificate.fingerprint256,
      subject: certificate.subject,
      issuer: certificate.issuer,
      validTo: certificate.validTo,
      trustedAt: new Date().toISOString(),
    });
    this.onDidChangeEmitter.fire(origin);
  }

  async forget(origin: string): Promise<boolean> {
    if (!this.state.get('trust', gatewayIdOf(origin))) return false;
    await this.state.set('trust', gatewayIdOf(origin), undefined);
    this.onDidChangeEmitter.fire(origin);
    return true;
  }
}
