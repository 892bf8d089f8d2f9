import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ListenOptions {
  host: string;
  port: number;
  /** WEBHOOK_SECRET values: a delivery signed with any of them is accepted (as a receiver does during a rotation). */
  secrets: string[];
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
}

/** One line per event: when, type, webhook-id, and the data as compact JSON. */
function line(id: string, body: { type?: string; timestamp?: string; data?: unknown }): string {
  return `${body.timestamp ?? new Date().toISOString()}  ${body.type ?? '(no type)'}  ${id}  ${JSON.stringify(body.data ?? null)}\n`;
}

function verify(verifiers: Webhook[], raw: string, headers: Record<string, string>): unknown {
  let last: unknown;
  for (const v of verifiers) {
    try {
      return v.verify(raw, headers);
    } catch (err) {
      last = err;
    }
  }
  throw last;
}

/**
 * A local receiver for trying webhooks out: verifies each delivery with the
 * standardwebhooks package, prints it, and answers 204 (401 when the
 * signature does not verify, so callhook shows the failure and retries).
 */
export async function listenForWebhooks(options: ListenOptions): Promise<{ url: string; close(): Promise<void> }> {
  const verifiers = options.secrets.map((s) => new Webhook(s));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const id = String(req.headers['webhook-id'] ?? '(no webhook-id)');
      try {
        const body = verify(verifiers, raw, req.headers as Record<string, string>) as { type?: string; timestamp?: string; data?: unknown };
        options.out.write(line(id, body));
        res.writeHead(204).end();
      } catch (err) {
        options.err.write(`rejected ${id}: ${(err as Error).message}\n`);
        res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'signature does not verify' }));
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
