import { compareInstants, EventInstant } from '../events/event-time';
import type { RosterAction } from '../store/roster';
import type { Workflow } from './workflow';

interface MonitorState {
  /** eventTime of the newest roster applied; an older snapshot delivered late is ignored. */
  rosterAt?: EventInstant;
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
};
