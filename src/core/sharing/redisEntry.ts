// The team's Redis client, bundled apart (dist/teamRedis.js) and loaded only when a team is
// configured: a desk without a team never parses it.
export { Redis } from 'ioredis';
