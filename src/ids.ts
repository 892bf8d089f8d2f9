import { createHash, randomUUID } from 'node:crypto';

export function newId(): string {
  return randomUUID();
}

/**
 * A UUID derived from its parts (name-based, like UUIDv5 over SHA-256). Used for
 * Repeatability-Request-ID: the same logical request re-sent after a retry or a
 * restart carries the same id, so the service applies it once.
 */
export function deterministicUuid(...parts: Array<string | number>): string {
  const hash = createHash('sha256').update(parts.join('\u0000')).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
