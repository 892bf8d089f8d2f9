import type { RequestHandler } from 'express';
import { EmulatorError } from '../errors';

/** The stable versions the GA surface answers: 2023-10-15 (the first GA) to 2026-03-12 (SDK 1.6.0's default). */
export const GA_VERSIONS = { oldest: '2023-10-15', newest: '2026-03-12' } as const;

export function isGaVersion(version: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= GA_VERSIONS.oldest && version <= GA_VERSIONS.newest;
}

export const requireGaApiVersion: RequestHandler = (req, _res, next) => {
  const version = req.query['api-version'];
  if (typeof version === 'string' && isGaVersion(version)) return next();
  const got = typeof version === 'string' ? `"${version}" is not one` : 'it is missing';
  next(
    new EmulatorError(
      400,
      'UnsupportedApiVersion',
      `api-version: /calling/callConnections takes a stable version from ${GA_VERSIONS.oldest} to ${GA_VERSIONS.newest}; ${got} (*-preview versions use /calling/calls)`,
    ),
  );
};
