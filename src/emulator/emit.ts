import type { EmulatorContext } from './context';
import { newRecord } from './delivery/records';
import type { EmittedEvent } from './preview/events';
import { translateToGa } from './ga/translate';
import type { Leg } from './model';

/**
 * Which events a leg gets: call states always; DTMF and roster updates only
 * when asked for in requestedCallEvents; PlayAudioResult and
 * InviteParticipantResult always, because they answer an operation the
 * application started and it would otherwise never learn the outcome.
 */
function wanted(leg: Leg, event: EmittedEvent): boolean {
  switch (event.eventType) {
    case 'Microsoft.Communication.DtmfReceived':
      return leg.requestedCallEvents.has('dtmfReceived');
    case 'Microsoft.Communication.ParticipantsUpdated':
      return leg.requestedCallEvents.has('participantsUpdated');
    default:
      return true;
  }
}

export function emitToLeg(ctx: EmulatorContext, leg: Leg, event: EmittedEvent): void {
  // A GA call hears the same happenings as GA events, with GA's own rules for which it gets.
  if (leg.ga) return translateToGa(ctx, leg, leg.ga, event);
  if (!wanted(leg, event)) return;
  const record = newRecord(event);
  leg.events.push(record);
  ctx.delivery.enqueue(leg.id, leg.callbackUri, event, record);
}

/** For an out-of-call operation's result, sent to the callbackUri of its request rather than to a leg. */
export function emitTo(ctx: EmulatorContext, callLegId: string, url: string, event: EmittedEvent): void {
  ctx.delivery.enqueue(callLegId, url, event, newRecord(event));
}
