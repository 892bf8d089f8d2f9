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
    let logged = false;
    // 'finish' when the answer went out; 'close' alone when the client gave up
    // first (a timeout, a crash), which is exactly when a test wants to see it.
    const record = () => {
      if (logged) return;
      logged = true;
      const locals = res.locals as { operation?: string; callLegId?: string; conversationId?: string; reply?: { status: number } };
      const answered = res.writableFinished;
      const entry: RequestLogEntry = {
        at,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        operation: locals.operation ?? 'unknown',
        status: answered ? res.statusCode : (locals.reply?.status ?? 0),
      };
      if (!answered) entry.clientGone = true;
      if (locals.callLegId) entry.callLegId = locals.callLegId;
      if (locals.conversationId) entry.conversationId = locals.conversationId;
      const requestId = req.headers['repeatability-request-id'];
      if (typeof requestId === 'string') entry.repeatabilityRequestId = requestId.slice(0, 128);
      const result = res.getHeader(RESULT_HEADER) ?? (locals.reply as { headers?: Record<string, string> } | undefined)?.headers?.[RESULT_HEADER];
      if (typeof result === 'string') entry.repeatabilityResult = result;
      log.add(entry);
      if (entry.callLegId) legs.get(entry.callLegId)?.requests.push(entry);
    };
    res.on('finish', record);
    res.on('close', record);
    next();
  };
}
