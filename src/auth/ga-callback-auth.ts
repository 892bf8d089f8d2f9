import type { JWTVerifyGetKey } from 'jose';
import type { Clock } from '../clock';
import { bearerToken, verifyGaJwt } from './ga-jwt';

/** What the callback route needs to check a GA callback's JWT. */
export interface GaCallbackAuth {
  /** Resolved lazily: with the embedded emulator the issuer is its URL, known only once it listens. */
  issuer(): string;
  audience: string;
  keys: JWTVerifyGetKey;
  clock: Clock;
}

/** Throws AuthError (401) unless the Authorization header holds a callback JWT the issuer signed for us. */
export async function checkGaCallback(auth: GaCallbackAuth, authorization: unknown): Promise<void> {
  await verifyGaJwt(bearerToken(authorization), auth.keys, { issuer: auth.issuer(), audience: auth.audience, now: auth.clock.now() });
}
