/**
 * Fetching a campaign report as a client would and timing it: the body streamed and
 * counted (not kept), with the service's own resident memory and event-loop delay
 * from /metrics. Shared by bench/report-stream.ts and the campaign-sizes bench.
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { BENCH_API_KEY } from './services';

export function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers, agent: false }, (res) => {
        let bytes = 0;
        const keep: Buffer[] = [];
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (!headers.authorization) keep.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode!, bytes, body: Buffer.concat(keep).toString() }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/**
 * The service's own figures: resident memory, and the longest event-loop delay since the previous
 * scrape (prom-client resets its loop-delay histogram on every collection).
 */
export async function scrape(url: string): Promise<{ rss: number; loopMaxMs: number }> {
  const text = (await get(`${url}/metrics`)).body;
  const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  return { rss: value('callhook_process_resident_memory_bytes'), loopMaxMs: value('callhook_nodejs_eventloop_lag_max_seconds') * 1000 };
}

export const rssBytes = async (url: string) => (await scrape(url)).rss;

export async function measure(url: string, path: string | null) {
  const probes: number[] = [];
  let done = false;
  let peakRss = 0;
  let loopMaxMs = 0;
  await scrape(url);
  const probing = (async () => {
    while (!done) {
      const t0 = performance.now();
      await get(`${url}/healthz`);
      probes.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  const sampling = (async () => {
    while (!done) {
      const sample = await scrape(url);
      peakRss = Math.max(peakRss, sample.rss);
      loopMaxMs = Math.max(loopMaxMs, sample.loopMaxMs);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  const t0 = performance.now();
  // path null: the same probes with no report, for the machine's own noise (a shared machine delays every process).
  const res = path === null ? await new Promise<{ status: number; bytes: number }>((r) => setTimeout(() => r({ status: 0, bytes: 0 }), 3000)) : await get(`${url}${path}`, { authorization: `Bearer ${BENCH_API_KEY}` });
  const seconds = (performance.now() - t0) / 1000;
  done = true;
  await Promise.all([probing, sampling]);
  loopMaxMs = Math.max(loopMaxMs, (await scrape(url)).loopMaxMs);
  probes.sort((a, b) => a - b);
  return {
    path,
    status: res.status,
    megabytes: +(res.bytes / 1e6).toFixed(1),
    seconds: +seconds.toFixed(2),
    healthzProbes: probes.length,
    healthzP50Ms: +probes[Math.floor(probes.length / 2)].toFixed(1),
    healthzMaxMs: +probes[probes.length - 1].toFixed(1),
    serviceLoopDelayMaxMs: +loopMaxMs.toFixed(1),
    peakRssMb: Math.round(peakRss / 1e6),
  };
}

/** One authenticated GET streamed to its end: milliseconds from the request to the last byte, status and size. */
export async function timedGet(url: string, path: string): Promise<{ ms: number; status: number; bytes: number }> {
  const t0 = performance.now();
  const res = await get(`${url}${path}`, { authorization: `Bearer ${BENCH_API_KEY}` });
  return { ms: performance.now() - t0, status: res.status, bytes: res.bytes };
}
