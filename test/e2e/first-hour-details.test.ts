import request from 'supertest';
import { DEV_DEFAULTS } from '../../src/config';
import { fixture } from '../helpers/fixtures';
import { eventually, startTestService, TestService } from '../helpers/service';

const ALICE = '8:acs:alice';
const CAROL = '8:acs:carol';
const MONITOR = DEV_DEFAULTS.sourceIdentity;

describe('small things a first hour trips over', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService('sqlite');
  });
  afterAll(() => t?.stop());

  const roster = async (id: string) => (await t.api().get(`/api/conversations/${id}/participants`).expect(200)).body;
  const rawIds = (body: { participants: Array<{ rawId: string }> }) => body.participants.map((p) => p.rawId).sort();

  it('shows on the timeline when each event arrived and when the service says it happened', async () => {
    const call = (await t.api().post('/api/calls').send({ to: '+14255550123', audioFileUri: 'https://media.example.com/a.wav' }).expect(201)).body;
    const late = fixture('call-state-established');
    late.data.CallLegId = call.callLegId;
    late.subject = `callLeg/${call.callLegId}/callState`;
    late.eventTime = '2021-05-05T20:08:59.5783985Z';
    const path = new URL(call.callbackUri).pathname + new URL(call.callbackUri).search;
    await request(t.service.url).post(path).send(late).expect(200);
    const entry = await eventually('the replayed event on the timeline', async () => {
      const body = (await t.api().get(`/api/calls/${call.id}`).expect(200)).body;
      return body.timeline.find((e: { kind: string; eventTime?: string }) => e.kind === 'event' && e.eventTime === '2021-05-05T20:08:59.578Z');
    });
    expect(Date.parse(entry.receivedAt)).toBeGreaterThan(Date.parse('2025-01-01'));
    expect(Date.parse(entry.at)).toBeGreaterThanOrEqual(Date.parse(entry.receivedAt));
    // The emulator's own events carry both too.
    const body = (await t.api().get(`/api/calls/${call.id}`).expect(200)).body;
    for (const e of body.timeline.filter((x: { kind: string }) => x.kind === 'event')) {
      expect({ name: e.name, received: Number.isNaN(Date.parse(e.receivedAt)), happened: Number.isNaN(Date.parse(e.eventTime)) }).toEqual({ name: e.name, received: false, happened: false });
    }
  });

  it('answers /favicon.ico without a 404', async () => {
    const res = await request(t.service.url).get('/favicon.ico');
    expect(res.status).toBe(204);
  });

  it("keeps callhook's monitor in the emulator's roster when a script replaces the roster", async () => {
    const conversationId = 'first-hour-put';
    await t.emulator().put(`/emulator/conversations/${conversationId}`).send({ participants: [{ rawId: ALICE }] }).expect(201);
    const joined = (await t.api().post(`/api/conversations/${conversationId}/join`).send().expect(201)).body;
    await eventually('the monitor and Alice on the roster', async () => JSON.stringify(rawIds(await roster(joined.id))) === JSON.stringify([ALICE, MONITOR].sort()));

    await t.emulator().put(`/emulator/conversations/${conversationId}`).send({ participants: [{ rawId: CAROL }] }).expect(200);
    const emulated = (await t.emulator().get(`/emulator/conversations/${conversationId}`).expect(200)).body;
    expect(emulated.participants.map((p: { rawId: string }) => p.rawId).sort()).toEqual([CAROL, MONITOR].sort());
    await eventually('Carol instead of Alice, the monitor still there', async () => JSON.stringify(rawIds(await roster(joined.id))) === JSON.stringify([CAROL, MONITOR].sort()));
  });

  it('empties the roster when the conversation ends, logging everyone as left', async () => {
    const conversationId = 'first-hour-end';
    await t.emulator().put(`/emulator/conversations/${conversationId}`).send({ participants: [{ rawId: ALICE }, { rawId: CAROL }] }).expect(201);
    const joined = (await t.api().post(`/api/conversations/${conversationId}/join`).send().expect(201)).body;
    await eventually('the first roster', async () => rawIds(await roster(joined.id)).length === 3);

    await t.emulator().delete(`/emulator/conversations/${conversationId}`).expect(204);
    const ended = await eventually('the roster to empty', async () => {
      const body = await roster(joined.id);
      return body.participants.length === 0 ? body : undefined;
    });
    const left = ended.log.filter((e: { action: string }) => e.action === 'left').map((e: { rawId: string }) => e.rawId).sort();
    expect(left).toEqual([ALICE, CAROL, MONITOR].sort());
    expect((await t.api().get(`/api/calls/${joined.id}`).expect(200)).body.state).toBe('terminated');
  });
});
