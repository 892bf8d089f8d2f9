import { randomUUID } from 'node:crypto';
import type { EmulatorContext } from './context';
import { emitToLeg } from './emit';
import { PLAY_CANCELLED, PLAY_COMPLETED, playAudioResultEvent } from './preview/events';
import type { Leg, Playback } from './model';

/**
 * Playback on a leg. Decisions (docs/emulator.md):
 * - A PlayAudio while another plays is queued and starts when the one before
 *   it completes, as the service queues media operations.
 * - CancelMediaProcessing cancels the playing one and everything queued; each
 *   gets its own 8508 PlayAudioResult with its own OperationContext.
 * - When the call ends, playback just stops: no PlayAudioResult, the
 *   Terminating/Terminated events already say why.
 */

const ACCEPTED = { code: 202, subcode: 0, message: 'Action is accepted.' };

/** The seed's 202 body; operationContext is null when the request had none. */
export interface MediaOperationAccepted {
  id: string;
  status: 'notStarted';
  operationContext: string | null;
  resultInfo: { code: number; subcode: number; message: string };
}

export function playAudio(
  ctx: EmulatorContext,
  leg: Leg,
  request: { audioFileUri: string; loop: boolean; operationContext: string | null },
): MediaOperationAccepted {
  const playback: Playback = { operationId: randomUUID(), ...request, startedAt: null, stop: null };
  leg.media.queue.push(playback);
  if (leg.media.current === null) startNext(ctx, leg);
  return accepted(playback.operationId, playback.operationContext);
}

function startNext(ctx: EmulatorContext, leg: Leg): void {
  const playback = leg.media.queue.shift() ?? null;
  leg.media.current = playback;
  if (!playback) return;
  playback.startedAt = ctx.clock.now();
  if (playback.loop) return;
  playback.stop = leg.timers.after(ctx.audio.durationOf(playback.audioFileUri), () => {
    leg.media.current = null;
    emitToLeg(ctx, leg, playAudioResultEvent(leg.id, playback.operationContext, PLAY_COMPLETED, ctx.eventTime()));
    startNext(ctx, leg);
  });
}

export function cancelMedia(ctx: EmulatorContext, leg: Leg, operationContext: string | null): MediaOperationAccepted {
  const cancelled = [leg.media.current, ...leg.media.queue].filter((p): p is Playback => p !== null);
  stopMedia(leg);
  for (const playback of cancelled) {
    emitToLeg(ctx, leg, playAudioResultEvent(leg.id, playback.operationContext, PLAY_CANCELLED, ctx.eventTime()));
  }
  return accepted(randomUUID(), operationContext);
}

/** Stops everything without a result, for the end of the call. */
export function stopMedia(leg: Leg): void {
  leg.media.current?.stop?.();
  leg.media.current = null;
  leg.media.queue = [];
}

export function accepted(id: string, operationContext: string | null): MediaOperationAccepted {
  return { id, status: 'notStarted', operationContext, resultInfo: { ...ACCEPTED } };
}
