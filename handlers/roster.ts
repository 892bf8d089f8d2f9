import { toWorkflow } from './leg';

export const onRoster = toWorkflow('onRoster');
