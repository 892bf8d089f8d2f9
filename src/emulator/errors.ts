import { AppError } from '../errors';

/**
 * Errors the emulator answers with. Codes are PascalCase like the service's
 * own; every body is `{ code, message }` as the seed shows.
 */
export class EmulatorError extends AppError {
  constructor(status: number, code: string, message: string) {
    super(code, message, status);
  }
}

export const badRequest = (code: string, message: string) => new EmulatorError(400, code, message);
export const notFound = (code: string, message: string) => new EmulatorError(404, code, message);

export const callLegNotFound = (id: string) => notFound('CallLegNotFound', `call leg ${id} does not exist`);
export const conversationNotFound = (id: string) => notFound('ConversationNotFound', `conversation ${id} does not exist`);
export const participantNotFound = (id: string) =>
  notFound('ParticipantNotFound', `participant ${id} is not in the conversation (use a ParticipantId or a raw id)`);
/** Like the service, a leg that is over answers 404: the call it named no longer exists. */
export const callLegEnded = (id: string) => notFound('CallLegEnded', `call leg ${id} has ended`);
export const notEstablished = (id: string, state: string) =>
  badRequest('CallLegNotEstablished', `call leg ${id} is ${state}; this operation needs an Established call`);
