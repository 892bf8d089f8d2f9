import type { RequestHandler } from 'express';
import type { Clock } from '../clock';
import type { LegRegistry } from './legs';
import { rawBodyOf } from './raw-body';
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
        query: queryOf(req.originalUrl),
        operation: locals.operation ?? 'unknown',
        status: answered ? res.statusCode : (locals.reply?.status ?? 0),
      };
      const body = bodyOf(rawBodyOf(req));
      if (body !== undefined) entry.body = body;
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

const BODY_KEPT = 16 * 1024;

function queryOf(url: string): Record<string, string> {
  const at = url.indexOf('?');
  return at < 0 ? {} : Object.fromEntries(new URLSearchParams(url.slice(at + 1)));
}

function bodyOf(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.subarray(0, BODY_KEPT).toString('utf8');
  if (raw.length > BODY_KEPT) return `${text}… (${raw.length} bytes)`;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
