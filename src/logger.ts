import pino, { Logger, DestinationStream } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'authorization',
  'Authorization',
  'token',
  'accessKey',
  'accesskey',
  'apiKey',
  'api_key',
  'secret',
  'password',
  'connectionString',
  'x-api-key',
  'cookie',
];
const URL_KEYS = ['url', 'callbackUri', 'originalUrl'];

/** Replaces the value of a `token` (or `accesskey`) query parameter, keeping the rest of the URL readable. */
export function redactUrl(value: string): string {
  return value.replace(/([?&;](?:token|accesskey|sig|signature)=)[^&;#\s]*/gi, '$1[Redacted]');
}

const paths = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  ...URL_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  'req.headers["x-ms-content-sha256"]',
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
