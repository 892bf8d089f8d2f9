import pino, { Logger, DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values are secrets wherever they appear at the top level or one level down. */
const SECRET_KEYS = ['authorization', 'Authorization', 'token', 'accessKey', 'apiKey', 'secret', 'password', 'connectionString', 'cookie'];
/** Keys holding URLs that may carry a token: kept readable, with the token replaced. */
const URL_KEYS = ['url', 'callbackUri'];

/** Replaces the value of a `token` (or `accesskey`) query parameter, keeping the rest of the URL readable. */
export function redactUrl(value: string): string {
  return value.replace(/([?&;](?:token|accesskey|sig|signature)=)[^&;#\s]*/gi, '$1[Redacted]');
}

// Few, shallow paths: every log call pays for each of them.
const paths = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`]),
  ...URL_KEYS.flatMap((k) => [k, `*.${k}`]),
  'req.headers.authorization',
  'req.headers.cookie',
];

export function createLogger(options: { level: string; destination?: DestinationStream; name?: string }): Logger {
  return pino(
    {
      name: options.name ?? 'callhook',
      level: options.level,
      redact: {
        paths,
        censor: (value, path) => {
          const key = path[path.length - 1];
          if (URL_KEYS.includes(key) && typeof value === 'string') return redactUrl(value);
          return '[Redacted]';
        },
      },
      serializers: { err: pino.stdSerializers.err },
    },
    options.destination,
  );
}
