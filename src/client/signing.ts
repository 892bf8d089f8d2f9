import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Azure Communication Services HMAC authentication, the one implementation the
 * client signs with and the emulator verifies with. Tests check it against an
 * independent implementation of the documented algorithm.
 */
export const SIGNED_HEADERS = 'x-ms-date;host;x-ms-content-sha256';

export function contentSha256(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('base64');
}

export function stringToSign(method: string, pathAndQuery: string, date: string, host: string, contentHash: string): string {
  return `${method.toUpperCase()}\n${pathAndQuery}\n${date};${host};${contentHash}`;
}

export function computeSignature(accessKey: string, toSign: string): string {
  return createHmac('sha256', Buffer.from(accessKey, 'base64')).update(toSign, 'utf8').digest('base64');
}

export interface SignedHeaders {
  'x-ms-date': string;
  'x-ms-content-sha256': string;
  Authorization: string;
}

/** `url` is absolute; the signed host includes a non-default port and the path keeps its query string. */
export function signRequest(input: {
  method: string;
  url: string;
  body: string | Buffer;
  accessKey: string;
  date: Date;
}): SignedHeaders {
  const url = new URL(input.url);
  const date = input.date.toUTCString();
  const hash = contentSha256(input.body);
  const signature = computeSignature(input.accessKey, stringToSign(input.method, `${url.pathname}${url.search}`, date, url.host, hash));
  return {
    'x-ms-date': date,
    'x-ms-content-sha256': hash,
    Authorization: `HMAC-SHA256 SignedHeaders=${SIGNED_HEADERS}&Signature=${signature}`,
  };
}

export type VerifyFailure =
  | 'missing_headers'
  | 'malformed_authorization'
  | 'stale_date'
  | 'content_hash_mismatch'
  | 'signature_mismatch';

export const DATE_TOLERANCE_MS = 15 * 60 * 1000;

/** Checks a received request as the service does; returns why it fails, or null when it is genuine. */
export function verifyRequest(input: {
  method: string;
  pathAndQuery: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  accessKey: string;
  now: number;
}): VerifyFailure | null {
  const header = (name: string) => {
    const v = input.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const date = header('x-ms-date');
  const hash = header('x-ms-content-sha256');
  const host = header('host');
  const auth = header('authorization');
  if (!date || !hash || !host || !auth) return 'missing_headers';
  const match = /^HMAC-SHA256 SignedHeaders=([^&]+)&Signature=(.+)$/.exec(auth);
  if (!match || match[1].toLowerCase() !== SIGNED_HEADERS) return 'malformed_authorization';
  const sent = Date.parse(date);
  if (Number.isNaN(sent) || Math.abs(input.now - sent) > DATE_TOLERANCE_MS) return 'stale_date';
  if (!safeEqual(contentSha256(input.body), hash)) return 'content_hash_mismatch';
  const expected = computeSignature(input.accessKey, stringToSign(input.method, input.pathAndQuery, date, host, hash));
  return safeEqual(expected, match[2]) ? null : 'signature_mismatch';
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
