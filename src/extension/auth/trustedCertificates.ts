import type * as vscode from 'vscode';
import { normalizeFingerprint, type CertificateInfo } from '../../core/gateway/certificate';
import { Disposable, Emitter } from '../../core/util/lifecycle';

const KEY = 'ccGateway.trustedCertificates';

/** One certificate the user trusted for one gateway origin. */
export interface TrustedCertificate {
  readonly fingerprint256: string;
  readonly subject: string;
  readonly issuer: string;
  readonly validTo: string;
  /** ISO 8601: when the user chose "Trust This Certificate". */
  readonly trustedAt: string;
}

/**
 * "Trust This Certificate" decisions: at most one pinned certificate per gateway
 * origin, in the extension's global state (this machine, never a workspace, so a
 * folder cannot bring its own trust). Not synced: trusting a certificate is a
 * decision about the network this machine is on.
 */
export class TrustedCertificates extends Disposable {
  private readonly onDidChangeEmitter = this._register(new Emitter<string>());
  /** Fires with the origin whose trust changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(private readonly globalState: vscode.Memento) {
    super();
  }

  /** Fingerprints trusted for `origin` (none, or the one pinned). Malformed stored entries are ignored. */
  fingerprints(origin: string): string[] {
    const fp = this.get(origin)?.fingerprint256;
    return fp ? [fp] : [];
  }

  get(origin: string): TrustedCertificate | undefined {
    const entry = this.all()[origin];
    return entry && normalizeFingerprint(entry.fingerprint256) === entry.fingerprint256 ? entry : undefined;
  }

  origins(): string[] {
    return Object.keys(this.all()).filter((o) => this.get(o));
  }

  async trust(origin: string, certificate: CertificateInfo): Promise<void> {
    const entry: TrustedCertificate = {
      fingerprint256: certificate.fingerprint256,
      subject: certificate.subject,
      issuer: certificate.issuer,
      validTo: certificate.validTo,
      trustedAt: new Date().toISOString(),
    };
    await this.globalState.update(KEY, { ...this.all(), [origin]: entry });
    this.onDidChangeEmitter.fire(origin);
  }

  async forget(origin: string): Promise<boolean> {
    const all = this.all();
    if (!(origin in all)) return false;
    const rest = { ...all };
    delete rest[origin];
    await this.globalState.update(KEY, rest);
    this.onDidChangeEmitter.fire(origin);
    return true;
  }

  private all(): Record<string, TrustedCertificate> {
    const value = this.globalState.get<unknown>(KEY);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, TrustedCertificate>) : {};
  }
}
