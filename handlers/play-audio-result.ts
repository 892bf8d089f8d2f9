import { toWorkflow } from './leg';

export const onPlayAudioResult = toWorkflow<'Microsoft.Communication.PlayAudioResult'>('onPlayAudioResult');
