/**
 * Whether a Redis server takes `XREADGROUP … CLAIM min-idle-time` (Redis 8.4 and later): one read
 * then hands a consumer both the group's entries idle for that long (taken over from whichever
 * consumer held them, with their delivery count) and new ones. Older servers answer the option with
 * a syntax error, so a consumer asks first and falls back to `XAUTOCLAIM` (Redis 6.2+).
 *
 * Asked with `COMMAND DOCS XREADGROUP` (Redis 7.0+), whose argument list names the `CLAIM` token
 * where the server has it: no version number to compare, so a fork or a build that has the option
 * is recognised by what it says it takes. A server that refuses COMMAND DOCS (older than 7.0, or an
 * ACL that forbids it) is taken not to have it.
 */
import type { RedisConnection } from './client.js';
import { text } from './entries.js';

export async function serverReadsWithClaim(connection: RedisConnection): Promise<boolean> {
  try {
    return namesToken(await connection.sendCommand(['COMMAND', 'DOCS', 'XREADGROUP']), 'CLAIM');
  } catch {
    return false;
  }
}

/**
 * Whether a `token` field of some argument in a COMMAND DOCS reply is `token`. The reply nests
 * name/value lists (RESP2) or maps (RESP3) arguments deep; this walks either.
 */
function namesToken(reply: unknown, token: string, depth = 0): boolean {
  if (depth > 16 || reply === null || typeof reply !== 'object') return false;
  if (Array.isArray(reply)) {
    for (let index = 0; index + 1 < reply.length; index++) {
      if (text(reply[index]) === 'token' && text(reply[index + 1]).toUpperCase() === token) return true;
    }
    return reply.some((item) => namesToken(item, token, depth + 1));
  }
  const pairs: Array<[unknown, unknown]> = reply instanceof Map ? [...reply.entries()] : Object.entries(reply);
  for (const [name, value] of pairs) {
    if (text(name) === 'token' && text(value).toUpperCase() === token) return true;
    if (namesToken(value, token, depth + 1)) return true;
  }
  return false;
}
