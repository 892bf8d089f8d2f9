import { createHmac, timingSafeEqual } from 'node:crypto';

/** T = base64url(HMAC-SHA256(CALLBACK_SECRET, callId)): one token per call, nothing to store. */
export function callbackToken(secret: string, callId: string): string {
  return createHmac('sha256', secret).update(callId, 'utf8').digest('base64url');
}

/** Accepts a token made with any of the secrets (the first is the current one, the rest are being rotated out). */
export function verifyCallbackToken(secrets: readonly string[], callId: string, token: unknown): boolean {
  if (typeof token !== 'string' || token.length === 0 || token.length > 128) return false;
  const given = Buffer.from(token);
  let ok = false;
  for (const secret of secrets) {
    const expected = Buffer.from(callbackToken(secret, callId));
    // Compare every secret whatever the outcome, so timing says nothing about which one matched.
    if (expected.length === given.length && timingSafeEqual(expected, given)) ok = true;
  }
  return ok;
}

export function callbackUri(publicBaseUrl: string, callId: string, secret: string): string {
  return `${publicBaseUrl}/api/callbacks/${encodeURIComponent(callId)}?token=${callbackToken(secret, callId)}`;
}
