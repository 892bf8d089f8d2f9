import { toWorkflow } from './leg';

export const onKeyPressed = toWorkflow('onKeyPressed');
