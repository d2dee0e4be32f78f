import { t } from '../l10n/localize';

/**
 * A message as a person reads it: the words first, and the codes (the gateway's retcodes,
 * Node's errno and undici codes, HTTP statuses, certificate fingerprints) apart, for a last
 * "Details" line of a tooltip and for the log. The messages keep their codes in brackets
 * (they are logged as they are), so this works on any message, in English or Chinese.
 */
export interface PlainMessage {
  readonly words: string;
  readonly details: readonly string[];
}

/** A retcode (000-003), an errno or undici/TLS code (ECONNREFUSED, UND_ERR_SOCKET, CERT_HAS_EXPIRED), an HTTP status, a fingerprint. */
const CODE = /^(?:\d{3}-\d{3}|E[A-Z]{3,}|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|HTTP \d{3}|SHA-256 [0-9A-F:…]+)$/;
/** The same, found anywhere in a text (for the checks that no first line holds one). */
const CODE_IN_TEXT = /(?:^|[^\w-])(?:\d{3}-\d{3}|E(?:CONN[A-Z]+|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH|PIPE|PROTO|TIMEDOUT)|UND_ERR_[A-Z_]+|ERR_[A-Z0-9_]+)(?![\w-])/;
/** A bracketed group, ASCII or full-width, with what precedes it (a space in English). */
const GROUP = /\s?[(（]([^()（）]*)[)）]/g;

export function isCode(token: string): boolean {
  return CODE.test(token.trim());
}

/** Whether the text holds a retcode like 000-003 or an errno / undici code. */
export function hasCode(text: string): boolean {
  return CODE_IN_TEXT.test(text);
}

/** The words of a message with its bracketed codes taken out; `extra` codes (a retcode, an errno) join the details. */
export function plainWords(message: string, extra: readonly (string | undefined)[] = []): PlainMessage {
  const details: string[] = [];
  const add = (code: string | undefined) => {
    const c = code?.trim();
    if (c && !details.includes(c)) details.push(c);
  };
  const words = message
    .replace(GROUP, (group, inner: string) => {
      const tokens = inner.split(/[;,；，]\s*/).map((s) => s.trim()).filter(Boolean);
      if (tokens.length === 0 || !tokens.every(isCode)) return group;
      tokens.forEach(add);
      return '';
    })
    .replace(/\s+([:.,;：。，；])/g, '$1')
    .replace(/ {2,}/g, ' ')
    .trim();
  extra.forEach(add);
  return { words, details };
}

/** The last line of a tooltip: the codes, for whoever reads the log or asks the CTI team. Undefined when there are none. */
export function detailsLine(details: readonly string[]): string | undefined {
  return details.length ? t('Details: {0}', details.join(' · ')) : undefined;
}
