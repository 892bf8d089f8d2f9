import pino, { Logger, DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values are secrets wherever they appear at the top level or one level down. */
const SECRET_KEYS = ['authorization', 'Authorization', 'token', 'accessKey', 'apiKey', 'secret', 'password', 'connectionString', 'cookie'];
/** Keys holding URLs that may carry a token: kept readable, with the token replaced. */
const URL_KEYS = ['url', 'callbackUri'];

/** Parameter names as the server decodes them: `%74oken` is `token`, and `token[]`/`token[0]` still carry one. */
const SECRET_PARAM = /^(?:token|accesskey|sig|signature)(?:\[[^\]]*\])*$/i;

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** Replaces the value of a `token` (or `accesskey`) query parameter, keeping the rest of the URL readable. */
export function redactUrl(value: string): string {
  // A value stops at `?` too, so `?x=1?token=T` (a confused client) still loses T.
  return value.replace(/(^|[?&;])([^=&;#?\s]*)=[^&;#?\s]*/g, (whole, separator: string, name: string) =>
    SECRET_PARAM.test(decodedName(name)) ? `${separator}${name}=[Redacted]` : whole,
  );
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
