import type { RequestHandler } from 'express';
import type { Clock } from '../clock';
import { verifyRequest, type VerifyFailure } from '../client/signing';
import { EmulatorError } from './errors';
import { rawBodyOf } from './raw-body';

const REQUIRED = ['x-ms-date', 'x-ms-content-sha256', 'host', 'authorization'] as const;

const FAILURES: Record<Exclude<VerifyFailure, 'missing_headers'>, [string, string]> = {
  malformed_authorization: [
    'InvalidAuthorizationHeader',
    'Authorization must be "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<base64>"',
  ],
  stale_date: ['StaleRequestDate', 'x-ms-date is not an HTTP date within 15 minutes of the service time'],
  content_hash_mismatch: ['ContentHashMismatch', 'x-ms-content-sha256 is not the base64 SHA-256 of the request body'],
  signature_mismatch: [
    'InvalidSignature',
    'the HMAC signature does not match: check the access key, and that method, path with query, x-ms-date, host and content hash are signed as sent',
  ],
};

/**
 * Verifies the ACS HMAC signature over the raw body bytes, with the one
 * implementation callhook's client signs with. The date tolerance reads the
 * injected clock, so a test clock moves it too.
 */
export function verifySignature(accessKey: string, clock: Clock): RequestHandler {
  return (req, _res, next) => {
    const failure = verifyRequest({
      method: req.method,
      pathAndQuery: req.originalUrl,
      headers: req.headers,
      body: rawBodyOf(req),
      accessKey,
      now: clock.now(),
    });
    if (failure === null) return next();
    if (failure === 'missing_headers') {
      const missing = REQUIRED.filter((h) => !req.headers[h]);
      return next(new EmulatorError(401, 'MissingAuthenticationHeaders', `missing header(s): ${missing.join(', ')}`));
    }
    const [code, message] = FAILURES[failure];
    next(new EmulatorError(401, code, message));
  };
}
