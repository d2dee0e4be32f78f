// Certificate verification for every connection to the gateway, direct or through
// a proxy tunnel. Part of the lazily loaded client bundle (it imports undici).
//
// Node verifies the chain and the host name either way; with rejectUnauthorized
// left on it destroys a socket that fails, and with it the certificate we must
// show. So the handshake runs with it off and THIS module decides, before undici
// may write a byte (the Guid header) to the socket:
// - socket.authorized (chain and host name verified): accept;
// - otherwise accept only if the certificate's SHA-256 fingerprint is pinned for
//   this origin (the user trusted exactly this certificate);
// - otherwise destroy the socket and fail with the certificate's details.
// This is the only place in src/ where rejectUnauthorized is false (tlsGlobals.test).
import type { TLSSocket } from 'node:tls';
import { buildConnector } from 'undici';
import { describeCertificate, type CertificateRefusal } from '../model/certificate';

export const PIN_MISMATCH_CODE = 'CERT_PIN_MISMATCH';

/** A certificate that neither verifies nor matches the pin; `code` is Node's verification code or CERT_PIN_MISMATCH. */
export class CertificateRefusedError extends Error {
  constructor(
    readonly code: string,
    readonly refusal: CertificateRefusal,
  ) {
    super(`The certificate was refused (${code}).`);
  }
}

/** The connector's TLS options without the switch this module owns. */
export type GatewayTlsOptions = Omit<buildConnector.BuildOptions, 'rejectUnauthorized'>;

/** Wraps a connector that yields TLS sockets opened with rejectUnauthorized: false. */
export function verifying(connect: buildConnector.connector, pinned: readonly string[]): buildConnector.connector {
  const pins = new Set(pinned);
  return (options, callback) =>
    connect(options, (err, socket) => {
      if (err || !socket) return callback(err ?? new Error('No socket.'), null);
      const tls = socket as TLSSocket;
      if (tls.authorized === true) return callback(null, socket);
      const peer = typeof tls.getPeerCertificate === 'function' ? tls.getPeerCertificate() : undefined;
      const certificate = describeCertificate(peer ?? ({} as ReturnType<TLSSocket['getPeerCertificate']>));
      if (certificate.fingerprint256 !== '' && pins.has(certificate.fingerprint256)) return callback(null, socket);
      socket.destroy();
      const reason = String(tls.authorizationError ?? 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
      const refusal: CertificateRefusal = pins.size > 0 ? { reason, certificate, pinned: [...pins][0] } : { reason, certificate };
      callback(new CertificateRefusedError(pins.size > 0 ? PIN_MISMATCH_CODE : reason, refusal), null);
    });
}

/** A direct connector: Node's verification, then ours. */
export function verifyingConnector(tls: GatewayTlsOptions, pinned: readonly string[]): buildConnector.connector {
  return verifying(buildConnector({ ...tls, rejectUnauthorized: false }), pinned);
}

/** For ProxyAgent's requestTls: the TLS leg inside the tunnel, whose sockets `verifying` must then check. */
export function unverifiedRequestTls(tls: GatewayTlsOptions): buildConnector.BuildOptions {
  return { ...tls, rejectUnauthorized: false };
}
