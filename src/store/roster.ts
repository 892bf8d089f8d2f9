import { Db } from './db';

export interface RosterParticipant {
  participantId: string;
  rawId: string;
  isMuted: boolean;
  joinedAt: number;
}

export type RosterAction = 'joined' | 'left' | 'muted' | 'unmuted';

export interface RosterLogEntry {
  seq: number;
  at: number;
  action: RosterAction;
  participantId: string;
  rawId: string;
  isMuted: boolean;
}

export type RosterRecorded = (callId: string, seq: number, at: number, action: RosterAction, p: { participantId: string; rawId: string; isMuted: boolean }) => Promise<void>;

/** The live roster of a joined conversation and the log of how it changed; `onRecorded` runs in the same transaction as each log entry. */
export function rosterRepo(db: Db, onRecorded?: RosterRecorded) {
  return {
    async current(callId: string): Promise<RosterParticipant[]> {
      const rows = await db.all<{ participant_id: string; raw_id: string; is_muted: number; joined_at: number }>(
        'SELECT participant_id, raw_id, is_muted, joined_at FROM roster WHERE call_id = ? ORDER BY joined_at, participant_id',
        [callId],
      );
      return rows.map((r) => ({ participantId: r.participant_id, rawId: r.raw_id, isMuted: r.is_muted === 1, joinedAt: r.joined_at }));
    },

    async log(callId: string): Promise<RosterLogEntry[]> {
      const rows = await db.all<{ seq: number; at: number; action: RosterAction; participant_id: string; raw_id: string; is_muted: number }>(
        'SELECT seq, at, action, participant_id, raw_id, is_muted FROM participant_log WHERE call_id = ? ORDER BY seq',
        [callId],
      );
      return rows.map((r) => ({ seq: r.seq, at: r.at, action: r.action, participantId: r.participant_id, rawId: r.raw_id, isMuted: r.is_muted === 1 }));
    },

    async join(callId: string, p: RosterParticipant): Promise<void> {
      await db.run('INSERT INTO roster (call_id, participant_id, raw_id, is_muted, joined_at) VALUES (?, ?, ?, ?, ?)', [
        callId,
        p.participantId,
        p.rawId,
        p.isMuted ? 1 : 0,
        p.joinedAt,
      ]);
    },

    async leave(callId: string, participantId: string): Promise<void> {
      await db.run('DELETE FROM roster WHERE call_id = ? AND participant_id = ?', [callId, participantId]);
    },

    async setMuted(callId: string, participantId: string, isMuted: boolean): Promise<void> {
      await db.run('UPDATE roster SET is_muted = ? WHERE call_id = ? AND participant_id = ?', [isMuted ? 1 : 0, callId, participantId]);
    },

    async record(callId: string, at: number, action: RosterAction, p: { participantId: string; rawId: string; isMuted: boolean }): Promise<void> {
      const row = await db.get<{ seq: number }>(
        'INSERT INTO participant_log (call_id, at, action, participant_id, raw_id, is_muted) VALUES (?, ?, ?, ?, ?, ?) RETURNING seq',
        [callId, at, action, p.participantId, p.rawId, p.isMuted ? 1 : 0],
      );
      if (row && onRecorded) await onRecorded(callId, Number(row.seq), at, action, p);
    },
  };
}

export type RosterRepo = ReturnType<typeof rosterRepo>;
