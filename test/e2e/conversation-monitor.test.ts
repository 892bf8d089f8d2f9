import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DATABASE_KINDS } from '../helpers/databases';
import { fixture } from '../helpers/fixtures';
import { GENERATIONS, type Generation } from '../helpers/generations';
import { eventually, startTestService, TestService } from '../helpers/service';
import { callbackPath } from '../helpers/tokens';

const ALICE = '8:acs:alice';
const BOB = '+14255550111';
const CAROL = '8:orgid:carol-0000';
const [GA_PARTICIPANTS_UPDATED] = JSON.parse(readFileSync(path.join(__dirname, '..', 'fixtures', 'events-ga', 'participants-updated.json'), 'utf8'));

/**
 * Two roster snapshots for our leg, `order` 1 older than 2: the seed orders
 * them by eventTime (100 ns apart), GA by the event's sequenceNumber.
 */
function rosterSnapshot(generation: Generation, legId: string, order: 1 | 2, members: string[]) {
  if (generation.name === 'ga') {
    return [{
      ...GA_PARTICIPANTS_UPDATED,
      id: `snapshot-${legId}-${order}`,
      source: `calling/callConnections/${legId}`,
      subject: `calling/callConnections/${legId}`,
      time: new Date().toISOString(),
      data: {
        ...GA_PARTICIPANTS_UPDATED.data,
        callConnectionId: legId,
        sequenceNumber: 100 + order,
        participants: members.map((rawId, i) => ({ identifier: { rawId, kind: 'communicationUser', communicationUser: { id: rawId } }, isMuted: i > 0, isOnHold: false })),
      },
    }];
  }
  return {
    ...fixture('participants-updated'),
    subject: `callLeg/${legId}/participantsUpdated`,
    eventTime: `2031-01-01T10:00:00.000000${order}Z`,
    data: {
      CallLegId: legId,
      Participants: members.map((rawId, i) => ({ Identifier: { RawId: rawId, CommunicationUser: { Id: rawId }, PhoneNumber: null, MicrosoftTeamsUser: null }, ParticipantId: `p-${rawId}`, IsMuted: i > 0 })),
    },
  };
}

const CASES = DATABASE_KINDS.flatMap((kind) => GENERATIONS.map((generation) => [kind, generation.name, generation] as const));

describe.each(CASES)('monitoring a conversation through the emulator (%s, %s)', (kind, _name, generation) => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService(kind, generation.env);
  });
  afterAll(() => t.stop());

  const participants = async (id: string) => (await t.api().get(`/api/conversations/${id}/participants`)).body;

  it('keeps the live roster and a join/leave/mute log from ParticipantsUpdated', async () => {
    const conversationId = 'group-standup-42';
    await t.emulator().put(`/emulator/conversations/${conversationId}`).send({ participants: [{ rawId: ALICE }, { rawId: BOB, isMuted: true }] }).expect(201);

    const joined = await t.api().post(`/api/conversations/${conversationId}/join`).send();
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ kind: 'conversation', flow: 'monitor', conversationId, callLegId: expect.any(String) });
    expect(joined.body.callbackUri).toContain(`/api/callbacks/${joined.body.id}?token=`);

    // Alice and Bob are there when we join; our own leg joins too.
    await eventually('the first roster', async () => {
      const ids = (await participants(joined.body.id)).participants.map((p: { rawId: string }) => p.rawId);
      return ids.includes(ALICE) && ids.includes(`4:${BOB}`);
    });

    await t.emulator().post(`/emulator/conversations/${conversationId}/participants`).send({ rawId: CAROL }).expect(201);
    await t.emulator().patch(`/emulator/conversations/${conversationId}/participants/${encodeURIComponent(`4:${BOB}`)}`).send({ isMuted: false }).expect(200);
    await t.emulator().delete(`/emulator/conversations/${conversationId}/participants/${encodeURIComponent(ALICE)}`).expect(204);

    const final = await eventually('Alice to leave', async () => {
      const body = await participants(joined.body.id);
      return body.participants.some((p: { rawId: string }) => p.rawId === ALICE) ? undefined : body;
    });
    const roster = Object.fromEntries(final.participants.map((p: { rawId: string; isMuted: boolean }) => [p.rawId, p.isMuted]));
    expect(roster).toMatchObject({ [`4:${BOB}`]: false, [CAROL]: false });
    expect(roster[ALICE]).toBeUndefined();

    const log = final.log.filter((e: { rawId: string }) => [ALICE, `4:${BOB}`, CAROL].includes(e.rawId)).map((e: { action: string; rawId: string }) => `${e.action} ${e.rawId}`);
    expect(log).toEqual([`joined ${ALICE}`, `joined 4:${BOB}`, `joined ${CAROL}`, `unmuted 4:${BOB}`, `left ${ALICE}`]);
    expect(final.log.every((e: { at: string }) => !Number.isNaN(Date.parse(e.at)))).toBe(true);

    // The conversation id finds the same monitor.
    expect((await participants(conversationId)).id).toBe(joined.body.id);
    // The one request: the seed joins the conversation, GA connects to the group call.
    const sent = (await t.emulator().get('/emulator/requests').query({ callLegId: joined.body.callLegId })).body.requests;
    if (generation.name === 'ga') {
      expect(sent.map((r: { method: string; path: string }) => `${r.method} ${r.path}`)).toEqual(['POST /calling/callConnections:connect']);
      expect(sent[0].body).toMatchObject({ callLocator: { groupCallId: conversationId } });
    } else expect(sent.map((r: { operation: string }) => r.operation)).toEqual(['joinConversation']);
  });

  it('stays consistent when every roster snapshot is delivered twice and out of order', async () => {
    const conversationId = 'group-late-snapshots';
    await t.emulator().put('/emulator/faults').send({ duplicateRate: 1, reorderRate: 1 }).expect(200);
    await t.emulator().put(`/emulator/conversations/${conversationId}`).send({ participants: [{ rawId: ALICE }] }).expect(201);
    const joined = (await t.api().post(`/api/conversations/${conversationId}/join`).send()).body;
    await t.emulator().post(`/emulator/conversations/${conversationId}/participants`).send({ rawId: CAROL }).expect(201);
    await t.emulator().delete(`/emulator/conversations/${conversationId}/participants/${encodeURIComponent(CAROL)}`).expect(204);
    await t.emulator().post(`/emulator/conversations/${conversationId}/participants`).send({ rawId: BOB }).expect(201);
    const final = await eventually('Bob to be on the roster', async () => {
      const body = await participants(joined.id);
      return body.participants.some((p: { rawId: string }) => p.rawId === `4:${BOB}`) ? body : undefined;
    });
    await t.emulator().delete('/emulator/faults').expect(200);
    expect(final.participants.map((p: { rawId: string }) => p.rawId)).not.toContain(CAROL);
    // Carol's snapshot with her in it may arrive after the newer one without her: it is then ignored, and she never shows.
    const carol = final.log.filter((e: { rawId: string }) => e.rawId === CAROL).map((e: { action: string }) => e.action);
    expect([[], ['joined', 'left']]).toContainEqual(carol);
  });

  it('ignores a roster snapshot older than one already applied', async () => {
    const conversationId = 'group-out-of-order';
    await t.emulator().put(`/emulator/conversations/${conversationId}`).send({ participants: [] }).expect(201);
    const joined = (await t.api().post(`/api/conversations/${conversationId}/join`).send()).body;
    await eventually('the join to settle', async () => (await participants(joined.id)).state === 'established');
    // GA callbacks carry the service's JWT: the emulator mints one, as it signs its own.
    const jwt: Record<string, string> = generation.name === 'ga' ? { authorization: `Bearer ${(await t.emulator().post('/emulator/jwt').send({}).expect(200)).body.token}` } : {};
    const deliver = (body: object) =>
      fetch(`${t.service.url}${callbackPath(joined.id)}`, { method: 'POST', headers: { 'content-type': 'application/json', ...jwt }, body: JSON.stringify(body) });
    // The newer snapshot (Alice and Dave) arrives first, the older one (Alice alone) after it.
    expect((await deliver(rosterSnapshot(generation, joined.callLegId, 2, [ALICE, '8:acs:dave']))).status).toBe(200);
    await eventually('the newer roster', async () => (await participants(joined.id)).participants.some((p: { rawId: string }) => p.rawId === '8:acs:dave'));
    expect((await deliver(rosterSnapshot(generation, joined.callLegId, 1, [ALICE]))).status).toBe(200);
    await eventually('the older snapshot to be handled', async () => (await t.service.store.inbox.list(joined.id)).every((e) => e.status === 'handled'));
    const body = await participants(joined.id);
    expect(body.participants.map((p: { rawId: string }) => p.rawId).sort()).toEqual([ALICE, '8:acs:dave']);
    expect(body.log.some((e: { action: string; rawId: string }) => e.action === 'left' && e.rawId === '8:acs:dave')).toBe(false);
  });

  it('answers 404 for a conversation never joined and 400 for an impossible conversation id', async () => {
    expect((await t.api().get('/api/conversations/never-joined/participants')).status).toBe(404);
    const res = await t.api().post(`/api/conversations/${'x'.repeat(3000)}/join`).send();
    expect(res.status).toBe(400);
  });
});
