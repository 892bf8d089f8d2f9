import type { Request } from 'express';
import { EmulatorError } from './errors';
import { rawBodyOf } from './raw-body';

/** The body as JSON, or undefined when there is none. The bytes were kept raw for the signature. */
export function jsonBodyOf(req: Request): unknown {
  const raw = rawBodyOf(req);
  if (raw.length === 0) return undefined;
  const type = req.headers['content-type'];
  if (type !== undefined && !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
    throw new EmulatorError(415, 'UnsupportedMediaType', 'Content-Type must be application/json');
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new EmulatorError(400, 'InvalidJson', 'the request body is not valid JSON');
  }
}
