import type { KeyPress } from '../scripts';
import type { TimerGroup } from '../timers';

/** A DTMF `:recognize` in progress on a GA call. */
export interface Recognition {
  operationContext: string | null;
  maxTones: number;
  stopTones: Set<string>;
  interToneMs: number;
  initialSilenceMs: number;
  interruptPrompt: boolean;
  tones: string[];
  /** The prompt's end and the silence/inter-tone timeouts. */
  timers: TimerGroup;
}

/** What a GA call connection holds beyond the shared leg. */
export interface GaLegState {
  apiVersion: string;
  /** Base URL the client reached the emulator at: the `iss` of this call's callback JWTs. */
  issuer: string;
  serverCallId: string;
  correlationId: string;
  operationContext: string | null;
  sourceCallerIdNumber: string | null;
  sourceDisplayName: string | null;
  continuousDtmf: boolean;
  continuousDtmfContext: string | null;
  recognition: Recognition | null;
  participantsSequence: number;
  /**
   * The callee's scripted keys, held until the application first listens for
   * keys (continuous DTMF or `:recognize`): the service reports no key pressed
   * before that, and a script is a person answering the prompt, not a race
   * against the application's first requests. Null once scheduled.
   */
  scriptedKeys: KeyPress[] | null;
}
