import { compareInstants, EventInstant } from '../events/event-time';
import type { RosterAction } from '../store/roster';
import type { Workflow } from './workflow';

interface MonitorState {
  /** eventTime of the newest roster applied; an older snapshot delivered late is ignored. */
  rosterAt?: EventInstant;
  /** Our leg left the conversation: the roster was emptied then, and later snapshots are stale. */
  ended?: boolean;
  /** GA's sequenceNumber of the newest roster applied: it orders snapshots better than their times. */
  rosterSequence?: number;
}

function isStale(event: { at: EventInstant; sequenceNumber: number | null }, state: MonitorState): boolean {
  if (event.sequenceNumber !== null && state.rosterSequence !== undefined) return event.sequenceNumber < state.rosterSequence;
  return state.rosterAt !== undefined && compareInstants(event.at, state.rosterAt) < 0;
}

/**
 * Keeps the live roster of a joined conversation from ParticipantsUpdated
 * snapshots, and logs who joined, left, muted and unmuted, at the event's time.
 * The change is computed against the stored roster, so a re-run changes nothing.
 */
export const conversationMonitorWorkflow: Workflow = {
  async onRoster(event, ctx) {
    const instant = event.at;
    const at = instant.ms;
    const state = ctx.call.workflow as MonitorState;
    if (state.ended) {
      ctx.logger.info({ at: instant.ms }, 'roster snapshot after the conversation ended ignored');
      return;
    }
    if (isStale(event, state)) {
      ctx.logger.info({ at: instant.ms, sequenceNumber: event.sequenceNumber }, 'older roster snapshot ignored');
      return;
    }
    const callId = ctx.call.id;
    const changes = await ctx.store.tx(async (r) => {
      const current = new Map((await r.roster.current(callId)).map((p) => [p.participantId, p]));
      const seen = new Set<string>();
      const log: Array<[RosterAction, { participantId: string; rawId: string; isMuted: boolean }]> = [];
      for (const p of event.participants) {
        const participant = { participantId: p.participantId, rawId: p.rawId, isMuted: p.isMuted };
        seen.add(p.participantId);
        const before = current.get(p.participantId);
        if (!before) {
          await r.roster.join(callId, { ...participant, joinedAt: at });
          log.push(['joined', participant]);
        } else if (before.isMuted !== p.isMuted) {
          await r.roster.setMuted(callId, p.participantId, p.isMuted);
          log.push([p.isMuted ? 'muted' : 'unmuted', participant]);
        }
      }
      for (const before of current.values()) {
        if (seen.has(before.participantId)) continue;
        await r.roster.leave(callId, before.participantId);
        log.push(['left', before]);
      }
      for (const [action, participant] of log) await r.roster.record(callId, at, action, participant);
      return log.length;
    });
    await ctx.saveWorkflow({ rosterAt: instant, ...(event.sequenceNumber !== null ? { rosterSequence: event.sequenceNumber } : {}) });
    if (changes) ctx.logger.info({ changes }, 'roster updated');
  },

  /**
   * Once our leg is gone (the conversation ended, or we were removed) nobody
   * tells us about the roster any more; a roster still listing people would
   * claim they are on the call. Everyone leaves when we learn it (call-state events carry no time of their own in the domain vocabulary).
   */
  async onStateChanged(event, ctx) {
    if (event.state !== 'disconnected' || (ctx.call.workflow as MonitorState).ended) return;
    const at = ctx.clock.now();
    const callId = ctx.call.id;
    const left = await ctx.store.tx(async (r) => {
      const current = await r.roster.current(callId);
      for (const p of current) {
        await r.roster.leave(callId, p.participantId);
        await r.roster.record(callId, at, 'left', p);
      }
      return current.length;
    });
    await ctx.saveWorkflow({ ...(ctx.call.workflow as MonitorState), ended: true });
    ctx.logger.info({ left }, 'conversation ended; roster emptied');
  },
};
