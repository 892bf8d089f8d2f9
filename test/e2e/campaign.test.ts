import { AGENT_DOWN, AGENT_OK, BEHAVIOURS, campaignCsv } from '../helpers/callee-behaviours';
import { DATABASE_KINDS } from '../helpers/databases';
import { RunningEmulator, startEmulator } from '../helpers/emulator';
import { GENERATIONS, requestsOf, type LoggedRequest, type Step } from '../helpers/generations';
import { eventually, startTestService, TestService } from '../helpers/service';

const AUDIO = 'https://media.example.com/outage.wav';
/** What each kind of callee's call sends, per dial (the agent's conversation is ended by the test, not by a request). */
const STEPS: Record<string, Step[]> = {
  acknowledges: ['create', 'prompt', 'stop', 'hangUp'],
  'talks to an agent': ['create', 'prompt', 'stop', 'invite'],
  'presses nothing': ['create', 'prompt', 'hangUp'],
  'never answers': ['create'],
  rejects: ['create'],
  'asks for an unreachable agent': ['create', 'prompt', 'stop', 'invite', 'invite', 'invite', 'hangUp'],
};
/** The largest number of entries of `times` (sorted ms) inside any window [t, t + windowMs). */
export function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

/** The largest number of intervals open at once. */
function maxOverlap(intervals: Array<[number, number]>): number {
  const edges = intervals.flatMap(([start, end]) => [[start, 1] as const, [end, -1] as const]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let max = 0;
  for (const [, delta] of edges) max = Math.max(max, (open += delta));
  return max;
}

const CASES = DATABASE_KINDS.flatMap((kind) => GENERATIONS.map((generation) => [kind, generation.name, generation] as const));

describe.each(CASES)('a large campaign against the emulator (%s, %s)', (kind, _name, generation) => {
  // The 1,000-target run is the SQLite one; on Postgres, whose every statement is a network round trip,
  // 300 targets prove the same properties in a third of the time (multi-instance.test.ts adds 300 more).
  // GA runs the same campaign code on GA calls: 120 targets (20 of each behaviour) prove it without doubling the suite's time.
  const TARGETS = generation.name === 'ga' ? 120 : kind === 'sqlite' ? 1000 : 300;
  const CPS = 50;
  const MAX_CONCURRENT = 60;
  let emulator: RunningEmulator;
  let t: TestService;

  beforeAll(async () => {
    emulator = await startEmulator({ maxEndedLegs: 5000, ringMs: 200 });
    t = await startTestService(kind, { ACS_CONNECTION_STRING: emulator.connectionString, ...generation.env });
    await emulator.control().post('/emulator/scripts').send({ target: AGENT_OK, answer: 'accept' }).expect(201);
    await emulator.control().post('/emulator/scripts').send({ target: AGENT_DOWN, answer: 'fail' }).expect(201);
  });
  afterAll(async () => {
    await t.stop();
    await emulator.close();
  });

  /** Callee and agent talk until the test ends their conversation, as people would. */
  async function endAgentConversations(): Promise<void> {
    const connected = (await t.api().get('/api/calls').query({ outcome: 'connected-to-agent', state: 'established', limit: 500 })).body.calls;
    for (const call of connected) await emulator.control().post(`/emulator/calls/${call.callLegId}/hangup`);
  }

  it('dials every target within the limits and ends each with the outcome its behaviour implies', async () => {
    const rows = Array.from({ length: TARGETS }, (_, i) => {
      const behaviour = BEHAVIOURS[i % BEHAVIOURS.length];
      return { to: `+1555${String(1_000_000 + i)}`, behaviour };
    });
    for (const { to, behaviour } of rows) {
      await emulator.control().post('/emulator/scripts').send({ target: to, ...behaviour.script }).expect(201);
    }
    const csv = campaignCsv(rows);
    const created = await t
      .api()
      .post('/api/campaigns')
      .send({
        name: 'storm outage alert',
        audioFileUri: AUDIO,
        callsPerSecond: CPS,
        maxConcurrentCalls: MAX_CONCURRENT,
        retry: { attempts: 2, delaySeconds: 0.2, on: ['not-answered', 'failed'] },
        targetsCsv: csv,
      });
    expect({ status: created.status, error: created.body.error }).toEqual({ status: 201, error: undefined });
    expect(created.body.progress).toMatchObject({ total: TARGETS, pending: TARGETS });
    const id = created.body.id;

    const done = await eventually(
      'the campaign to complete',
      async () => {
        await endAgentConversations();
        const res = await t.api().get(`/api/campaigns/${id}`);
        return res.body.status === 'completed' ? res.body : undefined;
      },
      120_000,
    );

    const expected: Record<string, number> = {};
    for (const { behaviour } of rows) expected[behaviour.outcome] = (expected[behaviour.outcome] ?? 0) + 1;
    expect(done.outcomes).toEqual(expected);
    expect(done.progress).toMatchObject({ total: TARGETS, done: TARGETS, pending: 0, dialling: 0, percent: 100 });

    const report = (await t.api().get(`/api/campaigns/${id}/report`)).body.targets as Array<{ to: string; outcome: string; attempts: number; status: string }>;
    expect(report).toHaveLength(TARGETS);
    const all = (await emulator.control().get('/emulator/requests').query({ limit: 100_000 })).body.requests as Array<LoggedRequest & { at: number; status: number; callLegId: string }>;
    const creates = all.filter((r) => r.operation === 'createCall');
    const sentOn = new Map<string, string[]>();
    for (const r of all) sentOn.set(r.callLegId, [...(sentOn.get(r.callLegId) ?? []), generation.describe(r, r.callLegId)]);
    const legs = (await emulator.control().get('/emulator/calls').query({ limit: 10_000 })).body.calls as Array<{ callLegId: string; targets: string[]; createdAt: number; endedAt: number | null }>;
    // Every dial of a target sent exactly the requests its callee's behaviour implies.
    const behaviourOf = new Map(rows.map(({ to, behaviour }) => [`4:${to}`, behaviour.name]));
    const unexpected = legs
      .map((leg) => ({ target: leg.targets[0], sent: sentOn.get(leg.callLegId), expected: requestsOf(generation, STEPS[behaviourOf.get(leg.targets[0]) as string]) }))
      .filter((l) => JSON.stringify(l.sent) !== JSON.stringify(l.expected));
    expect(unexpected).toEqual([]);
    const dialsPerTarget = new Map<string, number>();
    for (const leg of legs) dialsPerTarget.set(leg.targets[0], (dialsPerTarget.get(leg.targets[0]) ?? 0) + 1);

    rows.forEach(({ to, behaviour }, i) => {
      expect({ to, outcome: report[i].outcome, attempts: report[i].attempts, dialled: dialsPerTarget.get(`4:${to}`) }).toEqual({
        to,
        outcome: behaviour.outcome,
        attempts: behaviour.attempts,
        dialled: behaviour.attempts,
      });
    });

    // The limits, as the Call Automation service saw them.
    const totalDials = rows.reduce((n, r) => n + r.behaviour.attempts, 0);
    expect(creates).toHaveLength(totalDials);
    expect(maxInWindow(creates.map((c) => c.at).sort((a, b) => a - b), 1000)).toBeLessThanOrEqual(CPS);
    expect(legs.every((leg) => leg.endedAt !== null)).toBe(true);
    expect(maxOverlap(legs.map((leg) => [leg.createdAt, leg.endedAt as number]))).toBeLessThanOrEqual(MAX_CONCURRENT);
  }, 150_000);
});
