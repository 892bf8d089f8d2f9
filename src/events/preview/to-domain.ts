import type { DomainEvent, LegState, OperationResult } from '../domain';
import { eventInstant } from '../event-time';
import type { CallEvent } from '../schemas';
import { CallState, keyOfTone } from '../types';

const LEG_STATE: Record<CallState, LegState> = {
  Establishing: 'connecting',
  Established: 'connected',
  Terminating: 'disconnecting',
  Terminated: 'disconnected',
};

/** ResultInfo of a playback stopped by CancelMediaProcessing: expected, not an error. */
const CANCELLED = { code: 400, subCode: 8508 };

function result(info: { Code: number; Subcode: number; Message?: string | null } | null): OperationResult | null {
  return info ? { code: info.Code, subCode: info.Subcode, message: info.Message ?? null } : null;
}

/** The seed's (2021 preview) events, already validated by its schemas, as the workflows' vocabulary. */
export function previewToDomain(event: CallEvent): DomainEvent {
  const raw = event;
  switch (event.eventType) {
    case 'Microsoft.Communication.CallLegStateChanged':
      return {
        kind: 'call-state',
        legId: event.data.CallLegId,
        state: LEG_STATE[event.data.CallState],
        conversationId: event.data.ConversationId ?? null,
        raw,
      };
    case 'Microsoft.Communication.DtmfReceived':
      return {
        kind: 'key-pressed',
        legId: event.data.CallLegId,
        key: keyOfTone(event.data.ToneInfo.Tone),
        sequenceId: event.data.ToneInfo.SequenceId,
        raw,
      };
    case 'Microsoft.Communication.PlayAudioResult': {
      const info = result(event.data.ResultInfo) as OperationResult;
      const base = { legId: event.data.CallLegId, operationContext: event.data.OperationContext, result: info, raw };
      if (info.code === CANCELLED.code && info.subCode === CANCELLED.subCode) return { kind: 'playback-cancelled', ...base };
      if (event.data.Status === 'Failed' || info.code >= 400) return { kind: 'playback-failed', ...base };
      if (event.data.Status === 'Completed') return { kind: 'playback-finished', ...base };
      return { kind: 'playback-started', ...base };
    }
    case 'Microsoft.Communication.InviteParticipantResult': {
      const base = { legId: event.data.CallLegId, operationContext: event.data.OperationContext, result: result(event.data.ResultInfo), raw };
      if (event.data.Status === 'Completed') return { kind: 'participant-added', ...base };
      if (event.data.Status === 'Failed') return { kind: 'participant-failed', ...base };
      return { kind: 'participant-pending', ...base };
    }
    case 'Microsoft.Communication.ParticipantsUpdated':
      return {
        kind: 'roster',
        legId: event.data.CallLegId,
        participants: event.data.Participants.map((p) => ({ participantId: p.ParticipantId, rawId: p.Identifier.RawId, isMuted: p.IsMuted })),
        at: eventInstant(event.eventTime),
        sequenceNumber: null,
        raw,
      };
  }
}
