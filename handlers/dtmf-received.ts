import { toWorkflow } from './leg';

export const onDtmfReceived = toWorkflow<'Microsoft.Communication.DtmfReceived'>('onDtmf');
