import type { EmulatorContext } from '../context';
import type { Leg } from '../model';
import { RESULTS, type ResultInformation } from './cloud-events';
import { emitGa } from './emit-ga';
import type { GaLegState, Recognition } from './state';

/**
 * DTMF `:recognize`. The prompt plays first; the initial-silence timeout
 * starts when it ends (a key during the prompt stops it when interruptPrompt
 * is set, and is collected either way). It completes on the max tones, a stop
 * tone (not included in the tones, as the service reports it) or the
 * inter-tone timeout after at least one key; it fails on initial silence.
 */

export interface RecognizeRequest {
  operationContext: string | null;
  promptMs: number;
  maxTones: number;
  stopTones: string[];
  interToneMs: number;
  initialSilenceMs: number;
  interruptPrompt: boolean;
}

export function startRecognition(ctx: EmulatorContext, leg: Leg, ga: GaLegState, request: RecognizeRequest): void {
  if (ga.recognition) cancelRecognition(ctx, leg, ga);
  const recognition: Recognition = {
    operationContext: request.operationContext,
    maxTones: request.maxTones,
    stopTones: new Set(request.stopTones),
    interToneMs: request.interToneMs,
    initialSilenceMs: request.initialSilenceMs,
    interruptPrompt: request.interruptPrompt,
    tones: [],
    timers: ctx.timers.group(),
  };
  ga.recognition = recognition;
  recognition.timers.after(request.promptMs + request.initialSilenceMs, () =>
    fail(ctx, leg, ga, recognition, RESULTS.initialSilence),
  );
}

/** A key on a call with a recognition running; returns false when none is. */
export function feedTone(ctx: EmulatorContext, leg: Leg, ga: GaLegState, tone: string): boolean {
  const recognition = ga.recognition;
  if (!recognition) return false;
  recognition.timers.cancelAll();
  if (recognition.stopTones.has(tone)) {
    complete(ctx, leg, ga, recognition, RESULTS.stopTone);
    return true;
  }
  recognition.tones.push(tone);
  if (recognition.tones.length >= recognition.maxTones) complete(ctx, leg, ga, recognition, RESULTS.maxTones);
  else recognition.timers.after(recognition.interToneMs, () => complete(ctx, leg, ga, recognition, RESULTS.interToneTimeout));
  return true;
}

/** `:cancelAllMediaOperations` while recognizing. */
export function cancelRecognition(ctx: EmulatorContext, leg: Leg, ga: GaLegState): void {
  const recognition = ga.recognition;
  if (!recognition) return;
  end(ga, recognition);
  emitGa(ctx, leg, ga, 'RecognizeCanceled', { operationContext: recognition.operationContext, resultInformation: RESULTS.canceled });
}

/** The call ended: nothing more to report. */
export function dropRecognition(ga: GaLegState): void {
  if (ga.recognition) end(ga, ga.recognition);
}

function end(ga: GaLegState, recognition: Recognition): void {
  recognition.timers.cancelAll();
  if (ga.recognition === recognition) ga.recognition = null;
}

function complete(ctx: EmulatorContext, leg: Leg, ga: GaLegState, recognition: Recognition, result: ResultInformation): void {
  end(ga, recognition);
  emitGa(ctx, leg, ga, 'RecognizeCompleted', {
    operationContext: recognition.operationContext,
    resultInformation: result,
    recognitionType: 'dtmf',
    dtmfResult: { tones: recognition.tones },
  });
}

function fail(ctx: EmulatorContext, leg: Leg, ga: GaLegState, recognition: Recognition, result: ResultInformation): void {
  end(ga, recognition);
  emitGa(ctx, leg, ga, 'RecognizeFailed', { operationContext: recognition.operationContext, resultInformation: result });
}
