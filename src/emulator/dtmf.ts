import { toneOfKey, type Tone } from '../events/types';
import type { EmulatorContext } from './context';
import { emitToLeg } from './emit';
import { dtmfEvent } from './preview/events';
import type { Leg } from './model';

/** `"12#"` or `["Tone1", "Pound"]` as tones; callers validated the characters. */
export function tonesOf(input: { keys?: string; tones?: readonly Tone[] }): Tone[] {
  if (input.tones) return [...input.tones];
  return [...(input.keys ?? '')].map((key) => {
    const tone = toneOfKey(key);
    if (!tone) throw new RangeError(`"${key}" is not a DTMF key`);
    return tone;
  });
}

/** Presses keys in order; SequenceId counts every key on the leg from 1. Returns the sequence ids used. */
export function pressKeys(ctx: EmulatorContext, leg: Leg, tones: Tone[]): number[] {
  const ids: number[] = [];
  // A key is an answer: the callee is engaged and no longer hangs up for silence.
  leg.silentHangUp?.();
  leg.silentHangUp = null;
  for (const tone of tones) {
    leg.dtmfSequence += 1;
    ids.push(leg.dtmfSequence);
    emitToLeg(ctx, leg, dtmfEvent(leg.id, leg.dtmfSequence, tone, ctx.eventTime()));
  }
  return ids;
}
