// One simulator CA kept across runs in a cache folder (the demo's `.cache/simulator-ca/`), so a
// CA file a user pointed `ccGateway.tls.caFile` at, or trusted in a browser, stays valid
// between demo runs. Files: ca.pem (the certificate users trust) and ca-key.pem (its private
// key, mode 0600; a throwaway test CA that signs loopback certificates only). A torn,
// mismatched or nearly expired pair is replaced, and the message says so and what to do.
import * as crypto from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { caFromPem, generateCa, type CaMaterial } from './certs';

export const CA_CERT_FILE = 'ca.pem';
export const CA_KEY_FILE = 'ca-key.pem';
/** A cached CA this close to its end is replaced rather than reused (generateCa gives a year). */
const RENEW_BEFORE_MS = 30 * 24 * 60 * 60 * 1000;

export interface CachedCa {
  readonly ca: CaMaterial;
  /** The cache folder; the simulator writes its ca.pem there (the same certificate). */
  readonly dir: string;
  readonly caFile: string;
  /** 'reused': the cached CA; 'created': none was cached; 'replaced': the cached one was unusable (see `message`). */
  readonly outcome: 'reused' | 'created' | 'replaced';
  /** One line for the terminal. */
  readonly message: string;
}

/** Reads the CA cached in `dir`, or makes one and stores it there. Never throws for a bad cache: it replaces it. */
export async function loadOrCreateCa(dir: string, now: () => number = Date.now): Promise<CachedCa> {
  const caFile = path.join(dir, CA_CERT_FILE);
  const keyFile = path.join(dir, CA_KEY_FILE);
  let problem: string | undefined;
  try {
    const [certPem, keyPem] = await Promise.all([fsp.readFile(caFile, 'utf8'), fsp.readFile(keyFile, 'utf8')]);
    const ca = await caFromPem(certPem, keyPem);
    const notAfter = ca.cert.notAfter.getTime();
    if (ca.cert.notBefore.getTime() > now()) problem = 'it is not valid yet (was the clock changed?)';
    else if (notAfter - now() < RENEW_BEFORE_MS) problem = `it expires on ${ca.cert.notAfter.toISOString().slice(0, 10)}`;
    else return { ca, dir, caFile, outcome: 'reused', message: `Simulator CA reused from ${caFile} (valid until ${ca.cert.notAfter.toISOString().slice(0, 10)}).` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      const present = await Promise.all([caFile, keyFile].map((f) => fsp.access(f).then(() => true, () => false)));
      if (present.some(Boolean)) problem = `${present[0] ? CA_KEY_FILE : CA_CERT_FILE} is missing`;
    } else problem = code ? `it could not be read (${code})` : err instanceof Error ? err.message : String(err);
  }
  const ca = await generateCa();
  await fsp.mkdir(dir, { recursive: true });
  // Key first, then the certificate, each written whole and renamed into place: a crash in
  // between leaves a pair whose key does not match, which the next start replaces.
  await writeAtomically(keyFile, ca.keyPem, 0o600);
  await writeAtomically(caFile, ca.certPem, 0o644);
  if (problem === undefined) return { ca, dir, caFile, outcome: 'created', message: `Simulator CA created in ${caFile}; it is kept for later runs.` };
  return {
    ca,
    dir,
    caFile,
    outcome: 'replaced',
    message: `The cached simulator CA in ${dir} was unusable (${problem}); a new one was written to ${caFile}. Trust the new file wherever you trusted the old one.`,
  };
}

async function writeAtomically(file: string, text: string, mode: number): Promise<void> {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    await fsp.writeFile(tmp, text, { mode });
    await fsp.rename(tmp, file);
  } catch (err) {
    await fsp.rm(tmp, { force: true });
    throw err;
  }
}
