import type { RequestHandler } from 'express';
import { ValidationError } from '../errors';

/**
 * No id or setting of ours contains U+0000, and Postgres text cannot store it
 * (the query fails, a 500). A NUL can only reach a path or query value as
 * `%00`, so it is refused here, before any route decodes one.
 */
export const rejectNulInUrl: RequestHandler = (req, _res, next) => {
  next(/%00/i.test(req.url) ? new ValidationError('the URL holds a NUL character (%00)', undefined, 'invalid_character') : undefined);
};
