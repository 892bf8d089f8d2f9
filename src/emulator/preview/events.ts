import { randomUUID } from 'node:crypto';
import type { CallState, EventType, Tone } from '../../events/types';
import { SUBJECT_SUFFIX } from '../../events/types';
import { toEventIdentifier } from '../../identifiers';

/**
 * Builders of the five events in the seed's exact envelope. Field order
 * follows the seed so a byte-level diff against its samples reads cleanly.
 */
export interface EmittedEvent {
  id: string | null;
  topic: null;
  subject: string;
  data: Record<string, unknown>;
  eventType: EventType;
  eventTime: string;
  metadataVersion: null;
  dataVersion: null;
}

export interface EventResultInfo {
  Code: number;
  Subcode: number;
  Message: string;
}

export const PLAY_COMPLETED: EventResultInfo = { Code: 200, Subcode: 0, Message: 'Action completed successfully.' };
/** Spelled as the seed spells it ("falied"): clients may match on it. */
export const PLAY_CANCELLED: EventResultInfo = { Code: 400, Subcode: 8508, Message: 'Action falied, the operation was cancelled.' };
/** A file the audio catalog marks as failing: the same subcode GA's PlayFailed carries. */
export const PLAY_FAILED: EventResultInfo = { Code: 400, Subcode: 8535, Message: 'Action failed, file format is invalid.' };

export interface RosterMember {
  participantId: string;
  rawId: string;
  isMuted: boolean;
}

function envelope(id: string | null, type: EventType, callLegId: string, data: Record<string, unknown>, eventTime: string): EmittedEvent {
  return {
    id,
    topic: null,
    subject: `callLeg/${callLegId}/${SUBJECT_SUFFIX[type]}`,
    data,
    eventType: type,
    eventTime,
    metadataVersion: null,
    dataVersion: null,
  };
}

export function callStateEvent(callLegId: string, conversationId: string | null, state: CallState, eventTime: string): EmittedEvent {
  return envelope(
    null,
    'Microsoft.Communication.CallLegStateChanged',
    callLegId,
    { ConversationId: conversationId, CallLegId: callLegId, CallState: state },
    eventTime,
  );
}

export function dtmfEvent(callLegId: string, sequenceId: number, tone: Tone, eventTime: string): EmittedEvent {
  return envelope(
    null,
    'Microsoft.Communication.DtmfReceived',
    callLegId,
    { ToneInfo: { SequenceId: sequenceId, Tone: tone }, CallLegId: callLegId },
    eventTime,
  );
}

export function playAudioResultEvent(
  callLegId: string,
  operationContext: string | null,
  resultInfo: EventResultInfo,
  eventTime: string,
  status: 'Completed' | 'Failed' = 'Completed',
): EmittedEvent {
  return envelope(
    null,
    'Microsoft.Communication.PlayAudioResult',
    callLegId,
    { ResultInfo: resultInfo, OperationContext: operationContext, Status: status, CallLegId: callLegId },
    eventTime,
  );
}

export function inviteResultEvent(
  callLegId: string,
  operationContext: string | null,
  outcome: { status: 'Completed'; resultInfo: null } | { status: 'Failed'; resultInfo: EventResultInfo },
  invitees: string[],
  eventTime: string,
): EmittedEvent {
  return envelope(
    randomUUID(),
    'Microsoft.Communication.InviteParticipantResult',
    callLegId,
    {
      ResultInfo: outcome.resultInfo,
      OperationContext: operationContext,
      Status: outcome.status,
      CallLegId: callLegId,
      Participants: invitees.map((rawId) => toEventIdentifier(rawId)),
    },
    eventTime,
  );
}

export function participantsUpdatedEvent(callLegId: string, roster: RosterMember[], eventTime: string): EmittedEvent {
  return envelope(
    null,
    'Microsoft.Communication.ParticipantsUpdated',
    callLegId,
    {
      CallLegId: callLegId,
      Participants: roster.map((m) => ({ Identifier: toEventIdentifier(m.rawId), ParticipantId: m.participantId, IsMuted: m.isMuted })),
    },
    eventTime,
  );
}
