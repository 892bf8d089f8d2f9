import type { RequestHandler } from 'express';
import { verifyBearer } from '../auth/api-key';
import { AuthError } from '../errors';

export function bearerAuth(keys: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (verifyBearer(keys, req.headers.authorization)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="callhook"');
    next(new AuthError('missing or wrong API key: send Authorization: Bearer <API_KEY>', 'invalid_api_key'));
  };
}
