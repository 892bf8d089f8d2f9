import type { DomainEvent, OperationResult } from '../domain';
import { eventInstant } from '../event-time';
import type { GaEvent } from './schemas';
import { keyOfGaTone } from './types';

function result(info: { code: number; subCode: number; message?: string | null } | null | undefined): OperationResult | null {
  return info ? { code: info.code, subCode: info.subCode, message: info.message ?? null } : null;
}

/** Today's GA events, already validated by their schemas, as the workflows' vocabulary. */
export function gaToDomain(event: GaEvent): DomainEvent {
  const raw = event;
  const legId = event.data.callConnectionId;
  const op = { legId, operationContext: event.data.operationContext ?? null, result: result(event.data.resultInformation), raw };
  switch (event.type) {
    case 'Microsoft.Communication.CallConnected':
      return { kind: 'call-state', legId, state: 'connected', conversationId: event.data.serverCallId ?? null, raw };
    // A call that never connects ends with CreateCallFailed (or ConnectFailed for :connect): for the workflows it is over.
    case 'Microsoft.Communication.CallDisconnected':
    case 'Microsoft.Communication.CreateCallFailed':
    case 'Microsoft.Communication.ConnectFailed':
      return { kind: 'call-state', legId, state: 'disconnected', conversationId: event.data.serverCallId ?? null, raw };
    case 'Microsoft.Communication.PlayStarted':
      return { kind: 'playback-started', ...op };
    case 'Microsoft.Communication.PlayCompleted':
      return { kind: 'playback-finished', ...op };
    case 'Microsoft.Communication.PlayFailed':
      return { kind: 'playback-failed', ...op };
    case 'Microsoft.Communication.PlayCanceled':
      return { kind: 'playback-cancelled', ...op };
    case 'Microsoft.Communication.ContinuousDtmfRecognitionToneReceived':
      return { kind: 'key-pressed', legId, key: keyOfGaTone(event.data.tone), sequenceId: event.data.sequenceId ?? null, raw };
    case 'Microsoft.Communication.AddParticipantSucceeded':
      return { kind: 'participant-added', ...op };
    case 'Microsoft.Communication.AddParticipantFailed':
      return { kind: 'participant-failed', ...op };
    case 'Microsoft.Communication.ParticipantsUpdated':
      return {
        kind: 'roster',
        legId,
        // GA participants carry no participant id: the raw id names each one.
        participants: event.data.participants.map((p) => ({ participantId: p.identifier.rawId, rawId: p.identifier.rawId, isMuted: p.isMuted ?? false })),
        at: eventInstant(event.time),
        sequenceNumber: event.data.sequenceNumber ?? null,
        raw,
      };
  }
}
