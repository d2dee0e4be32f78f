// The test credentials of one Playwright run (a Guid and two passwords), shared by the runner,
// its workers and the reporter through one environment variable: the config module sets it in
// the runner process before any worker is forked (workers inherit it), unless scripts/test.mjs
// already did (it keeps them for its own redaction and leak check).
import * as crypto from 'node:crypto';
import process from 'node:process';

export const SECRETS_ENV = 'CCGW_PW_SECRETS';

/** Guids as the gateway and our simulator hand them out; any of them is redacted, ours or a session's. */
const GUID_RE = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(\.AgentGateway\d*)?/gi;

/** Creates this run's secrets unless the environment already holds them. */
export function ensureSecrets(env = process.env) {
  if (!env[SECRETS_ENV]) {
    env[SECRETS_ENV] = JSON.stringify({
      guid: `${crypto.randomUUID()}.AgentGateway1`,
      queuePassword: `Pw-${crypto.randomBytes(9).toString('base64url')}`,
      windowsPassword: `Pw-${crypto.randomBytes(9).toString('base64url')}`,
    });
  }
  return secrets(env);
}

/** { guid, queuePassword, windowsPassword } of this run. */
export function secrets(env = process.env) {
  const raw = env[SECRETS_ENV];
  if (!raw) throw new Error(`${SECRETS_ENV} is not set (playwright.config.mjs sets it)`);
  return JSON.parse(raw);
}

/** `text` with every secret of this run, and anything shaped like a Guid, replaced by a marker. */
export function redact(text, env = process.env) {
  let out = String(text);
  const raw = env[SECRETS_ENV];
  if (raw) {
    const s = JSON.parse(raw);
    for (const [name, value] of Object.entries(s)) if (value) out = out.split(value).join(name === 'guid' ? '<guid>' : '<password>');
  }
  return out.replace(GUID_RE, '<guid>');
}
