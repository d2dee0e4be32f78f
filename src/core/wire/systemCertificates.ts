// The operating system's trusted CAs, for gateway connections while VS Code's
// http.systemCertificates is on. Part of the lazily loaded client bundle.
//
// system-ca reads the stores. On Linux (and other Unixes) that is what OpenSSL reads:
// the files named by SSL_CERT_FILE / SSL_CERT_DIR when set, otherwise the
// distribution's bundle (/etc/ssl/certs/ca-certificates.crt, /etc/pki/…) and
// certificate directories. On Windows and macOS it needs a native helper
// (win-export-certificate-and-key, macos-export-certificate-and-key) that the
// platform-neutral .vsix cannot ship. There, a runtime that has Node's own
// tls.getCACertificates('system') (Node.js 22.15 / 23.5 and later) supplies the store;
// on an older runtime the list is empty and Node's roots plus ccGateway.tls.caFile apply.
import * as tls from 'node:tls';
import { rootCertificates } from 'node:tls';
import { systemCertsAsync } from 'system-ca';

export interface SystemCertificates {
  /** PEM certificates of the OS store (deduplicated); empty when it could not be read. */
  readonly certificates: readonly string[];
  /** Why the store could not be read, for the log; undefined when it was. */
  readonly problem?: string;
}

/** Read once per client (that is, per connection set-up): an administrator's new CA counts after a reconnect. */
export async function readSystemCertificates(env: NodeJS.ProcessEnv = process.env, runtime: NodeTls = tls as NodeTls): Promise<SystemCertificates> {
  const fromRuntime = runtimeSystemCertificates(runtime);
  try {
    return { certificates: [...new Set([...fromRuntime, ...(await systemCertsAsync({ env }))])] };
  } catch (e) {
    // Never fatal: the runtime's list (if any), Node's roots and the configured CA file still apply.
    const err = e as { code?: string; message?: string };
    return { certificates: fromRuntime, problem: fromRuntime.length ? undefined : (err.code ?? err.message ?? String(e)) };
  }
}

/** Node's own reading of the OS store, where the runtime has it (not Node 20). */
export interface NodeTls {
  readonly getCACertificates?: (type: 'system') => string[];
}

function runtimeSystemCertificates(runtime: NodeTls): string[] {
  try {
    return typeof runtime.getCACertificates === 'function' ? runtime.getCACertificates('system').map((c) => c.trim()) : [];
  } catch {
    return [];
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
