import { callbackToken } from '../../src/auth/callback-token';

export const TEST_SECRET = 'test-callback-secret-0123456789';
export const OLD_SECRET = 'old-callback-secret-0123456789ab';
export const TEST_API_KEY = 'test-api-key-0123456789abcdef';

export function callbackPath(callId: string, secret = TEST_SECRET): string {
  return `/api/callbacks/${encodeURIComponent(callId)}?token=${callbackToken(secret, callId)}`;
}
