import type { z } from 'zod';
import { hangUp, endNow } from './call-leg';
import type { EmulatorContext } from './context';
import type { addParticipantSchema, audioSchema, conversationSchema, dtmfSchema, legsQuerySchema, requestsQuerySchema } from './control-schemas';
import { pressKeys, tonesOf } from './dtmf';
import { callLegNotFound, conversationNotFound, notEstablished, participantNotFound } from './errors';
import type { FaultState } from './fault-state';
import type { DeliverySettings } from './faults';
import type { Leg } from './model';
import type { RepeatabilityStore } from './repeatability';
import type { RequestLog } from './request-log';
import { addMember, broadcastRoster, findMember, removeMember, replaceRoster, setMuted } from './roster';
import type { scriptSchema } from './scripts';
import { conversationView, legDetail, legSummary, scriptView } from './views';

export interface ControlDeps {
  ctx: EmulatorContext;
  faults: FaultState;
  repeatability: RepeatabilityStore;
  requestLog: RequestLog;
}

/** What the control API can do, on already validated input; routes/emulator.ts is the HTTP side. */
export function createControl({ ctx, faults, repeatability, requestLog }: ControlDeps) {
  function leg(id: string): Leg {
    const found = ctx.legs.get(id);
    if (!found) throw callLegNotFound(id);
    return found;
  }
  function conversation(id: string) {
    const found = ctx.conversations.get(id);
    if (!found) throw conversationNotFound(id);
    return found;
  }
  function member(conversationId: string, participant: string) {
    const c = conversation(conversationId);
    const m = findMember(c, participant);
    if (!m) throw participantNotFound(participant);
    return { c, m };
  }

  return {
    info() {
      const { options } = ctx;
      return {
        name: 'callhook Call Automation emulator',
        options: {
          timeScale: options.timeScale,
          ringMs: options.ringMs,
          audioDurationMs: options.audioDurationMs,
          noAnswerTimeoutMs: options.noAnswerTimeoutMs,
          terminatingMs: options.terminatingMs,
          repeatabilityWindowMs: options.repeatabilityWindowMs,
        },
        legs: ctx.legs.counts(),
        conversations: ctx.conversations.list().length,
        scripts: ctx.scripts.list().length,
        repeatableRequestsRemembered: repeatability.size(),
        delivery: ctx.delivery.stats(),
      };
    },

    /** Forgets everything and stops everything pending, as if freshly started (same key and options). */
    reset() {
      ctx.timers.cancelAll();
      ctx.delivery.reset();
      ctx.legs.clear();
      ctx.conversations.clear();
      ctx.scripts.clear();
      ctx.audio.clear();
      faults.reset();
      repeatability.clear();
      requestLog.clear();
    },

    scripts: {
      set: (input: z.output<typeof scriptSchema>) => scriptView(ctx.scripts.set(input)),
      list: () => ctx.scripts.list().map(scriptView),
      get(target: string) {
        const script = ctx.scripts.get(target);
        return script ? scriptView(script) : undefined;
      },
      delete: (target: string) => ctx.scripts.delete(target),
      clear: () => ctx.scripts.clear(),
    },

    faults: {
      get: () => faults.settings(),
      set: (settings: DeliverySettings) => faults.set(settings),
      reset: () => faults.reset(),
    },

    deliveries: () => ({ stats: ctx.delivery.stats(), deadLetters: ctx.delivery.deadLetters() }),

    audio: {
      set: (input: z.output<typeof audioSchema>) => ctx.audio.set(input.audioFileUri, input.durationMs),
      list: () => ctx.audio.list(),
      clear: () => ctx.audio.clear(),
    },

    legs: {
      list: (query: z.output<typeof legsQuerySchema>) => ctx.legs.list(query).map(legSummary),
      get(id: string) {
        const l = leg(id);
        return legDetail(l, ctx.conversations.get(l.conversationId));
      },
      dtmf(id: string, input: z.output<typeof dtmfSchema>) {
        const l = leg(id);
        if (l.state !== 'Established') throw notEstablished(id, l.state);
        return { sequenceIds: pressKeys(ctx, l, tonesOf(input)) };
      },
      /** The remote side hangs up; while still ringing that is a rejection. */
      hangUp(id: string) {
        const l = leg(id);
        if (l.state === 'Establishing') endNow(ctx, l, 'rejected');
        else if (l.state === 'Established') hangUp(ctx, l, 'remoteHangUp');
        else throw notEstablished(id, l.state);
      },
    },

    conversations: {
      list: () => ctx.conversations.list().map(conversationView),
      get: (id: string) => conversationView(conversation(id)),
      /** Creates or replaces the roster; everyone who stays keeps their ParticipantId. */
      put(id: string, input: z.output<typeof conversationSchema>) {
        const existing = ctx.conversations.get(id);
        const c = existing ?? ctx.conversations.create(id, null);
        // Legs in the conversation (callhook's monitor among them) stay: a scripted roster is about the other people.
        const legMembers = [...c.legIds].map((legId) => c.participants.get(ctx.legs.get(legId)?.ownParticipantId ?? ''));
        const kept = legMembers.filter((m) => m !== undefined && !input.participants.some((p) => p.rawId === m.rawId));
        replaceRoster(ctx, c, [...input.participants, ...kept.map((m) => ({ rawId: m!.rawId, isMuted: m!.isMuted }))]);
        return { created: !existing, conversation: conversationView(c) };
      },
      /** Ends the conversation: every leg in it is hung up by the far end. */
      delete(id: string) {
        const c = conversation(id);
        ctx.conversations.delete(id);
        for (const legId of c.legIds) {
          const l = ctx.legs.get(legId);
          if (l) hangUp(ctx, l, 'conversationEnded');
        }
      },
      add(id: string, input: z.output<typeof addParticipantSchema>) {
        const c = conversation(id);
        const { member: m, added } = addMember(c, input.rawId, input.isMuted);
        if (added) broadcastRoster(ctx, c);
        else setMuted(ctx, c, m, input.isMuted);
        return { added, participant: { ...m } };
      },
      mute(id: string, participant: string, isMuted: boolean) {
        const { c, m } = member(id, participant);
        setMuted(ctx, c, m, isMuted);
        return { ...m };
      },
      remove(id: string, participant: string) {
        const { c, m } = member(id, participant);
        removeMember(ctx, c, m);
      },
    },

    requests: (query: z.output<typeof requestsQuerySchema>) => requestLog.list(query),
  };
}

export type EmulatorControl = ReturnType<typeof createControl>;
