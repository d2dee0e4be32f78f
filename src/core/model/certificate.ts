import type { PeerCertificate } from 'node:tls';

/**
 * What the user is shown before trusting a gateway certificate that does not
 * verify. Every field comes from the peer, i.e. from whoever answered: plain
 * text, control characters dropped, bounded.
 */
export interface CertificateInfo {
  readonly subject: string;
  readonly issuer: string;
  /** ISO 8601. */
  readonly validFrom: string;
  readonly validTo: string;
  /** "AB:CD:…", 32 upper-case hex pairs: what a pin stores and compares. */
  readonly fingerprint256: string;
  /** DNS names and IP addresses the certificate is issued for. */
  readonly subjectAltNames: string;
  readonly selfSigned: boolean;
}

/** Why the certificate was refused: Node's verification code, or a pin that does not match. */
export interface CertificateRefusal {
  readonly reason: string;
  readonly certificate: CertificateInfo;
  /** The fingerprint trusted for this origin earlier, when the certificate presented now differs from it. */
  readonly pinned?: string;
}

const FINGERPRINT = /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/;

/** Upper-case, colon-separated; undefined when `text` is not a SHA-256 fingerprint in any usual spelling. */
export function normalizeFingerprint(text: string): string | undefined {
  const hex = text.trim().replace(/^sha-?256[:=\s]*/i, '').replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return undefined;
  const pairs = hex.replace(/(..)(?!$)/g, '$1:');
  return FINGERPRINT.test(pairs) ? pairs : undefined;
}

function plain(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex -- dropping control characters is the point
  const cleaned = text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').replace(/\s+/g, ' ').trim();
  return cleaned.length > max ? `${cleaned.slice(0, max - 1)}…` : cleaned;
}

/** `CN=gw.example, O=Example` from Node's parsed name (values may repeat as arrays). */
function distinguishedName(name: PeerCertificate['subject'] | undefined): string {
  if (!name || typeof name !== 'object') return '';
  const parts: string[] = [];
  for (const key of ['CN', 'OU', 'O', 'L', 'ST', 'C']) {
    const value = (name as unknown as Record<string, string | string[] | undefined>)[key];
    for (const v of Array.isArray(value) ? value : value ? [value] : []) parts.push(`${key}=${v}`);
  }
  return plain(parts.join(', '));
}

function isoDate(text: string | undefined): string {
  const ms = text ? Date.parse(text) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

export function describeCertificate(peer: PeerCertificate): CertificateInfo {
  const subject = distinguishedName(peer.subject);
  const issuer = distinguishedName(peer.issuer);
  return {
    subject,
    issuer,
    validFrom: isoDate(peer.valid_from),
    validTo: isoDate(peer.valid_to),
    fingerprint256: normalizeFingerprint(peer.fingerprint256 ?? '') ?? '',
    subjectAltNames: plain(peer.subjectaltname ?? ''),
    selfSigned: subject !== '' && subject === issuer,
  };
}
