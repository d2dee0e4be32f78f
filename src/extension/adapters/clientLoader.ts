import * as path from 'node:path';
import type { CreateGatewayClient } from '../../core/wire/types';

let cached: CreateGatewayClient | undefined;

/**
 * undici is bundled separately (dist/gatewayClient.js) and loaded on the first
 * request, so activation does not pay for parsing it.
 */
export function loadCreateGatewayClient(): CreateGatewayClient {
  if (!cached) {
    // A computed path keeps esbuild from inlining the client into the main bundle.
    const modulePath = path.join(__dirname, 'gatewayClient.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(modulePath) as { createGatewayClient: CreateGatewayClient };
    cached = mod.createGatewayClient;
  }
  return cached;
}
