import express, { type Request, type RequestHandler, type Router } from 'express';
import type { Operation } from '../client/types';
import type { Logger } from '../logger';
import { requireApiVersion } from './api-version';
import type { EmulatorContext } from './context';
import type { DeliverySettings } from './faults';
import { logRequests } from './log-requests';
import type { OperationHandler } from './operations';
import { operationHandlers } from './operations';
import { rawBodyOf } from './raw-body';
import { RESULT_HEADER, type RepeatabilityStore } from './repeatability';
import { replyOfError, sendReply, type Reply } from './reply';
import type { RequestLog } from './request-log';
import { verifySignature } from './signature';

export interface CallingRouterDeps {
  ctx: EmulatorContext;
  accessKey: string;
  repeatability: RepeatabilityStore;
  requestLog: RequestLog;
  settings: () => DeliverySettings;
  /** Aborted by close(), so a delayed answer does not hold shutdown. */
  closing: AbortSignal;
}

const BODY_LIMIT = '1mb';

/** The seed's REST surface under /calling. Paths keep the seed's casing; Express matches them case-insensitively. */
export function createCallingRouter(deps: CallingRouterDeps): Router {
  const { ctx } = deps;
  const handlers = operationHandlers(ctx);
  const router = express.Router();
  router.use(logRequests(ctx.clock, deps.requestLog, ctx.legs));
  router.use(express.raw({ type: () => true, limit: BODY_LIMIT }));

  // api-version first: it is part of addressing the API, and a request
  // without one is malformed whoever sent it.
  const route = (method: 'post' | 'delete', path: string, operation: Operation) =>
    router[method](path, describe(operation), requireApiVersion, verifySignature(deps.accessKey, ctx.clock), serve(deps, handlers[operation]));

  route('post', '/calls', 'createCall');
  route('post', '/calls/:callLegId/Hangup', 'hangUp');
  route('post', '/calls/:callLegId/PlayAudio', 'playAudio');
  route('post', '/calls/:callLegId/CancelMediaProcessing', 'cancelMediaProcessing');
  route('post', '/calls/:callLegId/participants', 'inviteParticipant');
  route('delete', '/calls/:callLegId/participants/:participantId', 'removeParticipant');
  route('post', '/conversations/:conversationId/join', 'joinConversation');
  route('post', '/conversations/:conversationId/participants', 'inviteConversationParticipants');
  route('delete', '/conversations/:conversationId/participants/:participantId', 'removeConversationParticipant');

  router.use((req, res) =>
    sendReply(res, { status: 404, body: { code: 'NotFound', message: `no operation ${req.method} ${req.baseUrl}${req.path}` } }),
  );
  router.use(errorReplies(ctx.logger));
  return router;
}

function describe(operation: Operation): RequestHandler {
  return (req, res, next) => {
    res.locals.operation = operation;
    if (req.params.callLegId) res.locals.callLegId = req.params.callLegId;
    if (req.params.conversationId) res.locals.conversationId = req.params.conversationId;
    next();
  };
}

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
