import { ApiError } from './api-client';

/** The `campaign run` flag that carries each query parameter of a text/csv upload (see runSettings). */
export const FLAG_OF_QUERY: Record<string, string> = {
  name: '--name',
  audioFileUri: '--audio',
  flow: '--flow',
  flowVersion: '--flow-version',
  callsPerSecond: '--cps',
  maxConcurrentCalls: '--concurrency',
  waitSeconds: '--wait',
  retryAttempts: '--retry-attempts',
  retryDelaySeconds: '--retry-delay',
  retryOn: '--retry-on',
  keyMap: '--key-map',
  windowStart: '--window',
  windowEnd: '--window',
  windowTimeZone: '--time-zone',
  windowDays: '--days',
};

/**
 * The API names what the CLI sent on the person's behalf (`query.audioFileUri`,
 * `targetsCsv row 2 (line 3)`); the person typed `--audio` and a file name, so
 * say those instead.
 */
export function inTermsOfTheCommandLine(err: unknown, file: string): unknown {
  if (!(err instanceof ApiError) || err.status !== 400) return err;
  const renamed = err.message
    .replace(/^query\.([A-Za-z]+)(\.[^:\s]*)?:/, (whole, param: string) => (FLAG_OF_QUERY[param] ? `${FLAG_OF_QUERY[param]}:` : whole))
    .replace(/^targetsCsv\b/, file)
    .replace(/ is already targetsCsv /, ' is already ');
  return new ApiError(err.status, err.code, renamed);
}
