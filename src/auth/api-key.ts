import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Checks an `Authorization: Bearer …` header against every configured key.
 * Hashing first gives equal-length buffers, so the comparison is constant-time
 * whatever the length of what the client sent.
 */
export function verifyBearer(keys: readonly string[], header: string | undefined): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  if (!match) return false;
  const given = digest(match[1]);
  let ok = false;
  for (const key of keys) if (timingSafeEqual(digest(key), given)) ok = true;
  return ok;
}
