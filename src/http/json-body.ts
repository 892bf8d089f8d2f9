import bodyParser from 'body-parser';
import type { RequestHandler } from 'express';
import { AppError, ValidationError } from '../errors';

export interface JsonLimits {
  limitBytes: number;
  maxDepth: number;
  maxArrayLength: number;
}

export const DEFAULT_JSON_LIMITS: Omit<JsonLimits, 'limitBytes'> = { maxDepth: 32, maxArrayLength: 10_000 };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Refuses bytes that are not UTF-8, which a decoder would otherwise turn silently into U+FFFD. */
export function verifyUtf8(buf: Buffer): void {
  try {
    strictUtf8.decode(buf);
  } catch {
    throw new ValidationError('body is not valid UTF-8', undefined, 'invalid_encoding');
  }
}

export interface ShapeProblem {
  code: 'body_too_complex' | 'invalid_character';
  message: string;
}

const NUL_PROBLEM: ShapeProblem = { code: 'invalid_character', message: 'body has a NUL character (\\u0000) in a string' };

/**
 * Walks the parsed value without recursion, so a hostile document cannot blow the stack.
 * Strings may not hold U+0000: no field of ours needs one, and Postgres text cannot store it.
 */
export function checkShape(value: unknown, limits: Omit<JsonLimits, 'limitBytes'>): ShapeProblem | null {
  const stack: Array<[unknown, number]> = [[value, 1]];
  const tooComplex = (what: string): ShapeProblem => ({ code: 'body_too_complex', message: `body has ${what}` });
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\0')) return NUL_PROBLEM;
      continue;
    }
    if (node === null || typeof node !== 'object') continue;
    if (depth > limits.maxDepth) return tooComplex(`nesting deeper than ${limits.maxDepth} levels`);
    if (Array.isArray(node)) {
      if (node.length > limits.maxArrayLength) return tooComplex(`an array longer than ${limits.maxArrayLength} items`);
      for (const item of node) stack.push([item, depth + 1]);
    } else {
      for (const key in node) {
        if (key.includes('\0')) return NUL_PROBLEM;
        stack.push([(node as Record<string, unknown>)[key], depth + 1]);
      }
    }
  }
  return null;
}

/**
 * JSON bodies only (415 otherwise), within the size limit (413), valid UTF-8 and
 * JSON (400), and within depth and array-length limits (400).
 */
export function jsonBody(limits: JsonLimits, options: { optional?: boolean } = {}): RequestHandler[] {
  const parse = bodyParser.json({
    limit: limits.limitBytes,
    strict: false,
    type: () => true,
    verify: (_req, _res, buf) => verifyUtf8(buf),
  });
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (!hasBody && options.optional) return next();
    if (!req.is(['application/json', 'application/*+json'])) {
      return next(new AppError('unsupported_media_type', 'Content-Type must be application/json', 415));
    }
    next();
  };
  const checkLimits: RequestHandler = (req, _res, next) => {
    const problem = checkShape(req.body, limits);
    next(problem ? new ValidationError(problem.message, undefined, problem.code) : undefined);
  };
  return [requireJson, parse, checkLimits];
}
