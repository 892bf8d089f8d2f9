import type { RequestHandler } from 'express';
import type { Clock } from '../clock';
import type { LegRegistry } from './legs';
import { RESULT_HEADER } from './repeatability';
import type { RequestLog, RequestLogEntry } from './request-log';

/**
 * Records every request, answered or refused, in the global log and in its
 * leg's log. Route handlers leave the operation and ids in res.locals.
 */
export function logRequests(clock: Clock, log: RequestLog, legs: LegRegistry): RequestHandler {
  return (req, res, next) => {
    const at = clock.now();
    res.on('finish', () => {
      const locals = res.locals as { operation?: string; callLegId?: string; conversationId?: string };
      const entry: RequestLogEntry = {
        at,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        operation: locals.operation ?? 'unknown',
        status: res.statusCode,
      };
      if (locals.callLegId) entry.callLegId = locals.callLegId;
      if (locals.conversationId) entry.conversationId = locals.conversationId;
      const requestId = req.headers['repeatability-request-id'];
      if (typeof requestId === 'string') entry.repeatabilityRequestId = requestId.slice(0, 128);
      const result = res.getHeader(RESULT_HEADER);
      if (typeof result === 'string') entry.repeatabilityResult = result;
      log.add(entry);
      if (entry.callLegId) legs.get(entry.callLegId)?.requests.push(entry);
    });
    next();
  };
}
