/**
 * The events workflows understand, whatever API generation delivered them.
 * Each generation's adapter (events/preview/, events/ga/) translates its wire
 * events into these at the edge; handlers, dispatch and workflows see only
 * these. `raw` keeps the wire event beside the domain value, for the timeline
 * and for anyone who needs a detail the vocabulary does not carry.
 */
export const DOMAIN_EVENT_KINDS = [
  'call-state',
  'key-pressed',
  'playback-started',
  'playback-finished',
  'playback-failed',
  'playback-cancelled',
  'participant-pending',
  'participant-added',
  'participant-failed',
  'roster',
  'timer',
] as const;

export type DomainEventKind = (typeof DOMAIN_EVENT_KINDS)[number];

/** A leg's life as both generations describe it (seed: Establishing…Terminated; GA: CallConnected/CallDisconnected). */
export const LEG_STATES = ['connecting', 'connected', 'disconnecting', 'disconnected'] as const;
export type LegState = (typeof LEG_STATES)[number];

export interface OperationResult {
  code: number;
  subCode: number;
  message: string | null;
}

export interface RosterEntry {
  participantId: string;
  rawId: string;
  isMuted: boolean;
}

interface Base<K extends DomainEventKind> {
  kind: K;
  /** The leg (seed CallLegId, GA callConnectionId) the event is about; null for our own timers. */
  legId: string | null;
  /** The wire event exactly as received. */
  raw: unknown;
}

export interface CallStateEvent extends Base<'call-state'> {
  legId: string;
  state: LegState;
  conversationId: string | null;
}

export interface KeyPressedEvent extends Base<'key-pressed'> {
  legId: string;
  /** As key maps name it: "0"…"9", "*", "#", "A"…"D". */
  key: string;
  sequenceId: number | null;
}

interface OperationEvent<K extends DomainEventKind> extends Base<K> {
  legId: string;
  operationContext: string | null;
  result: OperationResult | null;
}

export type PlaybackStartedEvent = OperationEvent<'playback-started'>;
export type PlaybackFinishedEvent = OperationEvent<'playback-finished'>;
export type PlaybackFailedEvent = OperationEvent<'playback-failed'>;
export type PlaybackCancelledEvent = OperationEvent<'playback-cancelled'>;
export type ParticipantPendingEvent = OperationEvent<'participant-pending'>;
export type ParticipantAddedEvent = OperationEvent<'participant-added'>;
export type ParticipantFailedEvent = OperationEvent<'participant-failed'>;

export interface RosterEvent extends Base<'roster'> {
  legId: string;
  participants: RosterEntry[];
  /** The instant the snapshot describes (ms plus 100 ns ticks, see event-time.ts). */
  at: { ms: number; tick: number };
  /** GA's ParticipantsUpdated sequenceNumber; the seed has none and orders by `at`. */
  sequenceNumber: number | null;
}

export interface TimerEvent extends Base<'timer'> {
  legId: null;
  timerId: string;
  timerKind: string;
  dueAt: number;
  payload: unknown;
}

export type DomainEvent =
  | CallStateEvent
  | KeyPressedEvent
  | PlaybackStartedEvent
  | PlaybackFinishedEvent
  | PlaybackFailedEvent
  | PlaybackCancelledEvent
  | ParticipantPendingEvent
  | ParticipantAddedEvent
  | ParticipantFailedEvent
  | RosterEvent
  | TimerEvent;

export type DomainEventOf<K extends DomainEventKind> = Extract<DomainEvent, { kind: K }>;

// The compiler holds the list and the union together: a kind without an event type fails here.
type Covered = { [K in DomainEventKind]: DomainEventOf<K> };
export type _AllKindsCovered = Covered;
