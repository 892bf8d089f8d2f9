import { createHash } from 'node:crypto';
import type { Reply } from './reply';

/**
 * Repeatable requests (OASIS Repeatable Requests 1.0, as Azure applies it):
 * a request carrying a `Repeatability-Request-ID` seen before with the same
 * method, path and body is not applied again; its first answer is replayed
 * with `Repeatability-Result: accepted`. The same id on a different request
 * is a 409, `Repeatability-Result: rejected`. This is what makes the client's
 * retries and a crash-restart's re-sends safe.
 *
 * Ids are kept for `windowMs` of clock time; a request whose
 * `Repeatability-First-Sent` is older than that cannot be told apart from a
 * new one any more, so it is refused with 412 rather than risked.
 */
export type RepeatabilityDecision =
  | { kind: 'none' }
  | { kind: 'new'; requestId: string; fingerprint: string }
  | { kind: 'replay'; requestId: string; reply: Reply }
  | { kind: 'reject'; requestId: string; reply: Reply };

export interface RepeatabilityInput {
  requestId: string | undefined;
  firstSent: string | undefined;
  method: string;
  path: string;
  body: Buffer;
  now: number;
}

export interface RepeatabilityStore {
  check(input: RepeatabilityInput): RepeatabilityDecision;
  /** Remembers the first answer; server errors are not remembered so a retry runs again. */
  remember(decision: Extract<RepeatabilityDecision, { kind: 'new' }>, reply: Reply, now: number): void;
  size(): number;
  clear(): void;
}

interface Entry {
  fingerprint: string;
  reply: Reply;
  at: number;
}

export const RESULT_HEADER = 'Repeatability-Result';
const REQUEST_ID = /^[\x21-\x7e]{1,128}$/;
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

export function createRepeatabilityStore(options: { windowMs: number; maxEntries: number }): RepeatabilityStore {
  // Insertion order is age order, so expiry only ever looks at the head.
  const entries = new Map<string, Entry>();

  function prune(now: number): void {
    for (const [id, entry] of entries) {
      if (entry.at + options.windowMs >= now && entries.size <= options.maxEntries) break;
      entries.delete(id);
    }
  }

  const rejected = (requestId: string, status: number, code: string, message: string): RepeatabilityDecision => ({
    kind: 'reject',
    requestId,
    reply: { status, body: { code, message }, headers: { [RESULT_HEADER]: 'rejected' } },
  });

  return {
    check(input) {
      const { requestId } = input;
      if (requestId === undefined) return { kind: 'none' };
      if (!REQUEST_ID.test(requestId)) {
        return rejected(requestId.slice(0, 128), 400, 'InvalidRepeatabilityHeader', 'Repeatability-Request-ID must be 1 to 128 visible ASCII characters (a UUID)');
      }
      if (input.firstSent !== undefined) {
        const sent = IMF_FIXDATE.test(input.firstSent) ? Date.parse(input.firstSent) : NaN;
        if (Number.isNaN(sent)) {
          return rejected(requestId, 400, 'InvalidRepeatabilityHeader', 'Repeatability-First-Sent must be an IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT"');
        }
        if (input.now - sent > options.windowMs) {
          return rejected(
            requestId,
            412,
            'RepeatabilityExpired',
            `Repeatability-First-Sent is older than the ${Math.round(options.windowMs / 1000)} s the service remembers requests for`,
          );
        }
      }
      prune(input.now);
      const fingerprint = createHash('sha256').update(`${input.method.toUpperCase()}\n${input.path}\n`).update(input.body).digest('base64');
      const seen = entries.get(requestId);
      if (!seen) return { kind: 'new', requestId, fingerprint };
      if (seen.fingerprint !== fingerprint) {
        return rejected(requestId, 409, 'RepeatabilityConflict', `Repeatability-Request-ID ${requestId} was already used for a request with a different method, path or body`);
      }
      return { kind: 'replay', requestId, reply: { ...seen.reply, headers: { ...seen.reply.headers, [RESULT_HEADER]: 'accepted' } } };
    },
    remember(decision, reply, now) {
      if (reply.status >= 500) return;
      entries.set(decision.requestId, { fingerprint: decision.fingerprint, reply, at: now });
      prune(now);
    },
    size: () => entries.size,
    clear: () => entries.clear(),
  };
}
