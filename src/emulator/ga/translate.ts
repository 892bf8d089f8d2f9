import type { Tone } from '../../events/types';
import type { EmulatorContext } from '../context';
import type { EmittedEvent } from '../preview/events';
import type { Leg } from '../model';
import { RESULTS, type ResultInformation } from './cloud-events';
import { emitGa } from './emit-ga';
import { gaIdentifier, gaTone } from './identifiers';
import { dropRecognition, feedTone } from './recognize';
import type { GaLegState } from './state';

/**
 * The shared core (legs, scripts, media, invites, rosters) reports what
 * happens as seed events; a GA call hears the same happenings as the GA
 * events the service sends, so both generations follow one state machine.
 */

const END_RESULTS: Record<string, ResultInformation> = {
  notAnswered: RESULTS.notAnswered,
  rejected: RESULTS.rejected,
  failed: RESULTS.failed,
};

export function translateToGa(ctx: EmulatorContext, leg: Leg, ga: GaLegState, event: EmittedEvent): void {
  const data = event.data as Record<string, any>;
  switch (event.eventType) {
    case 'Microsoft.Communication.CallLegStateChanged':
      return callState(ctx, leg, ga, data.CallState);
    case 'Microsoft.Communication.DtmfReceived': {
      const tone = gaTone(data.ToneInfo.Tone as Tone);
      if (feedTone(ctx, leg, ga, tone)) return;
      // Without recognition running the service sends no keys at all.
      if (!ga.continuousDtmf) return;
      return emitGa(ctx, leg, ga, 'ContinuousDtmfRecognitionToneReceived', {
        tone,
        sequenceId: data.ToneInfo.SequenceId,
        resultInformation: RESULTS.toneReceived,
        operationContext: ga.continuousDtmfContext,
      });
    }
    case 'Microsoft.Communication.PlayAudioResult': {
      const canceled = data.ResultInfo?.Subcode === 8508;
      return emitGa(ctx, leg, ga, canceled ? 'PlayCanceled' : 'PlayCompleted', {
        operationContext: data.OperationContext,
        resultInformation: canceled ? RESULTS.canceled : RESULTS.playCompleted,
      });
    }
    case 'Microsoft.Communication.InviteParticipantResult': {
      const succeeded = data.Status === 'Completed';
      const info = data.ResultInfo as { Code: number; Subcode: number; Message: string } | null;
      for (const p of data.Participants as Array<{ RawId: string }>) {
        emitGa(ctx, leg, ga, succeeded ? 'AddParticipantSucceeded' : 'AddParticipantFailed', {
          operationContext: data.OperationContext,
          participant: gaIdentifier(p.RawId),
          resultInformation: succeeded || !info ? RESULTS.participantAdded : { code: info.Code, subCode: info.Subcode, message: info.Message },
        });
      }
      return;
    }
    case 'Microsoft.Communication.ParticipantsUpdated': {
      ga.participantsSequence += 1;
      const participants = (data.Participants as Array<{ Identifier: { RawId: string }; IsMuted: boolean }>).map((p) => ({
        identifier: gaIdentifier(p.Identifier.RawId),
        isMuted: p.IsMuted,
        isOnHold: false,
      }));
      return emitGa(ctx, leg, ga, 'ParticipantsUpdated', { sequenceNumber: ga.participantsSequence, participants });
    }
  }
}

function callState(ctx: EmulatorContext, leg: Leg, ga: GaLegState, state: string): void {
  if (state === 'Established') {
    emitGa(ctx, leg, ga, 'CallConnected', { operationContext: ga.operationContext, resultInformation: RESULTS.connected });
    return;
  }
  if (state !== 'Terminated') return;
  dropRecognition(ga);
  ga.continuousDtmf = false;
  // A call that never connected: CreateCallFailed says why, then CallDisconnected closes it, as the service sends both.
  if (leg.establishedAt === null) {
    const result = END_RESULTS[leg.endReason ?? ''] ?? RESULTS.failed;
    emitGa(ctx, leg, ga, 'CreateCallFailed', { operationContext: ga.operationContext, resultInformation: result });
    emitGa(ctx, leg, ga, 'CallDisconnected', { operationContext: ga.operationContext, resultInformation: result });
    return;
  }
  emitGa(ctx, leg, ga, 'CallDisconnected', { operationContext: ga.operationContext, resultInformation: RESULTS.disconnected });
}
