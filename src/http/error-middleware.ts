import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError, NotFoundError, ServiceUnavailableError } from '../errors';
import { isDatabaseFault } from '../store/db-errors';

/** How long a client should wait before retrying while the database is away or full. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

/** body-parser and http-errors report problems as `type` plus `status`; these are the ones a client can cause. */
const BODY_ERRORS: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'invalid_json', 'body is not valid JSON'],
  'entity.too.large': [413, 'payload_too_large', 'body is larger than the limit'],
  'entity.verify.failed': [400, 'invalid_body', 'body was rejected'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'Content-Encoding is not supported'],
  'charset.unsupported': [415, 'unsupported_charset', 'charset must be utf-8'],
  'request.aborted': [400, 'request_aborted', 'request was aborted'],
  'request.size.invalid': [400, 'invalid_length', 'body length does not match Content-Length'],
  'stream.encoding.set': [500, 'internal_error', 'internal error'],
};

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  // The router could not percent-decode a path parameter (`%`, `%C3%28`): the client's URL, not our failure.
  if (err instanceof URIError && (err as { status?: number }).status === 400) {
    return new AppError('invalid_path', 'the URL path is not valid percent-encoded UTF-8', 400);
  }
  if (isDatabaseFault(err)) {
    return new ServiceUnavailableError('the database is unavailable; retry later', DATABASE_RETRY_AFTER_SECONDS, 'database_unavailable');
  }
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string } | undefined;
  if (e?.type && BODY_ERRORS[e.type]) {
    const [status, code, message] = BODY_ERRORS[e.type];
    return new AppError(code, message, status);
  }
  if (e?.expose && typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AppError('bad_request', e.message ?? 'bad request', e.status);
  }
  return new AppError('internal_error', 'internal error', 500);
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`, 'route_not_found'));
};

/** The one place errors become HTTP answers: `{ error: { code, message, details } }`. */
export const errorMiddleware: ErrorRequestHandler = (err, req, res, _next) => {
  // The verify hook's own errors arrive wrapped by body-parser; unwrap them.
  const cause = err instanceof AppError ? err : ((err as { cause?: unknown })?.cause instanceof AppError ? (err as { cause: AppError }).cause : err);
  const appError = toAppError(cause);
  if (appError.status >= 500) req.log?.error({ err }, 'request failed');
  else req.log?.info({ code: appError.code, status: appError.status }, appError.message);
  // A streamed answer failed half-way: cut the connection so the client sees a truncated body, not a complete-looking one.
  if (res.headersSent) {
    res.destroy();
    return;
  }
  // Answered before the body was read (a 401 ahead of a slow upload, a 413): Node would otherwise read and
  // discard the rest to keep the connection, for as long as the client takes to send it.
  if (!req.complete) res.set('Connection', 'close');
  if (appError instanceof ServiceUnavailableError) res.set('Retry-After', String(appError.retryAfterSeconds));
  res.status(appError.status).json({
    error: { code: appError.code, message: appError.message, details: appError.details ?? null },
  });
};
