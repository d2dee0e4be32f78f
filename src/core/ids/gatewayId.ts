declare const gatewayIdBrand: unique symbol;
/**
 * A gateway, identified by its HTTPS origin (`https://host:port`, as validateGatewayUrl
 * produced it). Everything bound to a gateway (Guids, passwords, sessions, trust,
 * history) is keyed by this type, never by a URL string built on the spot.
 */
export type GatewayId = string & { readonly [gatewayIdBrand]: true };

/** The origin of a validated gateway URL (ConnectionSettings.origin) as a GatewayId. */
export function gatewayIdOf(origin: string): GatewayId {
  return origin as GatewayId;
}
