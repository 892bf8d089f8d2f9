import type { JWTVerifyGetKey } from 'jose';
import { AuthError } from '../errors';

export interface GaJwtExpectations {
  /** ACS_CALLBACK_ISSUER: who signs callbacks. */
  issuer: string;
  /** ACS_RESOURCE_ID: the ACS resource's immutable id the token is for. */
  audience: string;
  /** Now, in ms since the epoch (injected so tests drive time). */
  now: number;
}

/** design.md: `exp` honoured with at most 60 s of clock skew. */
export const CLOCK_SKEW_SECONDS = 60;

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** The token of an `Authorization: Bearer <JWT>` header, or an AuthError naming what is wrong. */
export function bearerToken(header: unknown): string {
  if (typeof header !== 'string' || header.length === 0) throw new AuthError('a GA callback needs Authorization: Bearer <JWT>', 'missing_callback_jwt');
  if (header.length > 16_384) throw new AuthError('the Authorization header is too long', 'invalid_callback_jwt');
  const match = BEARER.exec(header);
  if (!match) throw new AuthError('Authorization must be "Bearer <JWT>"', 'invalid_callback_jwt');
  return match[1];
}

// jose is loaded on the first GA callback, not at start-up: a seed-only service should not pay for it
// when it restarts (the service's callback retries are waiting).
const loadJose = () => import('jose');

function reason(joseErrors: Awaited<ReturnType<typeof loadJose>>['errors'], err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'the callback JWT has expired';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `the callback JWT's "${err.claim}" claim is wrong`;
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'the callback JWT signature does not verify';
  if (err instanceof joseErrors.JWKSNoMatchingKey) return 'the callback JWT is signed with a key the issuer does not publish';
  if (err instanceof joseErrors.JOSEAlgNotAllowed) return 'the callback JWT must be signed with RS256';
  return 'the callback JWT is not valid';
}

/**
 * Verifies a callback JWT: RS256, signed by a key `keys` finds for its `kid`,
 * `iss` and `aud` as expected, not expired beyond the allowed skew. Any
 * failure is a 401; errors `keys` throws that are not about the token (the
 * key set could not be fetched) pass through unchanged.
 */
export async function verifyGaJwt(token: string, keys: JWTVerifyGetKey, expect: GaJwtExpectations): Promise<Record<string, unknown>> {
  const { errors: joseErrors, jwtVerify } = await loadJose();
  try {
    const { payload } = await jwtVerify(token, keys, {
      algorithms: ['RS256'],
      issuer: expect.issuer,
      audience: expect.audience,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(expect.now),
      requiredClaims: ['exp'],
    });
    return payload;
  } catch (err) {
    if (err instanceof joseErrors.JOSEError) throw new AuthError(reason(joseErrors, err), 'invalid_callback_jwt');
    throw err;
  }
}
