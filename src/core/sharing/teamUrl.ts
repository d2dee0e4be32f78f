// ccGateway.team.redisUrl: checked once where it enters, with a message that says what to do.
import { t } from '../l10n/localize';

export type TeamUrl = { readonly ok: true; readonly url: string; readonly tls: boolean } | { readonly ok: false; readonly message: string };

/** redis://host[:port][/db] or rediss://… ; a user name may be in it, a password never (it goes to SecretStorage). */
export function parseTeamUrl(text: string): TeamUrl {
  const v = text.trim();
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    return { ok: false, message: t('Enter the team\'s Redis as redis://host:6379 or rediss://host:6380.') };
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') return { ok: false, message: t('Enter the team\'s Redis as redis://host:6379 or rediss://host:6380.') };
  if (!u.hostname) return { ok: false, message: t('The Redis URL has no host name.') };
  if (u.password) return { ok: false, message: t('Leave the password out of the Redis URL: Join Team… asks for it and keeps it in the OS keychain.') };
  if (u.search || u.hash) return { ok: false, message: t('The Redis URL takes no query or fragment.') };
  return { ok: true, url: `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname === '/' ? '' : u.pathname}`, tls: u.protocol === 'rediss:' };
}
