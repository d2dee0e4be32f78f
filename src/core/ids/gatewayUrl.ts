import { t } from '../l10n/localize';

export const DEFAULT_GATEWAY_PORT = 8043;

export type GatewayUrlResult = { ok: true; origin: string } | { ok: false; message: string };

/**
 * Reduces the setting to an origin (`https://host:port`). Only https is accepted:
 * the Guid travels in a header. A missing port means the gateway default 8043.
 */
export function parseGatewayUrl(input: unknown): GatewayUrlResult {
  if (typeof input !== 'string' || input.trim() === '') {
    return { ok: false, message: t('No gateway URL is set. Set ccGateway.gatewayUrl to https://host:8043.') };
  }
  let text = input.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) text = `https://${text}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { ok: false, message: t('The gateway URL is not a valid URL. Use the form https://host:8043.') };
  }
  if (url.protocol !== 'https:') {
    return { ok: false, message: t('The gateway URL must use https, not {0}: the Guid must never travel unencrypted. Use https://host:8043.', url.protocol.replace(':', '')) };
  }
  if (url.username || url.password) {
    return { ok: false, message: t('The gateway URL must not contain a user name or password. Use https://host:8043 and set the Guid with "Set Guid…".') };
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    return { ok: false, message: t('The gateway URL must be only https://host:port, without a path or query; the extension adds /agentgateway/... itself.') };
  }
  // URL drops an explicit default port (":443"), so look at the text for it.
  const explicit443 = /^https:\/\/(\[[^\]]*\]|[^/:?#]*):443(?:[/?#]|$)/i.test(text);
  const port = url.port !== '' ? Number(url.port) : explicit443 ? 443 : DEFAULT_GATEWAY_PORT;
  return { ok: true, origin: `https://${url.hostname}:${port}` };
}
