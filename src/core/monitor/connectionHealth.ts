import type { CredentialPresence, CredentialRegistry } from '../credentials/credentialRegistry';
import type { GatewayId } from '../ids/gatewayId';
import type { CertificateRefusal } from '../model/certificate';
import type { PollOutcome } from '../polling/scheduler';
import { onUnexpectedError } from '../util/unexpectedError';

/**
 * What one connection knows about its gateway beyond each agent's numbers: whether its
 * certificate was refused (from the outcomes of requests), and whether any credential is stored
 * for the watched agents. `changed` is called when either changes.
 */
export class ConnectionHealth {
  private certificate: CertificateRefusal | undefined;
  /** Credential checks run one after another, so the last one asked is the last one applied. */
  private presenceChain: Promise<void> = Promise.resolve();

  constructor(
    private readonly gateway: GatewayId,
    private readonly credentials: CredentialRegistry,
    private presence: CredentialPresence,
    private readonly changed: () => void,
    private readonly alive: () => boolean,
  ) {}

  /** This gateway's certificate as last refused (it neither verifies nor matches a trusted one). */
  get refusedCertificate(): CertificateRefusal | undefined {
    return this.certificate;
  }

  get credentialPresence(): CredentialPresence {
    return this.presence;
  }

  /** A request finished: an answer clears a certificate refusal, a TLS refusal records one. */
  observe(outcome: PollOutcome): void {
    if (outcome.ok) {
      if (this.certificate) this.setCertificate(undefined);
    } else if (outcome.error.kind === 'tls' && outcome.error.details.refusal) {
      this.setCertificate(outcome.error.details.refusal);
    }
  }

  /** Looks again whether a credential is stored for `agents`. */
  checkCredentials(agents: readonly string[]): void {
    this.presenceChain = this.presenceChain.then(async () => {
      if (!this.alive()) return;
      let present: boolean;
      try {
        present = await this.credentials.present(agents);
      } catch (e) {
        onUnexpectedError(e, `looking up the Guid for ${this.gateway}`);
        return;
      }
      const next: CredentialPresence = present ? 'present' : 'absent';
      if (!this.alive() || next === this.presence) return;
      this.presence = next;
      this.changed();
    });
  }

  private setCertificate(value: CertificateRefusal | undefined): void {
    const before = this.certificate;
    this.certificate = value;
    const same = before?.certificate.fingerprint256 === value?.certificate.fingerprint256 && before?.pinned === value?.pinned;
    if (!same) this.changed();
  }
}
