import pino, { Logger, DestinationStream } from 'pino';

export type { Logger };

/** Keys whose values are secrets wherever they appear at the top level or one level down. */
const SECRET_KEYS = [
  'authorization', 'Authorization', 'cookie', 'connectionString',
  'token', 'access_token', 'accessToken', 'refresh_token', 'id_token',
  'accessKey', 'access_key', 'apiKey', 'api_key', 'key',
  'secret', 'clientSecret', 'client_secret', 'password', 'passwd',
  'signature', 'sig',
];
/** Keys holding URLs that may carry a token: kept readable, with the token replaced. */
const URL_KEYS = ['url', 'callbackUri'];

/**
 * Parameter names that carry a secret, compared as the server decodes them
 * (`%74oken` is `token`, `token[]`/`token[0]` still carry one), without case,
 * `-`, `_` or `.`: `apiKey`, `api_key` and `API-KEY` are one name. Whole names
 * only, so `tokens` or `monkey` stay readable. `code` is how Azure Functions
 * and OAuth pass a key or grant.
 */
const SECRET_NAMES = new Set([
  'token', 'accesstoken', 'refreshtoken', 'idtoken', 'authtoken',
  'accesskey', 'apikey', 'key', 'subscriptionkey', 'code',
  'secret', 'clientsecret', 'password', 'passwd', 'pwd',
  'sig', 'signature', 'auth', 'authorization', 'credential', 'credentials',
]);

function isSecretParam(name: string): boolean {
  return SECRET_NAMES.has(name.replace(/(?:\[[^\]]*\])+$/, '').replace(/[-_.]/g, '').toLowerCase());
}

function decodedName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}

/** Replaces the value of every secret-named parameter (`token`, `apiKey`, `password`, …), keeping the rest of the URL readable. */
export function redactUrl(value: string): string {
  // A value stops at `?` too, so `?x=1?token=T` (a confused client) still loses T.
  return value.replace(/(^|[?&;])([^=&;#?\s]*)=[^&;#?\s]*/g, (whole, separator: string, name: string) =>
    isSecretParam(decodedName(name)) ? `${separator}${name}=[Redacted]` : whole,
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
