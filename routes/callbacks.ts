import { Router } from 'express';
import { verifyCallbackToken } from '../src/auth/callback-token';
import { checkGaCallback, GaCallbackAuth } from '../src/auth/ga-callback-auth';
import { JwksUnavailableError } from '../src/auth/jwks-cache';
import { AuthError } from '../src/errors';
import { parseCallbackBody } from '../src/events/parse';
import type { Ingest } from '../src/dispatch/ingest';
import { jsonBody, JsonLimits } from '../src/http/json-body';

/**
 * `POST /api/callbacks/:callId?token=T`: authenticate, validate, commit to the
 * inbox, then answer. Handling happens later, from the inbox. A body with GA
 * (CloudEvents) events must also carry the service's JWT; seed bodies have
 * only the token, as the seed API had nothing else.
 */
export function callbacksRouter(deps: { callbackSecrets: readonly string[]; limits: JsonLimits; ingest: Ingest; gaAuth: GaCallbackAuth }): Router {
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
      if (events.some((e) => e.generation === 'ga')) {
        try {
          await checkGaCallback(deps.gaAuth, req.headers.authorization);
        } catch (err) {
          if (err instanceof JwksUnavailableError) res.set('Retry-After', String(err.retryAfterSeconds));
          throw err;
        }
      }
      const result = await deps.ingest(String(req.params.callId), events);
      res.status(200).json(result);
    },
  );
  return router;
}
