import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { exportJWK, generateKeyPair, SignJWT, type KeyLike } from 'jose';

/**
 * A GA callback issuer of its own (not the emulator's): an RSA key, OpenID
 * metadata and a JWKS on a real HTTP server, signing tokens as the service does.
 */
export interface FakeIssuer {
  url: string;
  sign(claims?: { iss?: string; aud?: string; expSeconds?: number; kid?: string; key?: KeyLike }): Promise<string>;
  addKey(kid: string): Promise<KeyLike>;
  jwksFetches: () => number;
  failing(on: boolean): void;
  close(): Promise<void>;
}

export async function startIssuer(now: () => number, audience: string): Promise<FakeIssuer> {
  const keys: Array<{ kid: string; jwk: Record<string, unknown> }> = [];
  const privates = new Map<string, KeyLike>();
  let fetches = 0;
  let failing = false;
  const app = express();
  let url = '';
  app.get('/calling/.well-known/acsopenidconfiguration', (_req, res) => {
    if (failing) return void res.status(503).end();
    res.json({ issuer: url, jwks_uri: `${url}/calling/keys` });
  });
  app.get('/calling/keys', (_req, res) => {
    fetches += 1;
    if (failing) return void res.status(503).end();
    res.json({ keys: keys.map((k) => k.jwk) });
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function addKey(kid: string): Promise<KeyLike> {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    keys.push({ kid, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } });
    privates.set(kid, privateKey);
    return privateKey;
  }
  await addKey('key-1');

  return {
    url,
    addKey,
    async sign(c = {}) {
      const kid = c.kid ?? 'key-1';
      const seconds = Math.floor(now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(c.iss ?? url)
        .setAudience(c.aud ?? audience)
        .setIssuedAt(seconds)
        .setExpirationTime(seconds + (c.expSeconds ?? 300))
        .sign(c.key ?? (privates.get(kid) as KeyLike));
    },
    jwksFetches: () => fetches,
    failing: (on) => {
      failing = on;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

