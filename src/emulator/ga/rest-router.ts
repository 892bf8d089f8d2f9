import express, { type RequestHandler, type Router } from 'express';
import { logRequests } from '../log-requests';
import { serve, type CallingRouterDeps } from '../serve';
import { sendReply } from '../reply';
import { verifySignature } from '../signature';
import { requireGaApiVersion } from './api-version';
import { gaReplyOfError } from './errors';
import { gaOperationHandlers, type GaOperation } from './operations';

const BODY_LIMIT = '1mb';
const ID = '([^/:]+)';

/**
 * The GA REST surface under /calling/callConnections, beside the seed's
 * /calling/calls on the same port. The spec's paths put actions after a
 * colon (`/callConnections/{id}:play`), which Express path strings read as
 * parameters, hence the regular expressions.
 */
export function createGaCallingRouter(deps: CallingRouterDeps): Router {
  const { ctx } = deps;
  const handlers = gaOperationHandlers(ctx);
  const router = express.Router();
  const log = logRequests(ctx.clock, deps.requestLog, ctx.legs);
  const raw = express.raw({ type: () => true, limit: BODY_LIMIT });

  const route = (method: 'get' | 'post' | 'delete', path: RegExp, operation: GaOperation) =>
    router[method](path, describe(operation), log, raw, requireGaApiVersion, verifySignature(deps.accessKey, ctx.clock), serve(deps, handlers[operation], gaReplyOfError));

  route('post', /^\/callConnections$/, 'createCall');
  route('post', /^\/callConnections:connect$/, 'connect');
  route('get', new RegExp(`^/callConnections/${ID}$`), 'getCall');
  route('delete', new RegExp(`^/callConnections/${ID}$`), 'hangUp');
  route('post', new RegExp(`^/callConnections/${ID}:terminate$`), 'terminate');
  route('post', new RegExp(`^/callConnections/${ID}:play$`), 'play');
  route('post', new RegExp(`^/callConnections/${ID}:cancelAllMediaOperations$`), 'cancelAllMediaOperations');
  route('post', new RegExp(`^/callConnections/${ID}:recognize$`), 'recognize');
  route('post', new RegExp(`^/callConnections/${ID}:startContinuousDtmfRecognition$`), 'startContinuousDtmfRecognition');
  route('post', new RegExp(`^/callConnections/${ID}:stopContinuousDtmfRecognition$`), 'stopContinuousDtmfRecognition');
  route('post', new RegExp(`^/callConnections/${ID}/participants:add$`), 'addParticipant');
  route('post', new RegExp(`^/callConnections/${ID}/participants:remove$`), 'removeParticipant');
  route('get', new RegExp(`^/callConnections/${ID}/participants$`), 'listParticipants');
  route('get', new RegExp(`^/callConnections/${ID}/participants/(.+)$`), 'getParticipant');

  router.use(/^\/callConnections/, log, (req, res) =>
    sendReply(res, { status: 404, body: { error: { code: 'NotFound', message: `no operation ${req.method} ${req.baseUrl}${req.path}` } } }),
  );
  router.use(((err, _req, res, _next) => sendReply(res, gaReplyOfError(err, ctx.logger))) as express.ErrorRequestHandler);
  return router;
}

function describe(operation: GaOperation): RequestHandler {
  return (req, res, next) => {
    res.locals.operation = operation;
    if (req.params[0] && operation !== 'createCall' && operation !== 'connect') res.locals.callLegId = req.params[0];
    next();
  };
}
