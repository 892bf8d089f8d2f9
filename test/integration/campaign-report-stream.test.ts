import http from 'node:http';
import { parse } from 'csv-parse/sync';
import type { NewTarget } from '../../src/store/campaigns';
import { TEST_API_KEY } from '../helpers/tokens';
import { startTestService, TestService } from '../helpers/service';

const TARGETS = 100_000;

/** A GET whose body the test reads only when it says so, to hold the report half-way. */
function heldGet(url: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const response = new Promise<{ headers: http.IncomingHttpHeaders; status: number; firstChunk: Promise<void>; body: Promise<string> }>((resolve, reject) => {
    http
      // A connection of its own: a kept-alive one from the previous test may be closed under it.
      .get(url, { agent: false, headers: { authorization: `Bearer ${TEST_API_KEY}` } }, (res) => {
        const chunks: Buffer[] = [];
        let gotFirst!: () => void;
        const firstChunk = new Promise<void>((r) => (gotFirst = r));
        const body = new Promise<string>((resolveBody, rejectBody) => {
          res.on('data', (chunk: Buffer) => {
            chunks.push(chunk);
            if (chunks.length === 1) {
              res.pause();
              gotFirst();
              void released.then(() => res.resume());
            }
          });
          res.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
          res.on('error', rejectBody);
        });
        resolve({ headers: res.headers, status: res.statusCode!, firstChunk, body });
      })
      .on('error', reject);
  });
  return { response, release };
}

describe('a 100,000-target campaign report', () => {
  let t: TestService;
  let campaignId: string;

  beforeAll(async () => {
    t = await startTestService('sqlite');
    campaignId = 'big-report';
    const targets = Array.from({ length: TARGETS }, (_, i): NewTarget => ({
      rowNo: i + 1,
      target: `4:+1425${String(i).padStart(7, '0')}`,
      fields: i % 2 ? { name: `n${i}` } : { group: `g${i % 7}` },
    }));
    // Paused in the same transaction, so nothing is dialled while the test reads the report.
    await t.service.store.tx(async (r) => {
      await r.campaigns.create(
        { id: campaignId, name: 'big', settings: {}, callsPerSecond: 1, maxConcurrent: 1, maxAttempts: 1, retryDelayMs: 0, retryOutcomes: [], callingWindow: null },
        targets,
      );
      await r.campaigns.transition(campaignId, ['running'], 'paused');
    });
  }, 120_000);
  afterAll(() => t.stop());

  it('streams the JSON report in pages, serving other requests while a slow client reads it, and every target is in it', async () => {
    const held = heldGet(`${t.service.url}/api/campaigns/${campaignId}/report`);
    const res = await held.response;
    expect(res.status).toBe(200);
    // Streamed: no length known up front, the body comes in chunks.
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['transfer-encoding']).toBe('chunked');
    await res.firstChunk;

    let reportDone = false;
    void res.body.then(() => (reportDone = true));
    const health = await t.api().get('/healthz');
    expect(health.status).toBe(200);
    expect(reportDone).toBe(false);

    held.release();
    const report = JSON.parse(await res.body) as { campaign: { id: string; progress: { total: number } }; targets: Array<{ row: number; to: string; fields: Record<string, string> }> };
    expect(report.campaign.id).toBe(campaignId);
    expect(report.campaign.progress.total).toBe(TARGETS);
    expect(report.targets).toHaveLength(TARGETS);
    report.targets.forEach((target, i) => expect(target.row).toBe(i + 1));
    expect(report.targets[TARGETS - 1]).toMatchObject({ to: `4:+1425${String(TARGETS - 1).padStart(7, '0')}`, fields: { name: `n${TARGETS - 1}` } });
  }, 120_000);

  it('streams the CSV report with a header that names every extra column of every page', async () => {
    const held = heldGet(`${t.service.url}/api/campaigns/${campaignId}/report?format=csv`);
    const res = await held.response;
    expect(res.headers['content-length']).toBeUndefined();
    await res.firstChunk;
    expect((await t.api().get('/healthz')).status).toBe(200);
    held.release();

    const [header, ...rows] = parse(await res.body) as string[][];
    expect(header).toEqual(['row', 'to', 'status', 'attempts', 'outcome', 'firstDialledAt', 'lastDialledAt', 'finishedAt', 'durationMs', 'callId', 'group', 'name']);
    expect(rows).toHaveLength(TARGETS);
    expect(rows[0]).toEqual(['1', '4:+14250000000', 'pending', '0', '', '', '', '', '', '', 'g0', '']);
    expect(rows[TARGETS - 1].slice(-2)).toEqual(['', `n${TARGETS - 1}`]);
    rows.forEach((row, i) => expect(row[0]).toBe(String(i + 1)));
  }, 120_000);
});
