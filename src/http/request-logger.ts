import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';
import { redactUrl } from '../logger';

declare module 'http' {
  interface IncomingMessage {
    /** This request's id: the caller's X-Request-Id when sane, else a new one; echoed back. */
    id: string;
    /** A logger bound to this request (made on first use). */
    log: Logger;
  }
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * One request id per request (the caller's X-Request-Id when sane), on every
 * log line and echoed back, and one line per answer: debug for 2xx/3xx, info
 * for 4xx, error for 5xx, failures and aborted requests at their level too.
 *
 * Written out rather than taken from pino-http: that made a child logger per
 * request, with the request serialised and redacted, even for answers logged
 * at debug and so never written (10% of a callback's CPU in the ingest
 * benchmark). Here the child is made only when a line is written or
 * `req.log` is used; the lines are the ones pino-http wrote.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    req.id = id;
    const startedAt = Date.now();
    let log: Logger | undefined;
    const requestLog = () => (log ??= logger.child({ req: { id, method: req.method, url: redactUrl(req.originalUrl ?? req.url ?? '') } }));
    Object.defineProperty(req, 'log', { get: requestLog, set: (value: Logger) => void (log = value), configurable: true, enumerable: false });

    let done = false;
    const onDone = (err?: unknown) => {
      if (done) return;
      done = true;
      res.off('finish', onDone);
      res.off('close', onDone);
      res.off('error', onDone);
      const failed = err !== undefined || res.statusCode >= 500;
      const level = failed ? 'error' : res.statusCode >= 400 ? 'info' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      const answer = { statusCode: res.statusCode };
      const responseTime = Date.now() - startedAt;
      if (failed) {
        requestLog()[level]({ res: answer, err: err ?? new Error(`failed with status code ${res.statusCode}`), responseTime }, 'request errored');
      } else {
        requestLog()[level]({ res: answer, responseTime }, res.writableEnded ? 'request completed' : 'request aborted');
      }
    };
    res.on('finish', onDone);
    res.on('close', onDone);
    res.on('error', onDone);
    next();
  };
}
