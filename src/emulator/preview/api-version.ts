import type { RequestHandler } from 'express';
import { EmulatorError } from '../errors';

/** Every path of the API carries `api-version`. */
export const requireApiVersion: RequestHandler = (req, _res, next) => {
  const version = req.query['api-version'];
  if (typeof version === 'string' && version.trim() !== '') return next();
  next(new EmulatorError(400, 'MissingApiVersion', 'the api-version query parameter is required, e.g. ?api-version=2021-06-15-preview'));
};
