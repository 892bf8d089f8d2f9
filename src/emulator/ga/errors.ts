import type { Logger } from '../../logger';
import { EmulatorError } from '../errors';
import { replyOfError, type Reply } from '../reply';

/** The GA spec's CommunicationErrorResponse: the seed's `{code, message}` inside `error`. */
export function gaReplyOfError(err: unknown, logger: Logger): Reply {
  const reply = replyOfError(err, logger);
  return { ...reply, body: { error: reply.body } };
}

export const callConnectionNotFound = (id: string) => new EmulatorError(404, 'NotFound', `call connection ${id} does not exist or has ended`);
export const callNotConnected = (id: string, state: string) =>
  new EmulatorError(400, 'BadRequest', `call connection ${id} is ${state}; this action needs a connected call (subCode 8501)`);
