import { t } from '../l10n/localize';

export type GuidResult = { ok: true; value: string } | { ok: false; message: string };

const MAX_GUID_LENGTH = 512;

/**
 * Accepts what users paste: the bare Guid or the `JSESSIONID=...` form of the
 * sign-in answer's Set-GUID header (optionally with the `Set-GUID:` prefix and
 * cookie attributes after `;`). Messages never echo the value: it is a credential.
 */
export function normalizeGuid(input: unknown): GuidResult {
  if (typeof input !== 'string') return { ok: false, message: t('Paste the Guid as text.') };
  let text = input.trim();
  text = text.replace(/^set-guid\s*:\s*/i, '');
  text = text.replace(/^jsessionid\s*=\s*/i, '');
  const semicolon = text.indexOf(';');
  if (semicolon >= 0) text = text.slice(0, semicolon).trim();
  if (text === '') return { ok: false, message: t('The Guid is empty. Paste the value after JSESSIONID= from the sign-in answer.') };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f-\u009f]/.test(text)) {
    return { ok: false, message: t('The Guid contains control characters. Copy it again as plain text.') };
  }
  if (/\s/.test(text)) return { ok: false, message: t('The Guid contains spaces inside. Copy exactly one Guid value.') };
  if (!/^[\x21-\x7e]+$/.test(text)) {
    return { ok: false, message: t('The Guid contains characters that cannot be sent in an HTTP header. Copy it again.') };
  }
  if (text.length > MAX_GUID_LENGTH) return { ok: false, message: t('The Guid is longer than {0} characters; that is not a Guid.', MAX_GUID_LENGTH) };
  return { ok: true, value: text };
}
