import type { EmulatorContext } from '../context';
import type { WireFormat } from '../delivery/delivery';
import type { Leg } from '../model';
import { mintCallbackToken } from './callback-token';
import { cloudEvent } from './cloud-events';
import type { GaLegState } from './state';

/** Each POST gets a fresh token, so a retry an hour later still carries a valid one. */
function wireOf(ctx: EmulatorContext, ga: GaLegState): WireFormat {
  return {
    alwaysArray: true,
    headers: () => ({
      Authorization: `Bearer ${mintCallbackToken(ctx.callbackKeys, ctx.clock.now(), ga.issuer, ctx.options.resourceId).token}`,
    }),
  };
}

/** Sends one GA event to the call's callbackUri, through the same delivery (and faults) as the seed's. */
export function emitGa(ctx: EmulatorContext, leg: Leg, ga: GaLegState, name: string, data: Record<string, unknown>): void {
  const event = cloudEvent(leg, ga, name, data, ctx.eventTime());
  const record = { eventType: event.type, subject: event.subject, eventTime: event.time, attempts: [], outcome: 'pending' as const };
  leg.events.push(record);
  ctx.delivery.enqueue(leg.id, leg.callbackUri, event, record, wireOf(ctx, ga));
}
