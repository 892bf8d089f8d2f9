import http from 'node:http';
import https from 'node:https';

export interface PostOutcome {
  status: number | null;
  error?: string;
}

export interface Poster {
  post(url: string, body: string, timeoutMs: number, signal: AbortSignal, extraHeaders?: Record<string, string>): Promise<PostOutcome>;
  destroy(): void;
}

/**
 * One keep-alive agent per protocol: a campaign delivers hundreds of events a
 * second to the same receiver, and a new TCP connection per event would cost
 * more than the event. Never rejects: every failure is an outcome.
 */
export function createPoster(maxSockets = 512): Poster {
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: 256 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets, maxFreeSockets: 256 }),
  };

  return {
    post(url, body, timeoutMs, signal, extraHeaders) {
      return new Promise<PostOutcome>((resolve) => {
        let target: URL;
        try {
          target = new URL(url);
        } catch {
          resolve({ status: null, error: 'invalid url' });
          return;
        }
        const protocol = target.protocol === 'https:' ? 'https:' : 'http:';
        const request = (protocol === 'https:' ? https : http).request(
          target,
          {
            method: 'POST',
            agent: agents[protocol],
            signal,
            headers: {
              'Content-Type': 'application/json',
              'Content-Length': Buffer.byteLength(body),
              // Event Grid marks its notifications so receivers can tell them from validation handshakes.
              'aeg-event-type': 'Notification',
              'User-Agent': 'callhook-emulator',
              ...extraHeaders,
            },
          },
          (response) => {
            response.on('error', () => resolve({ status: null, error: 'response aborted' }));
            response.on('end', () => resolve({ status: response.statusCode ?? null }));
            response.resume();
          },
        );
        request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
        request.on('error', (err) => resolve({ status: null, error: err.message }));
        request.end(body);
      });
    },
    destroy() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
