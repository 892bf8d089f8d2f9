import { knownEventSchemas } from '../../src/events/schemas';
import { isKnownEventType } from '../../src/events/types';

const ENVELOPE_KEYS = ['id', 'topic', 'subject', 'data', 'eventType', 'eventTime', 'metadataVersion', 'dataVersion'];
const EVENT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Throws unless every event has the seed's envelope (same keys, same order,
 * null topic and versions, 7-digit eventTime), passes callhook's own schema
 * for its type, and uses `id` as the seed does: a uuid for
 * InviteParticipantResult, null for the rest.
 */
export function assertSeedShaped(events: Array<Record<string, any>>): void {
  for (const event of events) {
    const where = `${event.eventType} ${event.subject}`;
    if (JSON.stringify(Object.keys(event)) !== JSON.stringify(ENVELOPE_KEYS)) throw new Error(`${where}: keys ${Object.keys(event).join(',')}`);
    if (event.topic !== null || event.metadataVersion !== null || event.dataVersion !== null) throw new Error(`${where}: topic/versions not null`);
    if (!EVENT_TIME.test(event.eventTime)) throw new Error(`${where}: eventTime ${event.eventTime}`);
    if (!isKnownEventType(event.eventType)) throw new Error(`${where}: unknown type`);
    const parsed = knownEventSchemas[event.eventType].safeParse(event);
    if (!parsed.success) throw new Error(`${where}: ${JSON.stringify(parsed.error.issues)}`);
    const wantsUuid = event.eventType === 'Microsoft.Communication.InviteParticipantResult';
    if (wantsUuid ? !UUID.test(event.id) : event.id !== null) throw new Error(`${where}: id ${event.id}`);
  }
}

/** A compact, comparable line per event: type and the fields that matter. */
export function describeEvent(event: Record<string, any>): string {
  const d = event.data;
  switch (event.eventType) {
    case 'Microsoft.Communication.CallLegStateChanged':
      return `callState ${d.CallState} conv=${d.ConversationId === null ? 'null' : 'set'}`;
    case 'Microsoft.Communication.DtmfReceived':
      return `dtmf ${d.ToneInfo.SequenceId} ${d.ToneInfo.Tone}`;
    case 'Microsoft.Communication.PlayAudioResult':
      return `playAudio ${d.Status} ${d.ResultInfo.Code}/${d.ResultInfo.Subcode} ${d.OperationContext}`;
    case 'Microsoft.Communication.InviteParticipantResult':
      return `invite ${d.Status} ${d.ResultInfo ? `${d.ResultInfo.Code}` : 'null'} ${d.OperationContext} [${d.Participants.map((p: any) => p.RawId).join(',')}]`;
    case 'Microsoft.Communication.ParticipantsUpdated':
      return `participants [${d.Participants.map((p: any) => `${p.Identifier.RawId}${p.IsMuted ? '(muted)' : ''}`).join(',')}]`;
    default:
      return String(event.eventType);
  }
}
