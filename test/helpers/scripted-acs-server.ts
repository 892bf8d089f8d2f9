import http, { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { referenceSign } from './acs-hmac-reference';

/**
 * A real HTTP server standing in for the Call Automation service: it checks
 * every request's HMAC signature with the independent reference signer, then
 * answers from a script of replies (falling back to 202), and keeps what it got.
 */

export type Reply =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  /** Destroys the socket without answering: the client sees a network error. */
  | { destroy: true }
  /** Never answers: the client times out. */
  | { hang: true };

export interface ReceivedRequest {
  method: string;
  /** Path as sent, still percent-encoded, without the query. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
  /** null when the signature checked out, else why not. */
  authFailure: string | null;
}

const TOLERANCE_MS = 15 * 60 * 1000;

export async function startScriptedAcsServer(accessKey: string) {
  const requests: ReceivedRequest[] = [];
  const script: Reply[] = [];
  let fallback: Reply = { status: 202 };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const rawUrl = req.url ?? '/';
        const q = rawUrl.indexOf('?');
        const authFailure = await checkSignature(req.method ?? '', rawUrl, req.headers, body, accessKey);
        requests.push({
          method: req.method ?? '',
          path: q < 0 ? rawUrl : rawUrl.slice(0, q),
          query: new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1)),
          headers: req.headers,
          body,
          authFailure,
        });
        const reply: Reply = authFailure
          ? { status: 401, body: { code: 'Unauthorized', message: `Denied: ${authFailure}` } }
          : (script.shift() ?? fallback);
        if ('destroy' in reply) {
          req.socket.destroy();
          return;
        }
        if ('hang' in reply) return;
        const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
        res.end(text);
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    /** Queues replies for the next requests, in order. */
    reply: (...replies: Reply[]) => void script.push(...replies),
    setFallback: (reply: Reply) => void (fallback = reply),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

export type ScriptedAcsServer = Awaited<ReturnType<typeof startScriptedAcsServer>>;

async function checkSignature(
  method: string,
  rawUrl: string,
  headers: IncomingHttpHeaders,
  body: string,
  accessKey: string,
): Promise<string | null> {
  const date = headers['x-ms-date'];
  const hash = headers['x-ms-content-sha256'];
  const auth = headers.authorization;
  const host = headers.host;
  if (typeof date !== 'string' || typeof hash !== 'string' || !auth || !host) return 'missing headers';
  const sent = Date.parse(date);
  if (Number.isNaN(sent) || Math.abs(Date.now() - sent) > TOLERANCE_MS) return 'stale date';
  const expected = await referenceSign(method, `http://${host}${rawUrl}`, body, accessKey, new Date(sent));
  if (expected['x-ms-content-sha256'] !== hash) return 'content hash mismatch';
  if (expected.authorization !== auth) return 'signature mismatch';
  return null;
}
