import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  type: string;
  timestamp: string;
  data: Record<string, any>;
  body: Record<string, any>;
}

/** What the receiver answers the next request with: a status, silence (the sender times out), or closing the socket. */
export type Answer = { status: number; headers?: Record<string, string> } | 'hang';

/**
 * An organisation's webhook endpoint on 127.0.0.1, port 0. Every request is
 * verified with the standardwebhooks package (not our own code); accepted
 * events are those answered 2xx. `answers` scripts the next answers in order.
 */
export async function startReceiver(secret: string, port = 0) {
  const verifier = new Webhook(secret);
  const accepted: ReceivedWebhook[] = [];
  /** Every request's webhook-id, in arrival order, whatever it was answered. */
  const attempts: Array<{ id: string; type: string; answered: number | 'hang' }> = [];
  const unverified: string[] = [];
  const answers: Answer[] = [];
  const hanging = new Set<http.ServerResponse>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, any>;
      try {
        body = verifier.verify(raw, req.headers as Record<string, string>) as Record<string, any>;
      } catch (err) {
        unverified.push(`${req.headers['webhook-id']}: ${(err as Error).message}`);
        res.writeHead(400).end();
        return;
      }
      const id = String(req.headers['webhook-id']);
      const answer = answers.shift() ?? { status: 204 };
      attempts.push({ id, type: body.type, answered: answer === 'hang' ? 'hang' : answer.status });
      if (answer === 'hang') {
        hanging.add(res);
        return;
      }
      if (answer.status >= 200 && answer.status < 300) {
        accepted.push({ id, type: body.type, timestamp: body.timestamp, data: body.data, body });
      }
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const listeningPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${listeningPort}/hooks`,
    port: listeningPort,
    accepted,
    attempts,
    unverified,
    answers,
    ofType: (type: string) => accepted.filter((w) => w.type === type),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** A whsec_ secret as WEBHOOK_SECRET takes it. */
export const webhookSecret = (seed: string) => `whsec_${Buffer.from(`callhook-test-secret-${seed}`.padEnd(32, '.')).toString('base64')}`;
