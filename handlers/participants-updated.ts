import { toWorkflow } from './leg';

export const onParticipantsUpdated = toWorkflow<'Microsoft.Communication.ParticipantsUpdated'>('onParticipantsUpdated');
