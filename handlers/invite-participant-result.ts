import { toWorkflow } from './leg';

export const onInviteParticipantResult = toWorkflow<'Microsoft.Communication.InviteParticipantResult'>('onInviteResult');
