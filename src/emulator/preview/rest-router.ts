import express, { type RequestHandler, type Router } from 'express';
import type { SeedOperation } from '../../client/types';
import { requireApiVersion } from './api-version';
import { logRequests } from '../log-requests';
import { operationHandlers } from './operations';
import { sendReply } from '../reply';
import { verifySignature } from '../signature';
import { errorReplies, serve, type CallingRouterDeps } from '../serve';

export type { CallingRouterDeps } from '../serve';


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
  const route = (method: 'post' | 'delete', path: string, operation: SeedOperation) =>
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

function describe(operation: SeedOperation): RequestHandler {
  return (req, res, next) => {
    res.locals.operation = operation;
    if (req.params.callLegId) res.locals.callLegId = req.params.callLegId;
    if (req.params.conversationId) res.locals.conversationId = req.params.conversationId;
    next();
  };
}

