import { Router } from 'express';
import { verifyCallbackToken } from '../src/auth/callback-token';
import { AuthError } from '../src/errors';
import { parseCallbackBody } from '../src/events/parse';
import type { Ingest } from '../src/dispatch/ingest';
import { jsonBody, JsonLimits } from '../src/http/json-body';

/**
 * `POST /api/callbacks/:callId?token=T`: authenticate, validate, commit to the
 * inbox, then answer. Handling happens later, from the inbox.
 */
export function callbacksRouter(deps: { callbackSecrets: readonly string[]; limits: JsonLimits; ingest: Ingest }): Router {
  const router = Router();
  router.post(
    '/:callId',
    (req, _res, next) => {
      const ok = verifyCallbackToken(deps.callbackSecrets, String(req.params.callId), req.query.token);
      next(ok ? undefined : new AuthError('missing or wrong callback token', 'invalid_callback_token'));
    },
    ...jsonBody(deps.limits),
    async (req, res) => {
      const events = parseCallbackBody(req.body);
      const result = await deps.ingest(String(req.params.callId), events);
      res.status(200).json(result);
    },
  );
  return router;
}
