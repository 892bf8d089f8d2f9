import fs from 'node:fs';
import path from 'node:path';
import type { DomainEvent } from '../../src/events/domain';
import { parseCallbackBody } from '../../src/events/parse';
import { toDomainEvent } from '../../src/events/to-domain';
import { fixture } from '../helpers/fixtures';

/** Both adapters, on verbatim payloads: what the workflows will see of each wire event. */
const GA_DIR = path.join(__dirname, '..', 'fixtures', 'events-ga');
const ga = (name: string) => JSON.parse(fs.readFileSync(path.join(GA_DIR, `${name}.json`), 'utf8')) as unknown[];

function domain(body: unknown): DomainEvent | null {
  const [parsed] = parseCallbackBody(body);
  return toDomainEvent({ eventType: parsed.eventType, known: parsed.known, body: parsed.event });
}

describe('the seed adapter', () => {
  it.each([
    ['call-state-establishing', { kind: 'call-state', state: 'connecting' }],
    ['call-state-established', { kind: 'call-state', state: 'connected' }],
    ['call-state-terminating', { kind: 'call-state', state: 'disconnecting' }],
    ['call-state-terminated', { kind: 'call-state', state: 'disconnected' }],
    ['dtmf-received', { kind: 'key-pressed' }],
    ['play-audio-cancelled', { kind: 'playback-cancelled' }],
    ['participants-updated', { kind: 'roster', sequenceNumber: null }],
  ])('%s → %o', (name, expected) => {
    const event = fixture(name);
    expect(domain(event)).toMatchObject({ ...expected, legId: event.data.CallLegId, raw: event });
  });

  it('names the key as key maps do', () => {
    expect(domain({ ...fixture('dtmf-received'), data: { ...fixture('dtmf-received').data, ToneInfo: { SequenceId: 3, Tone: 'Star' } } })).toMatchObject({ key: '*', sequenceId: 3 });
  });

  it('a failed playback is playback-failed with its result', () => {
    const event = fixture('play-audio-result');
    const failed = { ...event, data: { ...event.data, Status: 'Failed', ResultInfo: { Code: 500, Subcode: 9999, Message: 'no audio' } } };
    expect(domain(failed)).toMatchObject({ kind: 'playback-failed', result: { code: 500, subCode: 9999, message: 'no audio' } });
  });
});

describe('the GA adapter, on the recorded payloads', () => {
  it.each([
    ['call-connected', { kind: 'call-state', state: 'connected', legId: '08002180-cdcc-419c-8309-d1820bd6b05f' }],
    ['call-disconnected', { kind: 'call-state', state: 'disconnected', legId: '08002180-296e-4cdf-947e-0f7e93fcdeed' }],
    ['play-started', { kind: 'playback-started', operationContext: 'playToAllAudio', result: { code: 200, subCode: 0, message: 'Action completed successfully.' } }],
    ['play-completed', { kind: 'playback-finished', operationContext: 'playToAllAudio' }],
    ['play-canceled', { kind: 'playback-cancelled', operationContext: 'CancelplayToAllAudio', result: null }],
    ['add-participant-succeeded', { kind: 'participant-added', operationContext: 'addParticipants' }],
  ])('%s → %o', (name, expected) => {
    const [event] = ga(name);
    expect(domain(event)).toMatchObject({ ...expected, raw: event });
  });

  it('a roster keeps every participant by raw id, and the sequenceNumber', () => {
    expect(domain(ga('participants-updated'))).toMatchObject({
      kind: 'roster',
      sequenceNumber: 1,
      participants: [
        { participantId: '8:acs:1bdaa2b9-9507-4542-bb64-a7b22c00a8d4_00000021-361c-e35f-eedc-444822002261', isMuted: false },
        { participantId: '8:acs:1bdaa2b9-9507-4542-bb64-a7b22c00a8d4_00000021-361c-e41b-e7d6-444822002602', isMuted: false },
      ],
    });
  });

  it('a key from continuous recognition is key-pressed, named as key maps do', () => {
    const [connected] = ga('call-connected') as Array<Record<string, any>>;
    const tone = { ...connected, id: 'tone-1', type: 'Microsoft.Communication.ContinuousDtmfRecognitionToneReceived', data: { ...connected.data, tone: 'pound', sequenceId: 2 } };
    expect(domain(tone)).toMatchObject({ kind: 'key-pressed', key: '#', sequenceId: 2 });
  });

  it('an event type the workflows do not use is stored as unknown and has no domain event', () => {
    const [event] = ga('continuous-dtmf-recognition-stopped');
    const [parsed] = parseCallbackBody([event]);
    expect(parsed).toMatchObject({ generation: 'ga', known: false, dedupeKey: 'id:fb180ede-b967-4e3c-9f17-2a734df7352b' });
    expect(domain([event])).toBeNull();
  });

  it('refuses a tone the GA wire does not have, naming the field', () => {
    const [connected] = ga('call-connected') as Array<Record<string, any>>;
    const bad = { ...connected, type: 'Microsoft.Communication.ContinuousDtmfRecognitionToneReceived', data: { ...connected.data, tone: 'Tone1' } };
    expect(() => parseCallbackBody([bad])).toThrow(/^\[0\]\.data\.tone/);
  });
});
