import { toWorkflow } from './leg';

/** Pending, added or failed: the result of inviting a participant. */
export const onParticipantResult = toWorkflow('onParticipantResult');
