// In-memory test PKI for the CC-Gateway simulator: a private CA and a server
// leaf it signs, plus the broken variants the fault tests need. ECDSA P-256
// keeps generation in the low milliseconds. No openssl CLI, no files.
import * as crypto from 'node:crypto';
import * as net from 'node:net';
import * as x509 from '@peculiar/x509';

/** Which certificate the simulator presents. */
export type CertVariant = 'valid' | 'wrongHost' | 'expired' | 'unknownCa' | 'selfSigned';

/** Host names / addresses the valid leaf is issued for. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

export interface CaMaterial {
  readonly certPem: string;
  readonly keyPem: string;
  /** Kept for signing further leaves; not extractable outside this module's use. */
  readonly privateKey: crypto.webcrypto.CryptoKey;
  readonly cert: x509.X509Certificate;
}

export interface LeafOptions {
  /** DNS names and IP addresses for subjectAltName. Default: localhost, 127.0.0.1, ::1. */
  names?: readonly string[];
  notBefore?: Date;
  notAfter?: Date;
  commonName?: string;
}

export interface LeafMaterial {
  readonly certPem: string;
  /** PKCS#8 PEM. */
  readonly keyPem: string;
}

export interface ServerCertificates {
  readonly variant: CertVariant;
  /** The served leaf certificate (PEM). */
  readonly certPem: string;
  /** The served leaf's private key (PKCS#8 PEM). */
  readonly keyPem: string;
  /**
   * The CA a client should trust (PEM). For 'unknownCa' this is NOT the CA that
   * signed the leaf, so verification against it fails.
   */
  readonly caPem: string;
  /** The CA that actually signed the leaf (equals caPem except for 'unknownCa'). */
  readonly signerCaPem: string;
  /** SHA-256 fingerprint of the served leaf, formatted like X509Certificate.fingerprint256. */
  readonly fingerprint256: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const EC_KEY_ALG: crypto.webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALG: crypto.webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
const subtle = crypto.webcrypto.subtle;

function generateKeyPair(): Promise<crypto.webcrypto.CryptoKeyPair> {
  return subtle.generateKey(EC_KEY_ALG, true, ['sign', 'verify']);
}

function randomSerial(): string {
  // Positive 16-byte serial (top bit cleared so DER keeps it positive without padding).
  const bytes = crypto.randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f | 0x01;
  return bytes.toString('hex');
}

function privateKeyPem(key: crypto.webcrypto.CryptoKey): string {
  const exported = crypto.KeyObject.from(key).export({ type: 'pkcs8', format: 'pem' });
  return typeof exported === 'string' ? exported : exported.toString('utf8');
}

/** A self-signed CA certificate (basicConstraints CA:TRUE, keyCertSign). Valid from 1 day ago for 1 year. */
export async function generateCa(commonName = 'CC-Gateway Simulator Test CA'): Promise<CaMaterial> {
  const keys = await generateKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: `CN=${commonName}, O=ccgateway-agent-stats tests`,
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 365 * DAY_MS),
      signingAlgorithm: SIGNING_ALG,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    },
  );
  return { certPem: cert.toString('pem'), keyPem: privateKeyPem(keys.privateKey), privateKey: keys.privateKey, cert };
}

/** What makes a certificate a TLS server's: not a CA, serverAuth, the names it is for. */
async function serverLeafExtensions(names: readonly string[], publicKey: crypto.webcrypto.CryptoKey): Promise<x509.Extension[]> {
  return [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(names.map((n) => (net.isIP(n) !== 0 ? { type: 'ip' as const, value: n } : { type: 'dns' as const, value: n }))),
    await x509.SubjectKeyIdentifierExtension.create(publicKey),
  ];
}

/**
 * A CA read back from its PEM files (caCache.ts). Throws an Error saying what is wrong when the
 * certificate or key does not parse, the key is not the certificate's, or it is not a CA.
 */
export async function caFromPem(certPem: string, keyPem: string): Promise<CaMaterial> {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(certPem);
  } catch {
    throw new Error('the CA certificate does not parse');
  }
  let der: Buffer;
  let spki: Buffer;
  try {
    const key = crypto.createPrivateKey(keyPem);
    der = key.export({ type: 'pkcs8', format: 'der' });
    spki = crypto.createPublicKey(key).export({ type: 'spki', format: 'der' });
  } catch {
    throw new Error('the CA key does not parse');
  }
  if (!spki.equals(Buffer.from(cert.publicKey.rawData))) throw new Error('the CA key does not belong to the CA certificate');
  const basic = cert.getExtension(x509.BasicConstraintsExtension);
  if (!basic?.ca) throw new Error('the certificate is not a CA');
  let privateKey: crypto.webcrypto.CryptoKey;
  try {
    privateKey = await subtle.importKey('pkcs8', der, EC_KEY_ALG, true, ['sign']);
  } catch {
    throw new Error('the CA key is not an ECDSA P-256 key');
  }
  return { certPem, keyPem, privateKey, cert };
}

/** A server (TLS web server) leaf certificate signed by `ca`. */
export async function generateLeaf(ca: CaMaterial, opts: LeafOptions = {}): Promise<LeafMaterial> {
  const names = opts.names ?? LOOPBACK_NAMES;
  const now = Date.now();
  const keys = await generateKeyPair();
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: `CN=${opts.commonName ?? names[0] ?? 'localhost'}`,
      issuer: ca.cert.subject,
      notBefore: opts.notBefore ?? new Date(now - DAY_MS),
      notAfter: opts.notAfter ?? new Date(now + 365 * DAY_MS),
      signingAlgorithm: SIGNING_ALG,
      publicKey: keys.publicKey,
      signingKey: ca.privateKey,
      extensions: [
        ...(await serverLeafExtensions(names, keys.publicKey)),
        await x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey),
      ],
    },
  );
  return { certPem: cert.toString('pem'), keyPem: privateKeyPem(keys.privateKey) };
}

/** A server leaf that is its own issuer (no CA), for the loopback names, valid for a year. */
export async function generateSelfSignedLeaf(names: readonly string[] = LOOPBACK_NAMES): Promise<LeafMaterial> {
  const keys = await generateKeyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${names[0] ?? 'localhost'}, O=CC-Gateway Simulator`,
    notBefore: new Date(now - DAY_MS),
    notAfter: new Date(now + 365 * DAY_MS),
    signingAlgorithm: SIGNING_ALG,
    keys,
    extensions: await serverLeafExtensions(names, keys.publicKey),
  });
  return { certPem: cert.toString('pem'), keyPem: privateKeyPem(keys.privateKey) };
}

/**
 * Everything an HTTPS server needs for one variant:
 * - 'valid': leaf for localhost, 127.0.0.1 and ::1, signed by the trusted CA;
 * - 'wrongHost': leaf for `wrong.example` only;
 * - 'expired': validity entirely in the past (2 years ago to 1 year ago);
 * - 'unknownCa': leaf signed by a second CA that the client is not given;
 * - 'selfSigned': a leaf for the loopback names that signs itself (what many gateways ship with).
 */
export async function generateServerCertificates(variant: CertVariant = 'valid', trustedCa?: CaMaterial): Promise<ServerCertificates> {
  // `trustedCa`: a CA kept across runs (caCache.ts), so a CA file a user trusted stays valid.
  const trusted = trustedCa ?? (await generateCa());
  let signer = trusted;
  const leafOpts: LeafOptions = {};
  const now = Date.now();
  switch (variant) {
    case 'valid':
      break;
    case 'wrongHost':
      leafOpts.names = ['wrong.example'];
      break;
    case 'expired':
      leafOpts.notBefore = new Date(now - 730 * DAY_MS);
      leafOpts.notAfter = new Date(now - 365 * DAY_MS);
      break;
    case 'unknownCa':
      signer = await generateCa('CC-Gateway Simulator Unknown CA');
      break;
    case 'selfSigned':
      break;
  }
  const leaf = variant === 'selfSigned' ? await generateSelfSignedLeaf() : await generateLeaf(signer, leafOpts);
  return {
    variant,
    certPem: leaf.certPem,
    keyPem: leaf.keyPem,
    caPem: trusted.certPem,
    signerCaPem: signer.certPem,
    fingerprint256: fingerprint256(leaf.certPem),
  };
}

/** SHA-256 fingerprint of the first certificate in a PEM string: "AB:CD:..." (upper-case hex, colon-separated). */
export function fingerprint256(pem: string): string {
  const match = /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(pem);
  if (!match?.[1]) throw new Error('No PEM certificate found');
  const der = Buffer.from(match[1].replace(/\s+/g, ''), 'base64');
  const hex = crypto.createHash('sha256').update(der).digest('hex').toUpperCase();
  return hex.replace(/(..)(?!$)/g, '$1:');
}
