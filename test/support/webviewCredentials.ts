// Scans what the extension handed its webviews (pages and posted messages) for credentials.
import type { WebviewSend } from '../../src/extension/testHooks';

/** Each send that contains one of the secrets, as "panel kind: which secret (by position)"; empty when clean. */
export function credentialsIn(sent: readonly WebviewSend[], secrets: readonly (string | undefined)[]): string[] {
  const wanted = secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4);
  if (wanted.length === 0) throw new Error('no secrets to look for: the check would pass whatever was sent');
  return sent.flatMap((s) => wanted.flatMap((secret, i) => (s.text.includes(secret) ? [`${s.panel} ${s.kind}: secret #${i}`] : [])));
}
