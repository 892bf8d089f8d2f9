import autocannon from 'autocannon';

export interface LoadResult {
  /** Mean completed requests per second over the run. */
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ok: number;
  non2xx: number;
  /** Answers read, counted one by one. */
  answered: number;
  errors: number;
  timeouts: number;
}

export interface LoadOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  /** Fixed rate over all connections; unset: as fast as the server answers. */
  overallRate?: number;
  /** Builds each request; called once per request sent. */
  next(): { path: string; body: string };
  onSecond?(elapsedSeconds: number, requestsThisSecond: number): void;
  /** Sees every answer's status and body. */
  onResponse?(status: number, body: string): void;
}

/**
 * One autocannon run of JSON POSTs. With `overallRate`, autocannon corrects
 * latencies for coordinated omission (a late request counts from when it
 * should have been sent), so p99 at a fixed rate is honest.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let answered = 0;
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    overallRate: options.overallRate,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const { path, body } = options.next();
          return { ...request, path, body };
        },
        onResponse: (status: number, body: string) => {
          answered += 1;
          options.onResponse?.(status, body);
        },
      },
    ],
  });
  let elapsed = 0;
  instance.on('tick', ({ counter }) => options.onSecond?.(++elapsed, counter));
  const result = await instance;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    ok: result['2xx'],
    non2xx: result.non2xx,
    answered,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}
