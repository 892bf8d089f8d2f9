import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors';
import { AcsConnection, parseConnectionString } from './client/connection-string';
import { parseRawId, isE164 } from './identifiers';
import { WEBHOOK_EVENT_TYPES, WebhookEventType } from './webhooks/event-types';

export interface HttpLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** 0: no cap. */
  maxConnections: number;
}

/**
 * How callhook authenticates to Call Automation: the connection string's access key (HMAC),
 * or Microsoft Entra ID (ACS_ENDPOINT alone: DefaultAzureCredential, GA only).
 */
export type AcsTarget = (AcsConnection & { auth: 'accessKey' }) | { endpoint: string; auth: 'entraId' };

export type DatabaseConfig = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export type TrustProxy = boolean | number | string;

export interface Config {
  port: number;
  /** Unset: http://localhost:<the port actually listened on>, which only the emulator can reach. */
  publicBaseUrl: string | undefined;
  /** The real service, or undefined: then the emulator runs embedded and its address is known once it listens. */
  acs: AcsTarget | undefined;
  acsApiVersion: string;
  /** Which API generation ACS_API_VERSION names: the seed's 2021 preview, or today's GA. */
  acsGeneration: 'preview' | 'ga';
  /**
   * What a GA callback's JWT must say. `issuer` undefined: the emulator's own base
   * URL, known once it listens (design.md: with the emulator both default to its values).
   */
  callbackJwt: { issuer: string | undefined; audience: string };
  /** Retries of a transient Call Automation failure before the follow-up is given up (outcome failed). */
  acsMaxRetries: number;
  sourceIdentity: string;
  alternateCallerId: string | undefined;
  agentTarget: string | undefined;
  /** The first signs new callback tokens; every one of them is accepted (rotation). */
  callbackSecrets: string[];
  /** Every one of them opens the management API (rotation). */
  apiKeys: string[];
  database: DatabaseConfig;
  logLevel: LogLevel;
  trustProxy: TrustProxy;
  /** resourceId: the `aud` of the emulator's GA callback JWTs. */
  emulator: { port: number; accessKey: string; timeScale: number; resourceId: string };
  /** Stable name of this instance (e.g. the pod name); a restart under the same name takes back its leases at once. */
  instanceId: string | undefined;
  /** How many calls are handled in parallel; 0 makes an ingest-only instance. */
  dispatchConcurrency: number;
  bodyLimitBytes: number;
  /** How long after a call ended its token still works, and how much it may store. */
  callbacks: { graceMs: number; maxBytesPerCall: number };
  /** Limits that keep slow or idle clients from holding connections (see src/http/server-limits.ts). */
  http: HttpLimits;
  shutdownTimeoutMs: number;
  /** Defaults of the reminder flow; each call or campaign may override them. */
  reminder: { waitSeconds: number };
  /** Management API requests per client per minute. */
  rateLimitPerMinute: number;
  /** True when calls go to the emulator (embedded, or on a loopback endpoint). */
  usesEmulator: boolean;
  /** Development defaults (dev API key and callback secret) in force: the embedded emulator, or CALLHOOK_DEV=1. */
  devDefaults: boolean;
  /** Listen address; undefined listens on every interface. */
  host: string | undefined;
  webhooks: WebhookConfig;
  /** Days after which ended calls and campaigns are deleted; 0 keeps everything. */
  retentionDays: number;
}

/** Outbound webhooks (docs/webhooks.md). */
export interface WebhookConfig {
  /** WEBHOOK_URL: where every event goes unless a call or campaign names its own webhookUrl. */
  url: string | undefined;
  /** WEBHOOK_SECRET: whsec_… values; the first signs. Empty: no webhooks at all. */
  secrets: string[];
  /** WEBHOOK_EVENTS: the types sent to WEBHOOK_URL; null: all. */
  events: WebhookEventType[] | null;
  /** WEBHOOK_ALLOW_PRIVATE: targets may resolve to loopback, private, link-local or metadata addresses. */
  allowPrivate: boolean;
  /** Only https targets (false in development, with the emulator). */
  requireHttps: boolean;
  horizonMs: number;
  timeoutMs: number;
  retryBaseMs: number;
  progressIntervalMs: number;
}

/** The newest stable Call Automation version, the official JS SDK 1.6.0's default. */
export const GA_API_VERSION = '2026-03-12';
export const SEED_API_VERSION = '2021-06-15-preview';
/** Who signs the real service's callbacks. */
export const ACS_CALLBACK_ISSUER_DEFAULT = 'https://acscallautomation.communication.azure.com';
/** The emulator's resource id unless EMULATOR_RESOURCE_ID says otherwise. */
export const EMULATOR_RESOURCE_ID_DEFAULT = '00000000-0000-0000-0000-00000000ac5e';

/** Well-known development values, used only with the embedded emulator or CALLHOOK_DEV=1. */
export const DEV_DEFAULTS = {
  callbackSecret: 'dev-callback-secret-not-for-production',
  apiKey: 'dev-api-key',
  sourceIdentity: '8:acs:callhook-emulator_source',
  alternateCallerId: '+18005550100',
  agentTarget: '8:acs:callhook-emulator_agent',
} as const;

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const optional = z
  .string()
  .transform((s) => s.trim())
  .optional()
  .transform((s) => (s === '' ? undefined : s));

const int = (min: number, max: number, fallback: number) =>
  optional.pipe(
    z
      .string()
      .regex(/^\d+$/, `must be a whole number between ${min} and ${max}`)
      .transform(Number)
      .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
      .optional()
      .default(fallback),
  );

const list = optional.transform((s) =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
);

// "," alone would otherwise leave no secret at all, which crashes signing or locks everyone out.
const secrets = (what: string) =>
  list.refine((v) => v === undefined || (v.length > 0 && v.every((s) => s.length >= 16)), `each ${what} must be at least 16 characters`);

const rawId = (what: string) =>
  optional.refine((v) => {
    if (v === undefined) return true;
    try {
      parseRawId(v);
      return true;
    } catch {
      return false;
    }
  }, `must be ${what}`);

const SIZE = /^(\d+)\s*(b|kb|mb)?$/i;

const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * What Express's `trust proxy` accepts as a string (proxy-addr): checked here
 * because Express would otherwise throw at start-up without naming the variable.
 */
function isTrustProxy(value: string): boolean {
  if (/^(true|false|\d+)$/.test(value)) return true;
  return value.split(',').every((item) => {
    const entry = item.trim();
    if (PROXY_NAMES.has(entry)) return true;
    const [address, mask, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) return false;
    if (mask === undefined) return true;
    if (family === 4 && isIP(mask) === 4) return true;
    return /^\d+$/.test(mask) && Number(mask) <= (family === 4 ? 32 : 128);
  });
}

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

const schema = z.object({
  PORT: int(0, 65535, 3000),
  HOST: optional.refine((v) => v === undefined || isIP(v) !== 0 || HOST_NAME.test(v), 'must be an IP address (127.0.0.1, 0.0.0.0, ::) or a host name'),
  CALLHOOK_DEV: optional
    .refine((v) => v === undefined || /^(0|1|true|false)$/i.test(v), 'must be 1 (development defaults) or 0')
    .transform((v) => v !== undefined && /^(1|true)$/i.test(v)),
  PUBLIC_BASE_URL: optional.pipe(
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .pipe(
        z
          .string()
          .refine((u) => !new URL(u).username && !new URL(u).password, 'must not carry a user name or password')
          .refine((u) => !new URL(u).search && !new URL(u).hash, 'must not have a query or fragment')
          .transform((u) => u.replace(/\/+$/, '')),
      )
      .optional(),
  ),
  ACS_CONNECTION_STRING: optional,
  // https only: the SDK sends Entra ID bearer tokens over TLS alone (core-rest-pipeline refuses http).
  ACS_ENDPOINT: optional.pipe(
    z
      .url({ protocol: /^https$/, error: 'must be an https URL like https://<resource>.communication.azure.com/' })
      // A pipe, not a refine on the URL: zod would run the refine on a value that is no URL at all.
      .pipe(
        z
          .string()
          .refine((u) => !new URL(u).username && !new URL(u).password && !new URL(u).search && !new URL(u).hash, 'must be the bare resource URL, without user, query or fragment')
          .transform((u) => u.replace(/\/+$/, '')),
      )
      .optional(),
  ),
  ACS_API_VERSION: optional
    .refine((v) => v === undefined || /^\d{4}-\d{2}-\d{2}(-preview\d*)?$/.test(v), 'must look like 2026-03-12 or 2021-06-15-preview'),
  ACS_RESOURCE_ID: optional.refine((v) => v === undefined || /^[A-Za-z0-9-]{1,100}$/.test(v), "must be the ACS resource's immutable id (a GUID)"),
  ACS_CALLBACK_ISSUER: optional.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).transform((u) => u.replace(/\/+$/, '')).optional()),
  ACS_MAX_RETRIES: int(0, 10, 3),
  SOURCE_IDENTITY: rawId('an 8:acs:… raw id').refine(
    (v) => v === undefined || v.startsWith('8:acs:'),
    'must be an 8:acs:… raw id',
  ),
  ALTERNATE_CALLER_ID: optional.refine((v) => v === undefined || isE164(v), 'must be an E.164 phone number like +14255550123'),
  AGENT_TARGET: rawId('a raw id (+E.164, 8:acs:… or 8:orgid:…)'),
  CALLBACK_SECRET: secrets('secret'),
  API_KEY: secrets('key'),
  DATABASE_URL: optional,
  LOG_LEVEL: optional
    .transform((v) => v?.toLowerCase())
    .pipe(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info')),
  TRUST_PROXY: optional.refine(
    (v) => v === undefined || isTrustProxy(v),
    'must be true, false, a hop count, or comma-separated addresses/CIDRs (or loopback, linklocal, uniquelocal)',
  ),
  EMULATOR_PORT: int(0, 65535, 4010),
  EMULATOR_RESOURCE_ID: optional.pipe(z.string().regex(/^[A-Za-z0-9-]{1,128}$/, 'must be an ACS resource id (letters, digits, dashes)').optional().default('00000000-0000-0000-0000-00000000ac5e')),
  EMULATOR_ACCESS_KEY: optional.refine(
    (v) => v === undefined || (/^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length >= 16),
    'must be base64 of at least 16 bytes',
  ),
  EMULATOR_TIME_SCALE: optional.pipe(
    z
      .string()
      .regex(/^\d*\.?\d+$/, 'must be a positive number')
      .transform(Number)
      .pipe(z.number().positive('must be a positive number'))
      .optional()
      .default(1),
  ),
  DISPATCH_CONCURRENCY: int(0, 1000, 16),
  INSTANCE_ID: optional.refine((v) => v === undefined || /^[A-Za-z0-9._:-]{1,100}$/.test(v), 'must be 1 to 100 of A-Z a-z 0-9 . _ : -'),
  // Below 1kb not even one seed event fits, so every callback would be refused.
  BODY_LIMIT: optional.refine((v) => v === undefined || (SIZE.test(v) && parseSize(v, 0) >= 1024), 'must be a size of at least 1kb, like 1mb or 512kb'),
  SHUTDOWN_TIMEOUT_MS: int(0, 600_000, 10_000),
  // Long enough for the late events a real service sends (a last PlayAudioResult, ParticipantsUpdated, retried deliveries).
  CALLBACK_GRACE_SECONDS: int(0, 30 * 86_400, 600),
  CALLBACK_MAX_BYTES_PER_CALL: optional.refine(
    (v) => v === undefined || (SIZE.test(v) && parseSize(v, 0) >= 64 * 1024),
    'must be a size of at least 64kb, like 10mb',
  ),
  HEADERS_TIMEOUT_MS: int(100, 600_000, 10_000),
  REQUEST_TIMEOUT_MS: int(100, 3_600_000, 60_000),
  KEEP_ALIVE_TIMEOUT_MS: int(0, 600_000, 5_000),
  MAX_CONNECTIONS: int(0, 1_000_000, 2_000),
  REMINDER_WAIT_SECONDS: int(1, 3600, 30),
  RATE_LIMIT_PER_MINUTE: int(1, 1_000_000, 600),
  WEBHOOK_URL: optional.pipe(z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048).optional()),
  WEBHOOK_SECRET: list.refine(
    (v) => v === undefined || (v.length > 0 && v.every((s) => /^whsec_[A-Za-z0-9+/]+={0,2}$/.test(s) && Buffer.from(s.slice(6), 'base64').length >= 24)),
    'must be whsec_ followed by base64 of at least 24 bytes (comma-separated for rotation; the first signs)',
  ),
  WEBHOOK_EVENTS: list.refine(
    (v) => v === undefined || v.every((t) => (WEBHOOK_EVENT_TYPES as readonly string[]).includes(t)),
    `must be a comma-separated list of ${WEBHOOK_EVENT_TYPES.join(', ')}`,
  ),
  WEBHOOK_ALLOW_PRIVATE: optional.refine((v) => v === undefined || /^(0|1|true|false)$/.test(v), 'must be 1 or 0'),
  WEBHOOK_RETRY_HORIZON_SECONDS: int(1, 30 * 86_400, 86_400),
  WEBHOOK_TIMEOUT_MS: int(100, 120_000, 10_000),
  WEBHOOK_RETRY_BASE_MS: int(10, 3_600_000, 5_000),
  WEBHOOK_PROGRESS_SECONDS: int(1, 86_400, 10),
  RETENTION_DAYS: int(0, 36_500, 30),
});

function parseSize(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const [, digits, unit = 'b'] = SIZE.exec(value)!;
  return Number(digits) * { b: 1, kb: 1024, mb: 1024 * 1024 }[unit.toLowerCase() as 'b' | 'kb' | 'mb'];
}

function parseTrustProxy(value: string | undefined): TrustProxy {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

function parseDatabase(value: string | undefined, cwd: string): DatabaseConfig {
  if (value === undefined) return { kind: 'sqlite', path: path.resolve(cwd, 'data', 'callhook.db') };
  if (/^postgres(ql)?:\/\//.test(value)) return { kind: 'postgres', url: value };
  if (value.startsWith('sqlite:')) {
    const file = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new ConfigError('DATABASE_URL', 'sqlite: needs a file path, e.g. sqlite:./data/callhook.db');
    return { kind: 'sqlite', path: file === ':memory:' ? file : path.resolve(cwd, file) };
  }
  throw new ConfigError('DATABASE_URL', 'must be postgres://… or sqlite:<path> (unset: ./data/callhook.db)');
}

function webhookConfig(e: z.infer<typeof schema>, embeddedEmulator: boolean, usesEmulator: boolean): WebhookConfig {
  const requireHttps = !usesEmulator;
  if (e.WEBHOOK_URL !== undefined && e.WEBHOOK_SECRET === undefined) throw new ConfigError('WEBHOOK_SECRET', 'is required with WEBHOOK_URL (whsec_…)');
  if (e.WEBHOOK_URL !== undefined && requireHttps && !e.WEBHOOK_URL.startsWith('https://')) {
    throw new ConfigError('WEBHOOK_URL', 'must be an https URL when calls go to the real Call Automation service');
  }
  return {
    url: e.WEBHOOK_URL,
    secrets: e.WEBHOOK_SECRET ?? [],
    events: (e.WEBHOOK_EVENTS as WebhookEventType[] | undefined) ?? null,
    allowPrivate: e.WEBHOOK_ALLOW_PRIVATE === undefined ? embeddedEmulator : /^(1|true)$/.test(e.WEBHOOK_ALLOW_PRIVATE),
    requireHttps,
    horizonMs: e.WEBHOOK_RETRY_HORIZON_SECONDS * 1000,
    timeoutMs: e.WEBHOOK_TIMEOUT_MS,
    retryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    progressIntervalMs: e.WEBHOOK_PROGRESS_SECONDS * 1000,
  };
}

/** Parses and checks the whole environment once. Throws ConfigError naming the first bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const issue = result.error.issues[0];
    const variable = String(issue.path[0]);
    const got = env[variable];
    // JSON quoting keeps a value with a newline on the one line the entry point prints.
    const shown = /SECRET|KEY|CONNECTION|DATABASE_URL/.test(variable) || String(got).includes('@') ? '' : ` (got ${JSON.stringify(String(got).slice(0, 60))})`;
    throw new ConfigError(variable, `${issue.message}${shown}`);
  }
  const e = result.data;
  // Node refuses a headers timeout longer than the whole request's.
  if (e.HEADERS_TIMEOUT_MS > e.REQUEST_TIMEOUT_MS) throw new ConfigError('HEADERS_TIMEOUT_MS', `must not exceed REQUEST_TIMEOUT_MS (${e.REQUEST_TIMEOUT_MS})`);

  let acs: AcsTarget | undefined;
  // Refused rather than ranked: with both set, which identity places the calls would be a guess.
  if (e.ACS_CONNECTION_STRING !== undefined && e.ACS_ENDPOINT !== undefined) {
    throw new ConfigError('ACS_ENDPOINT', 'must not be set together with ACS_CONNECTION_STRING: the connection string authenticates with its access key, ACS_ENDPOINT alone with Microsoft Entra ID; keep one');
  }
  if (e.ACS_CONNECTION_STRING !== undefined) {
    try {
      acs = { ...parseConnectionString(e.ACS_CONNECTION_STRING), auth: 'accessKey' };
    } catch (err) {
      throw new ConfigError('ACS_CONNECTION_STRING', `${(err as Error).message} (expected endpoint=https://…;accesskey=…)`);
    }
  } else if (e.ACS_ENDPOINT !== undefined) {
    acs = { endpoint: e.ACS_ENDPOINT, auth: 'entraId' };
  }
  const usesEmulator = acs === undefined || LOOPBACK.has(new URL(acs.endpoint).hostname);
  // Not "any loopback endpoint": a local sidecar or proxy to the real service must not open the API
  // with the public dev key and secret. Only the embedded emulator, or an explicit CALLHOOK_DEV=1.
  const devDefaults = acs === undefined || e.CALLHOOK_DEV;

  // design.md: unset, the seed generation with the emulator, today's GA anywhere else. Entra ID
  // exists only on GA, so ACS_ENDPOINT defaults to GA even on a loopback address.
  const acsApiVersion = e.ACS_API_VERSION ?? (usesEmulator && acs?.auth !== 'entraId' ? SEED_API_VERSION : GA_API_VERSION);
  const acsGeneration = acsApiVersion.includes('-preview') ? 'preview' : 'ga';
  if (acsGeneration === 'preview' && acs?.auth === 'entraId') {
    throw new ConfigError('ACS_API_VERSION', `${acsApiVersion} is the seed preview, which has no Microsoft Entra ID sign-in; use ACS_CONNECTION_STRING with it, or a GA version like ${GA_API_VERSION} with ACS_ENDPOINT`);
  }
  if (acsGeneration === 'preview' && !usesEmulator) {
    throw new ConfigError('ACS_API_VERSION', `${acsApiVersion} is the retired preview API, which the real service no longer serves; use ${GA_API_VERSION} (or leave it unset)`);
  }
  const callbackJwt = {
    issuer: e.ACS_CALLBACK_ISSUER ?? (usesEmulator ? undefined : ACS_CALLBACK_ISSUER_DEFAULT),
    audience: e.ACS_RESOURCE_ID ?? e.EMULATOR_RESOURCE_ID ?? EMULATOR_RESOURCE_ID_DEFAULT,
  };

  const port = e.PORT;
  const publicBaseUrl = e.PUBLIC_BASE_URL;
  // Every missing variable is named at once: one per start made a new deployment a loop of restarts.
  const missing: string[] = [];
  // Named with the others when several are missing; alone, with why it is needed.
  const resourceIdMissing = acsGeneration === 'ga' && !usesEmulator && e.ACS_RESOURCE_ID === undefined;
  if (resourceIdMissing) missing.push('ACS_RESOURCE_ID');
  const httpAllowed = usesEmulator || e.CALLHOOK_DEV;
  if (!httpAllowed && publicBaseUrl === undefined) missing.push('PUBLIC_BASE_URL');
  else if (!httpAllowed && !publicBaseUrl?.startsWith('https://')) {
    throw new ConfigError('PUBLIC_BASE_URL', 'must be an https URL when calls go to the real Call Automation service');
  }

  const required = <T>(variable: string, value: T | undefined, devValue: T): T => {
    if (value !== undefined) return value;
    if (!devDefaults) missing.push(variable);
    return devValue;
  };

  const config: Config = {
    port,
    publicBaseUrl,
    acs,
    acsApiVersion,
    acsGeneration,
    callbackJwt,
    acsMaxRetries: e.ACS_MAX_RETRIES,
    sourceIdentity: required('SOURCE_IDENTITY', e.SOURCE_IDENTITY, DEV_DEFAULTS.sourceIdentity),
    alternateCallerId: e.ALTERNATE_CALLER_ID ?? (devDefaults ? DEV_DEFAULTS.alternateCallerId : undefined),
    agentTarget: e.AGENT_TARGET ?? (devDefaults ? DEV_DEFAULTS.agentTarget : undefined),
    callbackSecrets: required('CALLBACK_SECRET', e.CALLBACK_SECRET, [DEV_DEFAULTS.callbackSecret]),
    apiKeys: required('API_KEY', e.API_KEY, [DEV_DEFAULTS.apiKey]),
    database: parseDatabase(e.DATABASE_URL, cwd),
    logLevel: e.LOG_LEVEL,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    emulator: {
      port: e.EMULATOR_PORT,
      accessKey: e.EMULATOR_ACCESS_KEY ?? randomBytes(32).toString('base64'),
      timeScale: e.EMULATOR_TIME_SCALE,
      resourceId: e.EMULATOR_RESOURCE_ID,
    },
    instanceId: e.INSTANCE_ID,
    dispatchConcurrency: e.DISPATCH_CONCURRENCY,
    bodyLimitBytes: parseSize(e.BODY_LIMIT, 1024 * 1024),
    callbacks: {
      graceMs: e.CALLBACK_GRACE_SECONDS * 1000,
      maxBytesPerCall: parseSize(e.CALLBACK_MAX_BYTES_PER_CALL, 10 * 1024 * 1024),
    },
    http: {
      headersTimeoutMs: e.HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.MAX_CONNECTIONS,
    },
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    reminder: { waitSeconds: e.REMINDER_WAIT_SECONDS },
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    usesEmulator,
    devDefaults,
    host: e.HOST,
    webhooks: webhookConfig(e, acs === undefined, usesEmulator),
    retentionDays: e.RETENTION_DAYS,
  };
  if (resourceIdMissing && missing.length === 1) {
    throw new ConfigError('ACS_RESOURCE_ID', "is required with the GA service: callback JWTs are checked against the ACS resource's immutable id");
  }
  if (missing.length > 0) {
    throw new ConfigError(missing.join(', '), `${missing.length === 1 ? 'is' : 'are'} required when ${acs?.auth === 'entraId' ? 'ACS_ENDPOINT' : 'ACS_CONNECTION_STRING'} is set, local or not (CALLHOOK_DEV=1 for development defaults; see .env.production.example)`);
  }
  return config;
}
