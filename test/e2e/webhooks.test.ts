import { DATABASE_KINDS } from '../helpers/databases';
import { eventually, startTestService, TestService } from '../helpers/service';
import { Receiver, startReceiver, webhookSecret } from '../helpers/webhook-receiver';

const AUDIO = 'https://media.example.com/reminder.wav';
const SECRET = webhookSecret('e2e');

/** Outbound webhooks over real HTTP: calls and campaigns on the embedded emulator, a receiver verifying every delivery. */
describe.each(DATABASE_KINDS)('outbound webhooks end to end (%s)', (kind) => {
  let t: TestService;
  let receiver: Receiver;
  let n = 0;
  const nextNumber = () => `+1425558${String(1000 + n++).padStart(4, '0')}`;

  beforeAll(async () => {
    receiver = await startReceiver(SECRET);
    t = await startTestService(kind, {
      WEBHOOK_URL: receiver.url,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_ALLOW_PRIVATE: '1',
      WEBHOOK_RETRY_BASE_MS: '50',
      WEBHOOK_TIMEOUT_MS: '1000',
      WEBHOOK_PROGRESS_SECONDS: '1',
      // Some tests poll the deliveries API until a state shows.
      RATE_LIMIT_PER_MINUTE: '100000',
    });
  });
  afterAll(async () => {
    await t.stop();
    await receiver.close();
  });
  afterEach(async () => {
    expect(receiver.unverified).toEqual([]);
    await t.emulator().delete('/emulator/scripts').expect(204);
  });

  const script = (target: string, behaviour: object) => t.emulator().post('/emulator/scripts').send({ target, ...behaviour }).expect(201);
  const forCall = (id: string) => receiver.accepted.filter((w) => w.data.callId === id);

  it('sends call.outcome and call.ended once each, signed, in order, with the attempt on the timeline', async () => {
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 300, keys: '2' }] });
    const res = await t.api().post('/api/calls').send({ to, audioFileUri: AUDIO, operationContext: 'appointment-42' });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await eventually('both events', () => forCall(id).length >= 2);
    const events = forCall(id);
    expect(events.map((e) => e.type)).toEqual(['call.outcome', 'call.ended']);
    expect(events[0].data).toMatchObject({
      callId: id,
      target: `4:${to}`,
      outcome: 'answered-acknowledged',
      reason: 'the callee acknowledged',
      key: '2',
      campaignId: null,
      operationContext: 'appointment-42',
    });
    expect(events[0].body).toMatchObject({ type: 'call.outcome', version: 1, timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    expect(events[1].data).toMatchObject({ callId: id, state: 'terminated', outcome: 'answered-acknowledged' });
    expect(new Set(events.map((e) => e.id)).size).toBe(2);

    const call = (await t.api().get(`/api/calls/${id}`)).body;
    const attempts = call.timeline.filter((e: { kind: string }) => e.kind === 'webhook');
    expect(attempts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'call.outcome', status: '204', latencyMs: expect.any(Number), detail: expect.objectContaining({ result: 'delivered' }) }),
      ]),
    );
    const listed = await t.api().get('/api/webhooks/deliveries').query({ callId: id, type: 'call.outcome' });
    expect(listed.status).toBe(200);
    expect(listed.body.deliveries).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1, webhookId: events[0].id, endpoint: receiver.url })]);
  });

  it('sends a campaign: one call.outcome per target, progress, and campaign.finished with the counts and the report link', async () => {
    const targets = [nextNumber(), nextNumber(), nextNumber(), nextNumber()];
    for (const to of targets.slice(0, 3)) await script(to, { dtmf: [{ afterMs: 300, keys: '2' }] });
    await script(targets[3], { answer: 'reject' });
    const res = await t
      .api()
      .post('/api/campaigns')
      .send({ name: 'webhooks', audioFileUri: AUDIO, callsPerSecond: 20, maxConcurrentCalls: 4, retry: { attempts: 1 }, targets: targets.map((to) => ({ to })) });
    expect(res.status).toBe(201);
    const campaignId = res.body.id as string;
    const finished = await eventually('campaign.finished', () => receiver.ofType('campaign.finished').find((w) => w.data.campaignId === campaignId), 30_000);
    expect(finished.data).toMatchObject({
      status: 'completed',
      total: 4,
      done: 4,
      outcomes: { 'answered-acknowledged': 3, 'not-answered': 1 },
      reportUrl: expect.stringMatching(new RegExp(`/api/campaigns/${campaignId}/report$`)),
    });
    const progress = receiver.ofType('campaign.progress').filter((w) => w.data.campaignId === campaignId);
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress[0].data).toMatchObject({ total: 4, status: 'running', done: expect.any(Number) });
    // campaign.finished is ordered within its campaign, each call.outcome within its call: the last outcome may come after it.
    const campaignOutcomes = () => receiver.ofType('call.outcome').filter((w) => w.data.campaignId === campaignId);
    const outcomes = await eventually('a call.outcome per target', () => (campaignOutcomes().length >= targets.length ? campaignOutcomes() : undefined));
    expect(outcomes.map((w) => w.data.target).sort()).toEqual(targets.map((to) => `4:${to}`).sort());
    expect(outcomes.every((w) => w.data.attempt === 1)).toBe(true);
    // Only one finished event, however the last attempts raced.
    expect(receiver.ofType('campaign.finished').filter((w) => w.data.campaignId === campaignId)).toHaveLength(1);
    const campaign = (await t.api().get(`/api/campaigns/${campaignId}`)).body;
    expect(campaign.webhooks).toEqual({ failingDeliveries: 0 });
  });

  it('gets every event to a receiver that fails (500, 503 with Retry-After, a timeout) and recovers, with the same webhook-id on every attempt', async () => {
    receiver.answers.push({ status: 500 }, { status: 503, headers: { 'retry-after': '1' } }, 'hang', { status: 502 });
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 300, keys: '2' }] });
    const id = (await t.api().post('/api/calls').send({ to, audioFileUri: AUDIO }).expect(201)).body.id as string;
    await eventually('both events after the failures', () => forCall(id).length >= 2, 30_000);
    const events = forCall(id);
    expect(events.map((e) => e.type)).toEqual(['call.outcome', 'call.ended']);
    const outcomeAttempts = receiver.attempts.filter((a) => a.id === events[0].id).map((a) => a.answered);
    expect(outcomeAttempts).toEqual([500, 503, 'hang', 502, 204]);
    const listed = await t.api().get('/api/webhooks/deliveries').query({ callId: id, type: 'call.outcome' });
    expect(listed.body.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 5, lastStatus: 204 });
  });

  it('marks a delivery failed on a 4xx without retrying, and sends it again on POST /retry with the same webhook-id', async () => {
    receiver.answers.push({ status: 410 });
    const to = nextNumber();
    await script(to, { dtmf: [{ afterMs: 300, keys: '2' }] });
    const id = (await t.api().post('/api/calls').send({ to, audioFileUri: AUDIO }).expect(201)).body.id as string;
    const failed = await eventually('the failed delivery', async () => {
      const res = await t.api().get('/api/webhooks/deliveries').query({ callId: id, status: 'failed' });
      return res.body.deliveries[0];
    });
    expect(failed).toMatchObject({ type: 'call.outcome', attempts: 1, lastStatus: 410, lastError: 'HTTP 410' });
    // The next event of the call is not held back by a delivery that failed for good.
    await eventually('call.ended', () => forCall(id).find((e) => e.type === 'call.ended'));
    const retried = await t.api().post(`/api/webhooks/deliveries/${failed.id}/retry`);
    expect(retried.status).toBe(202);
    const again = await eventually('the retried delivery', () => forCall(id).find((e) => e.type === 'call.outcome'));
    expect(again.id).toBe(failed.webhookId);
    // Recorded as delivered once its answer is written (just after the receiver has it): then there is nothing to retry.
    await eventually('the retry recorded', async () => {
      const res = await t.api().get('/api/webhooks/deliveries').query({ callId: id, status: 'delivered', type: 'call.outcome' });
      return res.body.deliveries[0];
    });
    expect((await t.api().post(`/api/webhooks/deliveries/${failed.id}/retry`)).status).toBe(409);
    expect((await t.api().post('/api/webhooks/deliveries/abc/retry')).body.error).toMatchObject({ code: 'validation_failed', message: expect.stringContaining('params.id') });
  });

  it('does not follow a redirect: the delivery fails and the place it points to gets nothing', async () => {
    const elsewhere = await startReceiver(SECRET);
    try {
      receiver.answers.push({ status: 302, headers: { location: elsewhere.url } });
      const to = nextNumber();
      await script(to, { dtmf: [{ afterMs: 300, keys: '2' }] });
      const id = (await t.api().post('/api/calls').send({ to, audioFileUri: AUDIO }).expect(201)).body.id as string;
      const failed = await eventually('the failed delivery', async () => {
        const res = await t.api().get('/api/webhooks/deliveries').query({ callId: id, status: 'failed' });
        return res.body.deliveries[0];
      });
      expect(failed).toMatchObject({ type: 'call.outcome', lastStatus: 302, lastError: `redirect to ${elsewhere.url} not followed` });
      await eventually('call.ended', () => forCall(id).find((e) => e.type === 'call.ended'));
      expect(elsewhere.attempts).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  it('sends a call its own webhookUrl, with its event filter, instead of WEBHOOK_URL', async () => {
    const own = await startReceiver(SECRET);
    try {
      const to = nextNumber();
      await script(to, { dtmf: [{ afterMs: 300, keys: '2' }] });
      const res = await t.api().post('/api/calls').send({ to, audioFileUri: AUDIO, webhookUrl: own.url, webhookEvents: ['call.ended'] });
      expect(res.status).toBe(201);
      await eventually('call.ended at the call’s own endpoint', () => own.accepted.find((w) => w.data.callId === res.body.id));
      expect(own.accepted.map((w) => w.type)).toEqual(['call.ended']);
      expect(forCall(res.body.id)).toEqual([]);
      expect(own.unverified).toEqual([]);
    } finally {
      await own.close();
    }
  });

  it('sends who joined, left and changed mute in a monitored conversation', async () => {
    const conversationId = `webhooks-standup-${kind}`;
    await t.emulator().put(`/emulator/conversations/${conversationId}`).send({ participants: [{ rawId: '8:acs:alice' }] }).expect(201);
    const joined = (await t.api().post(`/api/conversations/${conversationId}/join`).send().expect(201)).body;
    const ofConversation = (type: string) => receiver.ofType(type).filter((w) => w.data.callId === joined.id);
    await eventually('Alice to be announced', () => ofConversation('conversation.participant.joined').find((w) => w.data.rawId === '8:acs:alice'));
    await t.emulator().post(`/emulator/conversations/${conversationId}/participants`).send({ rawId: '+14255550111' }).expect(201);
    await eventually('Bob to be announced', () => ofConversation('conversation.participant.joined').find((w) => w.data.rawId === '4:+14255550111'));
    await t.emulator().patch(`/emulator/conversations/${conversationId}/participants/${encodeURIComponent('4:+14255550111')}`).send({ isMuted: true }).expect(200);
    const muted = await eventually('the mute', () => ofConversation('conversation.participant.muted')[0]);
    expect(muted.data).toMatchObject({ conversationId, rawId: '4:+14255550111', isMuted: true });
    await t.emulator().delete(`/emulator/conversations/${conversationId}/participants/${encodeURIComponent('8:acs:alice')}`).expect(204);
    const left = await eventually('Alice to leave', () => ofConversation('conversation.participant.left')[0]);
    expect(left.data).toMatchObject({ conversationId, rawId: '8:acs:alice', at: expect.any(String) });
    expect(ofConversation('conversation.participant.joined').filter((w) => w.data.rawId === '8:acs:alice')).toHaveLength(1);
  });

  it('keeps delivering to a healthy endpoint while another one hangs on every request', async () => {
    const dead = await startReceiver(SECRET);
    try {
      for (let i = 0; i < 20; i++) dead.answers.push('hang');
      const [slow, fast] = [nextNumber(), nextNumber()];
      for (const to of [slow, fast]) await script(to, { dtmf: [{ afterMs: 300, keys: '2' }] });
      const a = (await t.api().post('/api/calls').send({ to: slow, audioFileUri: AUDIO, webhookUrl: dead.url }).expect(201)).body.id as string;
      const b = (await t.api().post('/api/calls').send({ to: fast, audioFileUri: AUDIO }).expect(201)).body.id as string;
      await eventually('the healthy endpoint to get both events', () => forCall(b).length === 2);
      const stuck = (await t.api().get('/api/webhooks/deliveries').query({ callId: a, status: 'pending' })).body.deliveries;
      expect(stuck.map((d: { type: string }) => d.type).sort()).toEqual(['call.ended', 'call.outcome']);
      expect(dead.accepted).toEqual([]);
    } finally {
      await dead.close();
    }
  });

  it('pages the deliveries with a cursor, refuses a bad filter naming it, and counts attempts on /metrics', async () => {
    const first = await t.api().get('/api/webhooks/deliveries').query({ limit: 2 });
    expect(first.status).toBe(200);
    expect(first.body.deliveries).toHaveLength(2);
    const second = await t.api().get('/api/webhooks/deliveries').query({ limit: 2, cursor: first.body.nextCursor });
    expect(second.body.deliveries).toHaveLength(2);
    expect(second.body.deliveries[0].id).toBeLessThan(first.body.deliveries[1].id);
    const bad = await t.api().get('/api/webhooks/deliveries').query({ status: 'lost' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('query.status');
    const metrics = (await t.api().get('/metrics')).text;
    expect(metrics).toMatch(/callhook_webhook_attempts_total\{event_type="call.outcome",result="delivered"\} [1-9]/);
    expect(metrics).toMatch(/callhook_webhook_deliveries\{status="delivered"\} [1-9]/);
    expect(metrics).toContain('callhook_webhook_oldest_pending_age_seconds');
  });

  it('refuses an unknown event type in webhookEvents, naming the field', async () => {
    const res = await t.api().post('/api/calls').send({ to: nextNumber(), audioFileUri: AUDIO, webhookUrl: receiver.url, webhookEvents: ['call.nope'] });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('body.webhookEvents.0');
  });

  it('keeps webhook secrets out of the logs', () => {
    expect(t.logs.join('\n')).not.toContain(SECRET.slice(6));
  });
});
