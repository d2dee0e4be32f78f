// The operating system's trusted CAs, for gateway connections while VS Code's
// http.systemCertificates is on. Part of the lazily loaded client bundle.
//
// system-ca reads the stores. On Linux (and other Unixes) that is what OpenSSL reads:
// the files named by SSL_CERT_FILE / SSL_CERT_DIR when set, otherwise the
// distribution's bundle (/etc/ssl/certs/ca-certificates.crt, /etc/pki/…) and
// certificate directories. On Windows and macOS it needs a native helper
// (win-export-certificate-and-key, macos-export-certificate-and-key) that the
// platform-neutral .vsix cannot ship; there the list is empty and Node's roots
// plus ccGateway.tls.caFile apply, as before.
import { rootCertificates } from 'node:tls';
import { systemCertsAsync } from 'system-ca';

export interface SystemCertificates {
  /** PEM certificates of the OS store (deduplicated); empty when it could not be read. */
  readonly certificates: readonly string[];
  /** Why the store could not be read, for the log; undefined when it was. */
  readonly problem?: string;
}

/** Read once per client (that is, per connection set-up): an administrator's new CA counts after a reconnect. */
export async function readSystemCertificates(env: NodeJS.ProcessEnv = process.env): Promise<SystemCertificates> {
  try {
    return { certificates: await systemCertsAsync({ env }) };
  } catch (e) {
    // Never fatal: Node's roots and the configured CA file still apply.
    const err = e as { code?: string; message?: string };
    return { certificates: [], problem: err.code ?? err.message ?? String(e) };
  }
}

/**
 * The CAs a gateway certificate may chain to: Node's roots, the OS store's, the
 * configured CA file. Only ever a union: nothing here removes a root or relaxes
 * verification (host name and chain are still checked by Node, pins by verifyingConnector).
 */
export function trustedCas(system: readonly string[], caPem?: string): string[] {
  return [...new Set([...rootCertificates, ...system, ...(caPem ? [caPem] : [])])];
}
