import type { Request } from 'express';

const EMPTY = Buffer.alloc(0);

/** express.raw leaves `req.body` undefined for a request without a body; the signature is still over zero bytes. */
export function rawBodyOf(req: Request): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : EMPTY;
}
