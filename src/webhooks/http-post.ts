import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { guardedLookup, isPrivateAddress } from './address-guard';

export interface PostResult {
  /** The HTTP status, or null when no answer came (network error, timeout, refused target). */
  status: number | null;
  error: string | null;
  /** Retry-After of a 429 or 503, in milliseconds. */
  retryAfterMs: number | null;
  /** A network error, a timeout, a 429 or a 5xx: worth trying again. */
  retryable: boolean;
  /** The answer's body, up to 64 KiB (a flow's `ask` reads it; webhooks do not). */
  body?: string;
}

const MAX_BODY_BYTES = 64 * 1024;

function retryAfter(value: string | undefined, now: number): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * One webhook POST. Redirects are answers, not followed (a 3xx could point
 * anywhere, the metadata service included); the body is read only up to a
 * small bound.
 */
export function postWebhook(url: string, headers: Record<string, string>, body: string, options: { timeoutMs: number; allowPrivate: boolean }): Promise<PostResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivate && isIP(host) && isPrivateAddress(host)) {
      return resolve({ status: null, error: `${host} is a loopback, private, link-local or metadata address`, retryable: false, retryAfterMs: null });
    }
    const transport = target.protocol === 'https:' ? https : http;
    let settled = false;
    const done = (result: PostResult) => {
      if (settled) return;
      settled = true;
      resolve(result);
    };
    const req = transport.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'callhook-webhooks/1' },
        lookup: guardedLookup(options.allowPrivate) as never,
        timeout: options.timeoutMs,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_BODY_BYTES) res.destroy();
          else chunks.push(chunk);
        });
        const finish = () => {
          clearTimeout(deadline);
          if (status >= 200 && status < 300) return done({ status, error: null, retryable: false, retryAfterMs: null, body: Buffer.concat(chunks).toString('utf8') });
          const retryable = status === 429 || status >= 500;
          const error = status >= 300 && status < 400 ? `redirect to ${res.headers.location ?? '(no location)'} not followed` : `HTTP ${status}`;
          done({ status, error, retryable, retryAfterMs: retryable ? retryAfter(res.headers['retry-after'] as string | undefined, Date.now()) : null });
        };
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      },
    );
    // The socket timeout only counts idle time; a receiver that trickles bytes must not hold a slot forever.
    const deadline = setTimeout(() => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(deadline);
      const blocked = err.code === 'EBLOCKED';
      done({ status: null, error: err.message, retryable: !blocked, retryAfterMs: null });
    });
    req.end(body);
  });
}
