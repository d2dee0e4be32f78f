declare const gatewayIdBrand: unique symbol;
/**
 * A gateway, identified by its HTTPS origin (`https://host:port`, as parseGatewayUrl
 * produced it). Everything bound to a gateway (Guids, passwords, sessions, trust,
 * history) is keyed by this type, never by a URL string built on the spot.
 */
export type GatewayId = string & { readonly [gatewayIdBrand]: true };

/** Text in the form an origin has (`https://`, a host, an optional port, nothing after), or undefined. */
export function parseGatewayId(text: string): GatewayId | undefined {
  if (!text.startsWith('https://')) return undefined;
  try {
    return new URL(text).origin === text ? (text as GatewayId) : undefined;
  } catch {
    return undefined;
  }
}

/** The origin of a validated gateway URL (ConnectionSettings.origin) as a GatewayId; anything else is a broken invariant and throws. */
export function gatewayIdOf(origin: string): GatewayId {
  const id = parseGatewayId(origin);
  if (id === undefined) throw new TypeError(`not a gateway origin: ${origin.slice(0, 80)}`);
  return id;
}
