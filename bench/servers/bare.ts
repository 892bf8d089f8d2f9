import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createCallAutomationClient, parseConnectionString } from '../../src/client';
import { systemClock } from '../../src/clock';
import { createLogger } from '../../src/logger';

/**
 * The baselines: the least an application on this machine can do with the
 * same traffic, measured in the same run as callhook.
 *
 * BARE_MODE=ack  parses the callback JSON and answers 200 (ingest baseline).
 * BARE_MODE=app  also places calls (POST /bench/dial) within a concurrency and
 *                rate limit, answers each Established with PlayAudio straight
 *                from memory (no token, schema or database), and counts a call
 *                done at its Terminated event (follow-up and campaign baselines).
 */

type Event = { eventType?: string; data?: { CallLegId?: string; CallState?: string } };

function main(): void {
  const mode = process.env.BARE_MODE ?? 'ack';
  const logger = createLogger({ level: 'warn', name: 'bench-bare' });
  const acs = process.env.ACS_CONNECTION_STRING ? parseConnectionString(process.env.ACS_CONNECTION_STRING) : undefined;
  const client = acs && createCallAutomationClient({ ...acs, apiVersion: '2021-06-15-preview', clock: systemClock, logger });
  let selfUrl = '';

  const dial = { total: 0, placed: 0, ended: 0, failed: 0, startedAt: 0, finishedAt: 0 };
  const open = new Set<string>();
  let slotFree: (() => void) | undefined;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.post('/api/callbacks/:callId', (req, res) => {
    const events: Event[] = Array.isArray(req.body) ? req.body : [req.body];
    res.status(200).json({ accepted: events.length, duplicates: 0 });
    if (mode === 'ack') return;
    for (const event of events) {
      if (event.eventType !== 'Microsoft.Communication.CallLegStateChanged') continue;
      const legId = event.data?.CallLegId;
      if (event.data?.CallState === 'Established' && legId) {
        client!
          .playAudio(legId, { audioFileUri: 'https://media.example.com/bench.wav', loop: true, operationContext: 'bench' })
          .catch((err) => logger.warn({ err }, 'playAudio failed'));
      }
      if (event.data?.CallState === 'Terminated' && open.delete(String(req.params.callId))) {
        dial.ended += 1;
        if (dial.ended + dial.failed === dial.total) dial.finishedAt = Date.now();
        slotFree?.();
      }
    }
  });

  app.post('/bench/dial', (req, res) => {
    const { targets, concurrency, callsPerSecond } = req.body as { targets: string[]; concurrency: number; callsPerSecond: number };
    Object.assign(dial, { total: targets.length, placed: 0, ended: 0, failed: 0, startedAt: Date.now(), finishedAt: 0 });
    void (async () => {
      for (let i = 0; i < targets.length; i++) {
        while (open.size >= concurrency) await new Promise<void>((resolve) => (slotFree = resolve));
        const due = dial.startedAt + (i * 1000) / callsPerSecond;
        if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
        const callId = `bare-${i}`;
        open.add(callId);
        dial.placed += 1;
        client!
          .createCall({
            source: { communicationUser: { id: '8:acs:bench-source' } },
            targets: [{ phoneNumber: { value: targets[i] } }],
            callbackUri: `${selfUrl}/api/callbacks/${callId}`,
            requestedModalities: ['audio'],
            requestedCallEvents: ['dtmfReceived'],
            alternateCallerId: { value: '+18005550100' },
          })
          .catch((err) => {
            logger.warn({ err }, 'createCall failed');
            if (open.delete(callId)) dial.failed += 1;
            slotFree?.();
          });
      }
    })();
    res.status(202).json(dial);
  });
  app.get('/bench/dial', (_req, res) => void res.json(dial));

  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    selfUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    process.stdout.write(`bare receiver listening ${selfUrl} (${mode})\n`);
  });
  process.on('SIGTERM', () => {
    client?.close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  });
}

main();
