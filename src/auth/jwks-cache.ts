import type { JWK, JWTVerifyGetKey, KeyLike } from 'jose';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { Logger } from '../logger';

/** The issuer's keys could not be fetched and no cached key fits: ours to retry, not the sender's fault. */
export class JwksUnavailableError extends AppError {
  readonly retryAfterSeconds = 30;
  constructor(message: string) {
    super('callback_keys_unavailable', message, 503);
  }
}

export interface JwksCacheOptions {
  /** ACS_CALLBACK_ISSUER; its OpenID metadata names the JWKS. */
  issuer: string;
  clock: Clock;
  logger: Logger;
  fetch?: typeof fetch;
  /** An unknown kid triggers at most one refetch per this interval (design.md: once a minute). */
  refetchIntervalMs?: number;
  timeoutMs?: number;
}

export const OPENID_PATH = '/calling/.well-known/acsopenidconfiguration';

/**
 * The issuer's signing keys, by kid: OpenID metadata → `jwks_uri` → keys.
 * Loaded on first use, refetched when a token names a kid we do not know (at
 * most once a minute, so junk kids cannot make us hammer the issuer). A fetch
 * that fails never drops the keys we have: a token signed with a cached key
 * still verifies while the issuer is unreachable.
 */
export function createJwksCache(options: JwksCacheOptions) {
  const doFetch = options.fetch ?? fetch;
  const interval = options.refetchIntervalMs ?? 60_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  let keys = new Map<string, KeyLike | Uint8Array>();
  let loaded = false;
  let lastAttemptAt = -Infinity;
  let inFlight: Promise<void> | null = null;

  async function getJson(url: string): Promise<Record<string, unknown>> {
    const res = await doFetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    const body = (await res.json()) as unknown;
    if (!body || typeof body !== 'object') throw new Error(`${url} did not answer a JSON object`);
    return body as Record<string, unknown>;
  }

  async function load(): Promise<void> {
    const metadata = await getJson(options.issuer.replace(/\/+$/, '') + OPENID_PATH);
    if (typeof metadata.jwks_uri !== 'string') throw new Error('the OpenID metadata names no jwks_uri');
    const jwks = await getJson(metadata.jwks_uri);
    if (!Array.isArray(jwks.keys)) throw new Error('the JWKS has no keys array');
    const { importJWK } = await import('jose');
    const next = new Map<string, KeyLike | Uint8Array>();
    for (const jwk of jwks.keys as JWK[]) {
      if (!jwk || typeof jwk.kid !== 'string' || jwk.kty !== 'RSA') continue;
      next.set(jwk.kid, await importJWK({ ...jwk, alg: jwk.alg ?? 'RS256' }, 'RS256'));
    }
    keys = next;
    loaded = true;
  }

  async function refresh(): Promise<void> {
    if (inFlight) return inFlight;
    if (options.clock.now() - lastAttemptAt < interval) return;
    lastAttemptAt = options.clock.now();
    inFlight = load()
      .catch((err) => {
        options.logger.warn({ err: err instanceof Error ? err.message : String(err), issuer: options.issuer }, 'fetching the callback signing keys failed');
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  }

  const getKey: JWTVerifyGetKey = async (header) => {
    const { errors: joseErrors } = await import('jose');
    const kid = header.kid;
    if (typeof kid !== 'string') throw new joseErrors.JWKSNoMatchingKey();
    const known = keys.get(kid);
    if (known) return known;
    await refresh();
    const found = keys.get(kid);
    if (found) return found;
    if (!loaded) throw new JwksUnavailableError('the callback signing keys could not be fetched; retry later');
    throw new joseErrors.JWKSNoMatchingKey();
  };

  return { getKey, kids: () => [...keys.keys()] };
}

export type JwksCache = ReturnType<typeof createJwksCache>;
