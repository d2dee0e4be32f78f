import * as path from 'node:path';
import type { CreateRedis } from '../../core/sharing/redisTransport';

let cached: CreateRedis | undefined;

/**
 * ioredis is bundled apart (dist/teamRedis.js) and loaded only when a team is configured:
 * a desk without a team never parses it.
 */
export function loadCreateRedis(): CreateRedis {
  if (!cached) {
    // A computed path keeps esbuild from inlining the client into the main bundle.
    const modulePath = path.join(__dirname, 'teamRedis.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(modulePath) as typeof import('ioredis');
    cached = (url, options) => new mod.Redis(url, options);
  }
  return cached;
}
