import type { Response } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';

/**
 * A REST answer as a value: repeatability stores and replays it, and the
 * response-delay fault holds it, so handlers return one instead of writing
 * to `res` themselves.
 */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export function sendReply(res: Response, reply: Reply): void {
  if (res.headersSent) return;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  res.status(reply.status);
  // The seed's 202s carry `Content-Type: application/json` and no body.
  if (reply.body === undefined) res.type('application/json').end();
  else res.json(reply.body);
}

/** Anything thrown becomes a reply; only our own errors reach the client with detail. */
export function replyOfError(err: unknown, logger: Logger): Reply {
  if (err instanceof AppError) return { status: err.status, body: { code: err.code, message: err.message } };
  const parserError = bodyParserReply(err);
  if (parserError) return parserError;
  logger.error({ err }, 'emulator request failed');
  return { status: 500, body: { code: 'InternalError', message: 'the emulator failed to handle the request' } };
}

/** body-parser's errors carry `type` and `status`; map the ones a client can cause. */
function bodyParserReply(err: unknown): Reply | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { type?: unknown; status?: unknown };
  if (e.type === 'entity.too.large') return { status: 413, body: { code: 'RequestTooLarge', message: 'the request body is over the limit' } };
  if (e.type === 'entity.parse.failed') return { status: 400, body: { code: 'InvalidJson', message: 'the request body is not valid JSON' } };
  if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return { status: e.status, body: { code: 'BadRequest', message: 'the request body could not be read' } };
  }
  return undefined;
}
