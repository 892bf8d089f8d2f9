import type { SigningKeys } from './signing-keys';

/** Five minutes, as the service's callback tokens. */
export const CALLBACK_TOKEN_LIFETIME_S = 300;

export interface CallbackToken {
  token: string;
  kid: string;
  /** ISO 8601. */
  expiresAt: string;
}

/**
 * The JWT a GA callback carries in `Authorization: Bearer`: issued by the
 * emulator's base URL (what a client used to reach it) for the ACS resource id.
 */
export function mintCallbackToken(keys: SigningKeys, nowMs: number, issuer: string, audience: string): CallbackToken {
  const iat = Math.floor(nowMs / 1000);
  const exp = iat + CALLBACK_TOKEN_LIFETIME_S;
  const { token, kid } = keys.sign({ iss: issuer, aud: audience, iat, nbf: iat, exp });
  return { token, kid, expiresAt: new Date(exp * 1000).toISOString() };
}
