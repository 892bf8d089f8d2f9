import type { HandlerContext } from '../src/dispatch/context';
import { HandlerRegistry } from '../src/dispatch/registry';
import { TIMER_EVENT_TYPE } from '../src/store/timers';
import { onCallLegStateChanged } from './call-leg-state-changed';
import { onDtmfReceived } from './dtmf-received';
import { onInviteParticipantResult } from './invite-participant-result';
import { onParticipantsUpdated } from './participants-updated';
import { onPlayAudioResult } from './play-audio-result';
import { onTimerFired } from './timer-fired';

export function createHandlerRegistry(): HandlerRegistry<HandlerContext> {
  return new HandlerRegistry<HandlerContext>()
    .on('Microsoft.Communication.CallLegStateChanged', onCallLegStateChanged)
    .on('Microsoft.Communication.DtmfReceived', onDtmfReceived)
    .on('Microsoft.Communication.PlayAudioResult', onPlayAudioResult)
    .on('Microsoft.Communication.InviteParticipantResult', onInviteParticipantResult)
    .on('Microsoft.Communication.ParticipantsUpdated', onParticipantsUpdated)
    .on(TIMER_EVENT_TYPE, onTimerFired)
    .freeze();
}
