import { createPrivateKey, createSign, generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * The emulator's RSA keys for GA callback JWTs. One key signs; after a
 * rotation the previous one stays in the JWKS for a grace period, so a
 * receiver holding a token signed just before the rotation can still check it.
 */
export interface SigningKeys {
  /** A compact RS256 JWT with the given claims, signed with the current key. */
  sign(claims: Record<string, unknown>): { token: string; kid: string };
  /** The JWKS: the current key and any previous key still in its grace period. */
  jwks(): { keys: JsonWebKey[] };
  rotate(): { kid: string; previousKid: string };
}

interface Key {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JsonWebKey;
  /** Clock ms after which a retired key is no longer served; null while current. */
  retiredUntil: number | null;
}

function newKey(): Key {
  // 2048 bits is what the service's own keys use, and a key takes ~50 ms to make.
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = randomUUID();
  return { kid, privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })), publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' }, retiredUntil: null };
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export function createSigningKeys(now: () => number, graceMs: number): SigningKeys {
  let current = newKey();
  let retired: Key[] = [];

  const live = () => {
    const t = now();
    retired = retired.filter((k) => (k.retiredUntil ?? 0) > t);
    return retired;
  };

  return {
    sign(claims) {
      const header = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: current.kid }));
      const payload = base64url(JSON.stringify(claims));
      const signature = createSign('RSA-SHA256').update(`${header}.${payload}`).sign(current.privateKey);
      return { token: `${header}.${payload}.${base64url(signature)}`, kid: current.kid };
    },
    jwks() {
      return { keys: [current.publicJwk, ...live().map((k) => k.publicJwk)] };
    },
    rotate() {
      const previous = current;
      previous.retiredUntil = now() + graceMs;
      retired = [...live(), previous];
      current = newKey();
      return { kid: current.kid, previousKid: previous.kid };
    },
  };
}
