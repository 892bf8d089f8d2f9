import type { HandlerContext } from '../dispatch/context';
import type { CallEventOf } from '../events/schemas';
import type { TimerBody } from '../store/timers';

/**
 * A workflow reacts to its call's events. The handlers in handlers/ do what
 * every call needs (state, leg binding) and then hand over to the call's
 * workflow. Each method may be re-run after a crash and must tolerate events
 * that are duplicated, late, out of order, or about operations it did not start.
 */
export interface Workflow {
  onStateChanged?(event: CallEventOf<'Microsoft.Communication.CallLegStateChanged'>, ctx: HandlerContext): Promise<void>;
  onDtmf?(event: CallEventOf<'Microsoft.Communication.DtmfReceived'>, ctx: HandlerContext): Promise<void>;
  onPlayAudioResult?(event: CallEventOf<'Microsoft.Communication.PlayAudioResult'>, ctx: HandlerContext): Promise<void>;
  onInviteResult?(event: CallEventOf<'Microsoft.Communication.InviteParticipantResult'>, ctx: HandlerContext): Promise<void>;
  onParticipantsUpdated?(event: CallEventOf<'Microsoft.Communication.ParticipantsUpdated'>, ctx: HandlerContext): Promise<void>;
  onTimer?(timer: TimerBody, ctx: HandlerContext): Promise<void>;
}
