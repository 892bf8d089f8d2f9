import type { CallState } from '../events/types';
import type { DeliveryRecord } from './delivery/records';
import type { GaLegState } from './ga/state';
import type { RequestLogEntry } from './request-log';
import type { RingBuffer } from './ring-buffer';
import type { Cancel, TimerGroup } from './timers';

export type CallEventName = 'participantsUpdated' | 'dtmfReceived';

export interface Playback {
  operationId: string;
  audioFileUri: string;
  loop: boolean;
  operationContext: string | null;
  /** Clock ms; null while queued behind another playback. */
  startedAt: number | null;
  stop: Cancel | null;
}

/** One call leg: an outbound call we placed, or our presence in a joined conversation. */
export interface Leg {
  id: string;
  kind: 'call' | 'join';
  source: string;
  /** Raw ids of the targets of an outbound call; empty for a join. */
  targets: string[];
  callbackUri: string;
  subject: string | null;
  requestedModalities: string[];
  requestedCallEvents: ReadonlySet<CallEventName>;
  state: CallState;
  /** Assigned at creation; events show it only from Established on. */
  conversationId: string;
  createdAt: number;
  establishedAt: number | null;
  endedAt: number | null;
  endReason: string | null;
  timers: TimerGroup;
  media: { current: Playback | null; queue: Playback[] };
  dtmfSequence: number;
  /** The silent callee's hang-up, pending until they press a key or an agent takes over. */
  silentHangUp: Cancel | null;
  /** The roster entry this leg's own source got when it joined a conversation. */
  ownParticipantId: string | null;
  requests: RingBuffer<RequestLogEntry>;
  events: RingBuffer<DeliveryRecord>;
  /** Set for a call created through the GA API: its callbacks are CloudEvents. The leg id is its callConnectionId. */
  ga: GaLegState | null;
}

export interface Participant {
  participantId: string;
  rawId: string;
  isMuted: boolean;
}

/**
 * Every leg lives in a conversation. An outbound call owns the one it
 * creates (it ends with the call); a joined conversation (a group call or
 * meeting) outlives the legs that join it.
 */
export interface Conversation {
  id: string;
  ownerLegId: string | null;
  /** Insertion order is join order, which is the roster order events show. */
  participants: Map<string, Participant>;
  legIds: Set<string>;
  timers: TimerGroup;
  createdAt: number;
}
