import express, { type Request, type RequestHandler } from 'express';
import type { Logger } from '../logger';
import type { EmulatorContext } from './context';
import type { DeliverySettings } from './faults';
import { rawBodyOf } from './raw-body';
import { RESULT_HEADER, type RepeatabilityStore } from './repeatability';
import { replyOfError, sendReply, type Reply } from './reply';
import type { RequestLog } from './request-log';

/** What both generations' REST routers need. */
export interface CallingRouterDeps {
  ctx: EmulatorContext;
  accessKey: string;
  repeatability: RepeatabilityStore;
  requestLog: RequestLog;
  settings: () => DeliverySettings;
  /** Aborted by close(), so a delayed answer does not hold shutdown. */
  closing: AbortSignal;
}

export type OperationHandler = (req: Request) => Reply;

/**
 * Runs one operation with repeatability around it, then answers, after the
 * response-delay fault if one is set. The operation is applied and its answer
 * remembered before the delay, which is what a client that times out and
 * retries (or crashes and restarts) meets at the real service.
 */
export function serve(
  deps: Omit<CallingRouterDeps, 'accessKey' | 'requestLog'>,
  handler: OperationHandler,
  errorReply: (err: unknown, logger: Logger) => Reply = replyOfError,
): RequestHandler {
  return async (req, res) => {
    const now = deps.ctx.clock.now();
    const decision = deps.repeatability.check({
      requestId: header(req, 'repeatability-request-id'),
      firstSent: header(req, 'repeatability-first-sent'),
      method: req.method,
      path: req.originalUrl.split('?')[0],
      body: rawBodyOf(req),
      now,
    });
    let reply: Reply;
    if (decision.kind === 'replay' || decision.kind === 'reject') {
      reply = decision.reply;
    } else {
      try {
        reply = handler(req);
      } catch (err) {
        reply = errorReply(err, deps.ctx.logger);
      }
      if (decision.kind === 'new') {
        reply = { ...reply, headers: { ...reply.headers, [RESULT_HEADER]: 'accepted' } };
        deps.repeatability.remember(decision, reply, now);
      }
    }
    const body = reply.body as { callLegId?: unknown; callConnectionId?: unknown } | undefined;
    if (typeof body?.callLegId === 'string') res.locals.callLegId = body.callLegId;
    if (typeof body?.callConnectionId === 'string') res.locals.callLegId = body.callConnectionId;
    res.locals.reply = reply;

    const delay = deps.settings().restResponseDelayMs;
    if (delay > 0) await deps.ctx.timers.sleepReal(delay, deps.closing).catch(() => undefined);
    sendReply(res, reply);
  };
}

export function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

export function errorReplies(logger: Logger): express.ErrorRequestHandler {
  return (err, _req, res, _next) => sendReply(res, replyOfError(err, logger));
}
