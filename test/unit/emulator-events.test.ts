import { callStateEvent, dtmfEvent, inviteResultEvent, participantsUpdatedEvent, PLAY_CANCELLED, PLAY_COMPLETED, playAudioResultEvent } from '../../src/emulator/preview/events';
import { assertSeedShaped } from '../helpers/emulator-events';

const LEG = '531f3600-481f-41c8-8a75-3e8b2e8e6200';
const TIME = '2021-05-05T20:08:39.0157964Z';

describe('event builders', () => {
  it('match the seed samples field for field', () => {
    expect(callStateEvent(LEG, null, 'Establishing', TIME)).toEqual({
      id: null,
      topic: null,
      subject: `callLeg/${LEG}/callState`,
      data: { ConversationId: null, CallLegId: LEG, CallState: 'Establishing' },
      eventType: 'Microsoft.Communication.CallLegStateChanged',
      eventTime: TIME,
      metadataVersion: null,
      dataVersion: null,
    });
    expect(playAudioResultEvent(LEG, 'd8aeabf7', PLAY_CANCELLED, TIME).data).toEqual({
      ResultInfo: { Code: 400, Subcode: 8508, Message: 'Action falied, the operation was cancelled.' },
      OperationContext: 'd8aeabf7',
      Status: 'Completed',
      CallLegId: LEG,
    });
    expect(inviteResultEvent(LEG, 'ctx', { status: 'Completed', resultInfo: null }, ['8:acs:u1'], TIME).data).toEqual({
      ResultInfo: null,
      OperationContext: 'ctx',
      Status: 'Completed',
      CallLegId: LEG,
      Participants: [{ RawId: '8:acs:u1', CommunicationUser: { Id: '8:acs:u1' }, PhoneNumber: null, MicrosoftTeamsUser: null }],
    });
  });

  it('all pass callhook’s own schemas', () => {
    assertSeedShaped([
      callStateEvent(LEG, 'conv', 'Terminated', TIME),
      dtmfEvent(LEG, 1, 'Tone1', TIME),
      playAudioResultEvent(LEG, null, PLAY_COMPLETED, TIME),
      inviteResultEvent(LEG, null, { status: 'Failed', resultInfo: { Code: 603, Subcode: 0, Message: 'declined' } }, ['4:+14255550123', '8:orgid:abc'], TIME),
      participantsUpdatedEvent(LEG, [{ participantId: 'p1', rawId: '+14255550123', isMuted: true }], TIME),
    ]);
  });
});
