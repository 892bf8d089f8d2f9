import type { HandlerContext } from '../dispatch/context';
import type {
  CallStateEvent,
  KeyPressedEvent,
  ParticipantAddedEvent,
  ParticipantFailedEvent,
  ParticipantPendingEvent,
  PlaybackCancelledEvent,
  PlaybackFailedEvent,
  PlaybackFinishedEvent,
  PlaybackStartedEvent,
  RosterEvent,
  TimerEvent,
} from '../events/domain';

export type PlaybackEvent = PlaybackStartedEvent | PlaybackFinishedEvent | PlaybackFailedEvent | PlaybackCancelledEvent;
export type ParticipantResultEvent = ParticipantPendingEvent | ParticipantAddedEvent | ParticipantFailedEvent;

/**
 * A workflow reacts to its call's domain events, whichever API generation
 * delivered them. The handlers in handlers/ do what every call needs (state,
 * leg binding) and then hand over to the call's workflow. Each method may be
 * re-run after a crash and must tolerate events that are duplicated, late,
 * out of order, or about operations it did not start.
 */
export interface Workflow {
  onStateChanged?(event: CallStateEvent, ctx: HandlerContext): Promise<void>;
  onKeyPressed?(event: KeyPressedEvent, ctx: HandlerContext): Promise<void>;
  onPlayback?(event: PlaybackEvent, ctx: HandlerContext): Promise<void>;
  onParticipantResult?(event: ParticipantResultEvent, ctx: HandlerContext): Promise<void>;
  onRoster?(event: RosterEvent, ctx: HandlerContext): Promise<void>;
  onTimer?(timer: TimerEvent, ctx: HandlerContext): Promise<void>;
}
