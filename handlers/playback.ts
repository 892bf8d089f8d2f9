import { toWorkflow } from './leg';

/** Started, finished, failed or cancelled: the workflow tells them apart by kind. */
export const onPlayback = toWorkflow('onPlayback');
