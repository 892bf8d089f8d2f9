import type { Clock } from '../clock';
import type { Logger } from '../logger';

export interface EmulatorOptions {
  /** Base64 key requests must be signed with (the connection string's accesskey). */
  accessKey: string;
  logger: Logger;
  clock?: Clock;
  /** Multiplies every emulated duration: ring, audio, scripted key times, hang-ups, delivery retry backoff. */
  timeScale?: number;
  ringMs?: number;
  audioDurationMs?: number;
  noAnswerTimeoutMs?: number;
  /** Seedable source for faults; `PUT /emulator/faults {seed}` replaces it. */
  random?: () => number;
  /** Emulated ms between Terminating and Terminated. */
  terminatingMs?: number;
  /** How long Repeatability-Request-IDs are remembered (clock ms, not scaled). */
  repeatabilityWindowMs?: number;
  /** Entries of the global request log. */
  requestLogLimit?: number;
  /** Ended legs whose details are kept (live legs are always kept). */
  maxEndedLegs?: number;
  /** An agent brought into a call ends it after this talk time (emulated ms; 0: never). Default 10 minutes. */
  agentTalkMs?: number;
  /** A callee who answers and presses no key hangs up after this (emulated ms; 0: never). Default 10 minutes. */
  silentCalleeHangUpMs?: number;
  /** The `aud` of GA callback JWTs: the ACS resource's immutable id. */
  resourceId?: string;
  /** How long a rotated-out signing key stays in the JWKS (real ms). */
  keyGraceMs?: number;
}

export const DEFAULT_RESOURCE_ID = '00000000-0000-0000-0000-00000000ac5e';

export interface ResolvedOptions {
  timeScale: number;
  ringMs: number;
  audioDurationMs: number;
  noAnswerTimeoutMs: number;
  terminatingMs: number;
  repeatabilityWindowMs: number;
  requestLogLimit: number;
  maxEndedLegs: number;
  /** Per leg: requests and events kept in its logs. */
  legLogLimit: number;
  resourceId: string;
  keyGraceMs: number;
  agentTalkMs: number;
  silentCalleeHangUpMs: number;
}

export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const positive = (name: string, value: number | undefined, fallback: number, allowZero = true) => {
    const v = value ?? fallback;
    if (!Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) throw new RangeError(`emulator option ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
    return v;
  };
  if (!options.accessKey || Buffer.from(options.accessKey, 'base64').length === 0) throw new RangeError('emulator option accessKey must be a base64 key');
  return {
    timeScale: positive('timeScale', options.timeScale, 1, false),
    ringMs: positive('ringMs', options.ringMs, 300),
    audioDurationMs: positive('audioDurationMs', options.audioDurationMs, 5000),
    noAnswerTimeoutMs: positive('noAnswerTimeoutMs', options.noAnswerTimeoutMs, 30_000),
    terminatingMs: positive('terminatingMs', options.terminatingMs, 100),
    repeatabilityWindowMs: positive('repeatabilityWindowMs', options.repeatabilityWindowMs, 10 * 60_000, false),
    requestLogLimit: Math.floor(positive('requestLogLimit', options.requestLogLimit, 50_000, false)),
    maxEndedLegs: Math.floor(positive('maxEndedLegs', options.maxEndedLegs, 1000)),
    legLogLimit: 100,
    resourceId: options.resourceId || DEFAULT_RESOURCE_ID,
    keyGraceMs: positive('keyGraceMs', options.keyGraceMs, 24 * 60 * 60_000),
    agentTalkMs: positive('agentTalkMs', options.agentTalkMs, 10 * 60_000),
    silentCalleeHangUpMs: positive('silentCalleeHangUpMs', options.silentCalleeHangUpMs, 10 * 60_000),
  };
}
