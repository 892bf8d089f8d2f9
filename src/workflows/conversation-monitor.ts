import { compareInstants, EventInstant, eventInstant } from '../events/event-time';
import type { CallEventOf } from '../events/schemas';
import type { RosterAction } from '../store/roster';
import type { Workflow } from './workflow';

interface MonitorState {
  /** eventTime of the newest roster applied; an older snapshot delivered late is ignored. */
  rosterAt?: EventInstant;
  /** Our leg left the conversation: the roster was emptied then, and later snapshots are stale. */
  ended?: boolean;
}

/**
 * Keeps the live roster of a joined conversation from ParticipantsUpdated
 * snapshots, and logs who joined, left, muted and unmuted, at the event's time.
 * The change is computed against the stored roster, so a re-run changes nothing.
 */
export const conversationMonitorWorkflow: Workflow = {
  async onParticipantsUpdated(event: CallEventOf<'Microsoft.Communication.ParticipantsUpdated'>, ctx) {
    const instant = eventInstant(event.eventTime);
    const at = instant.ms;
    const state = ctx.call.workflow as MonitorState;
    if (state.ended) {
      ctx.logger.info({ eventTime: event.eventTime }, 'roster snapshot after the conversation ended ignored');
      return;
    }
    if (state.rosterAt !== undefined && compareInstants(instant, state.rosterAt) < 0) {
      ctx.logger.info({ eventTime: event.eventTime }, 'older roster snapshot ignored');
      return;
    }
    const callId = ctx.call.id;
    const changes = await ctx.store.tx(async (r) => {
      const current = new Map((await r.roster.current(callId)).map((p) => [p.participantId, p]));
      const seen = new Set<string>();
      const log: Array<[RosterAction, { participantId: string; rawId: string; isMuted: boolean }]> = [];
      for (const p of event.data.Participants) {
        const participant = { participantId: p.ParticipantId, rawId: p.Identifier.RawId, isMuted: p.IsMuted };
        seen.add(p.ParticipantId);
        const before = current.get(p.ParticipantId);
        if (!before) {
          await r.roster.join(callId, { ...participant, joinedAt: at });
          log.push(['joined', participant]);
        } else if (before.isMuted !== p.IsMuted) {
          await r.roster.setMuted(callId, p.ParticipantId, p.IsMuted);
          log.push([p.IsMuted ? 'muted' : 'unmuted', participant]);
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
    await ctx.saveWorkflow({ rosterAt: instant });
    if (changes) ctx.logger.info({ changes }, 'roster updated');
  },

  /**
   * Once our leg is gone (the conversation ended, or we were removed) nobody
   * tells us about the roster any more; a roster still listing people would
   * claim they are on the call. Everyone leaves at the event's time.
   */
  async onStateChanged(event, ctx) {
    if (event.data.CallState !== 'Terminated' || (ctx.call.workflow as MonitorState).ended) return;
    const at = eventInstant(event.eventTime).ms;
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
