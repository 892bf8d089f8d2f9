import { z } from 'zod';
import { exactlyOneOfKeysOrTones, keysOrTones } from './control-schemas';
import { durationMs, rawIdSchema } from './validation';

/**
 * How a scripted person behaves when called or invited. Unscripted targets
 * answer after the default ring and stay on the line until hung up.
 *
 * answer: accept (pick up after ringMs), reject (decline after ringMs),
 * never (ring until the no-answer timeout), fail (unreachable after ringMs).
 * dtmf and hangUpAfterMs count from the moment the call is Established (keys on
 * a GA call: from the first start of key recognition; for an
 * invitee: from joining; hanging up then means leaving the conversation).
 */
const keyPressSchema = z.strictObject({ afterMs: durationMs, ...keysOrTones }).refine(...exactlyOneOfKeysOrTones);

const resultInfoSchema = z.strictObject({
  code: z.number().int(),
  subcode: z.number().int(),
  message: z.string().min(1).max(1024),
});

export const behaviourSchema = z.strictObject({
  answer: z.enum(['accept', 'reject', 'never', 'fail']).default('accept'),
  ringMs: durationMs.optional(),
  dtmf: z.array(keyPressSchema).max(100).default([]),
  hangUpAfterMs: durationMs.optional(),
  /** ResultInfo of a failed invite (reject, never, fail); each has a default. */
  failure: resultInfoSchema.optional(),
});

export type Behaviour = z.infer<typeof behaviourSchema>;
export type KeyPress = z.infer<typeof keyPressSchema>;

/** `{ target, ...behaviour }`, or `{ target, calls: [behaviour, …] }` where the nth call or invite uses the nth entry (the last repeats). */
export const scriptSchema = behaviourSchema.extend({
  target: rawIdSchema,
  calls: z.array(behaviourSchema).min(1).max(100).optional(),
});

export interface Script {
  target: string;
  calls: Behaviour[];
  /** Calls and invites that already used this script. */
  used: number;
}

export interface ScriptStore {
  set(input: z.infer<typeof scriptSchema>): Script;
  get(rawId: string): Script | undefined;
  list(): Script[];
  delete(rawId: string): boolean;
  clear(): void;
  /** The behaviour for the next call or invite to `rawId`, consuming one step of its script. */
  next(rawId: string): Behaviour;
}

export const DEFAULT_BEHAVIOUR: Behaviour = Object.freeze({ answer: 'accept', dtmf: [] }) as Behaviour;

export function createScriptStore(): ScriptStore {
  const scripts = new Map<string, Script>();
  return {
    set(input) {
      const { target, calls, ...single } = input;
      const script: Script = { target, calls: calls ?? [single], used: 0 };
      scripts.set(target, script);
      return script;
    },
    get: (rawId) => scripts.get(rawId),
    list: () => [...scripts.values()],
    delete: (rawId) => scripts.delete(rawId),
    clear: () => scripts.clear(),
    next(rawId) {
      const script = scripts.get(rawId);
      if (!script) return DEFAULT_BEHAVIOUR;
      const behaviour = script.calls[Math.min(script.used, script.calls.length - 1)];
      script.used += 1;
      return behaviour;
    },
  };
}
