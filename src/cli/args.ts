import { parseArgs, ParseArgsConfig } from 'node:util';
import { HELP } from './help';
import type { CampaignAction } from './api-client';
import { loadConfig, type DatabaseConfig } from '../config';

/** A mistake in the command line: the message is printed as is, with a pointer to --help. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly helpCommand = 'callhook --help',
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DEFAULT_URL = 'http://localhost:3000';
/** The key a service running with the emulator accepts when API_KEY is unset. */
export const DEFAULT_API_KEY = 'dev-api-key';

export interface Connection {
  url: string;
  apiKey: string;
  /** Read at run time; wins over apiKey. */
  apiKeyFile?: string;
  /** --api-key was used: the key shows in `ps`, so the command warns. */
  apiKeyOnCommandLine: boolean;
}

export interface WatchOptions {
  /** Seconds between polls; undefined lets the renderer choose (terminal or not). */
  intervalSeconds: number | undefined;
}

export type Command =
  | { kind: 'help'; text: string }
  | { kind: 'run'; connection: Connection; file: string; settings: Record<string, string>; watch: WatchOptions; detach: boolean }
  | { kind: 'watch'; connection: Connection; id: string; watch: WatchOptions }
  | { kind: 'status'; connection: Connection; id: string; json: boolean }
  | { kind: 'report'; connection: Connection; id: string; csv: boolean }
  | { kind: 'action'; connection: Connection; id: string; action: CampaignAction }
  | { kind: 'webhooks-listen'; host: string; port: number; secrets: string[] }
  | { kind: 'backup'; file: string; database: DatabaseConfig };

type Options = NonNullable<ParseArgsConfig['options']>;

const COMMON: Options = {
  url: { type: 'string' },
  'api-key': { type: 'string' },
  'api-key-file': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};

const RUN: Options = {
  ...COMMON,
  name: { type: 'string' },
  audio: { type: 'string' },
  flow: { type: 'string' },
  'flow-version': { type: 'string' },
  cps: { type: 'string' },
  concurrency: { type: 'string' },
  wait: { type: 'string' },
  'retry-attempts': { type: 'string' },
  'retry-delay': { type: 'string' },
  'retry-on': { type: 'string' },
  window: { type: 'string' },
  'time-zone': { type: 'string' },
  days: { type: 'string' },
  'key-map': { type: 'string' },
  'webhook-url': { type: 'string' },
  interval: { type: 'string' },
  detach: { type: 'boolean' },
};

type Values = Record<string, string | boolean | undefined>;

function parse(args: string[], options: Options, helpCommand: string): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args, options, allowPositionals: true, strict: true });
    return { values: values as Values, positionals };
  } catch (err) {
    // parseArgs explains well; keep it on one line, and drop its advice about '--' for unknown options (no command takes a dash-led positional).
    const message = String((err as Error).message).replace(/\s*\n\s*/g, ' ');
    throw new UsageError(message.startsWith('Unknown option') ? message.split('. To specify')[0] : message, helpCommand);
  }
}

function number(values: Values, flag: string, check: { min: number; integer?: boolean; exclusiveMin?: boolean }, helpCommand = 'callhook campaign run --help'): string | undefined {
  const raw = values[flag];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const ok = raw !== '' && Number.isFinite(n) && (check.exclusiveMin ? n > check.min : n >= check.min) && (!check.integer || Number.isInteger(n));
  if (!ok) {
    const what = check.integer ? 'a whole number' : 'a number';
    throw new UsageError(`--${flag} must be ${what} ${check.exclusiveMin ? 'above' : 'of at least'} ${check.min}, not "${String(raw)}"`, helpCommand);
  }
  return String(n);
}

function connection(values: Values, env: Record<string, string | undefined>): Connection {
  const flag = values['api-key'] as string | undefined;
  const file = values['api-key-file'] as string | undefined;
  if (flag !== undefined && file !== undefined) throw new UsageError('give --api-key-file or --api-key, not both');
  return {
    url: (values.url as string | undefined) ?? env.CALLHOOK_URL ?? DEFAULT_URL,
    apiKey: flag ?? env.CALLHOOK_API_KEY ?? DEFAULT_API_KEY,
    apiKeyFile: file,
    apiKeyOnCommandLine: flag !== undefined,
  };
}

function onlyId(positionals: string[], sub: string): string {
  if (positionals.length !== 1) throw new UsageError(`campaign ${sub} needs exactly one campaign id`, `callhook campaign ${sub} --help`);
  return positionals[0];
}

/** A campaign plays the reminder's message (--audio) or runs a stored flow (--flow): exactly one. */
function messageOrFlow(values: Values): Record<string, string | undefined> {
  const audio = values.audio as string | undefined;
  const flow = values.flow as string | undefined;
  if ((audio === undefined) === (flow === undefined)) throw new UsageError('give --audio <uri> (the reminder) or --flow <name> (a stored flow), one of them', 'callhook campaign run --help');
  if (flow === undefined) return { audioFileUri: audio };
  if (values['key-map'] !== undefined || values.wait !== undefined) throw new UsageError('--key-map and --wait are the reminder\'s; a flow has its own keys and waits', 'callhook campaign run --help');
  return { flow, flowVersion: number(values, 'flow-version', { min: 1, integer: true }) };
}

/** The query-string settings of a text/csv upload (see campaignFromQuery on the service side). */
function runSettings(values: Values): Record<string, string> {
  const required = (flag: string) => {
    const v = values[flag];
    if (typeof v !== 'string' || v.trim() === '') throw new UsageError(`--${flag} is required`, 'callhook campaign run --help');
    return v;
  };
  const settings: Record<string, string | undefined> = {
    name: required('name'),
    ...messageOrFlow(values),
    callsPerSecond: number(values, 'cps', { min: 0, exclusiveMin: true }),
    maxConcurrentCalls: number(values, 'concurrency', { min: 1, integer: true }),
    waitSeconds: number(values, 'wait', { min: 1, integer: true }),
    retryAttempts: number(values, 'retry-attempts', { min: 1, integer: true }),
    retryDelaySeconds: number(values, 'retry-delay', { min: 0 }),
    retryOn: values['retry-on'] as string | undefined,
    keyMap: values['key-map'] as string | undefined,
    windowDays: values.days as string | undefined,
    webhookUrl: values['webhook-url'] as string | undefined,
  };
  const window = values.window as string | undefined;
  if (window !== undefined) {
    const match = /^(\d\d:\d\d)-(\d\d:\d\d)$/.exec(window);
    if (!match) throw new UsageError(`--window must look like 09:00-18:00, not "${window}"`, 'callhook campaign run --help');
    if (values['time-zone'] === undefined) throw new UsageError('--window needs --time-zone (e.g. Europe/Paris)', 'callhook campaign run --help');
    [settings.windowStart, settings.windowEnd] = [match[1], match[2]];
    settings.windowTimeZone = values['time-zone'] as string;
  } else if (values['time-zone'] !== undefined || values.days !== undefined) {
    throw new UsageError('--time-zone and --days only apply with --window', 'callhook campaign run --help');
  }
  return Object.fromEntries(Object.entries(settings).filter((e): e is [string, string] => e[1] !== undefined));
}

const LISTEN: Options = { port: { type: 'string' }, host: { type: 'string' }, secret: { type: 'string' }, help: { type: 'boolean', short: 'h' } };

function webhooksCommand(sub: string | undefined, rest: string[], env: Record<string, string | undefined>): Command {
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return { kind: 'help', text: HELP.webhooks };
  if (sub !== 'listen') throw new UsageError(`unknown webhooks command "${sub}"`, 'callhook webhooks --help');
  const { values, positionals } = parse(rest, LISTEN, 'callhook webhooks listen --help');
  if (values.help) return { kind: 'help', text: HELP.webhooks };
  if (positionals.length) throw new UsageError('webhooks listen takes no arguments', 'callhook webhooks listen --help');
  const port = number(values, 'port', { min: 0, integer: true }, 'callhook webhooks listen --help') ?? '4020';
  if (Number(port) > 65535) throw new UsageError(`--port must be at most 65535, not "${port}"`, 'callhook webhooks listen --help');
  const secrets = ((values.secret as string | undefined) ?? env.WEBHOOK_SECRET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!secrets.length) throw new UsageError('webhooks listen needs --secret whsec_… (or WEBHOOK_SECRET), the secret callhook signs with', 'callhook webhooks listen --help');
  const bad = secrets.find((s) => !/^whsec_[A-Za-z0-9+/]+={0,2}$/.test(s));
  if (bad !== undefined) throw new UsageError('--secret must be whsec_ followed by base64, as in WEBHOOK_SECRET', 'callhook webhooks listen --help');
  return { kind: 'webhooks-listen', host: (values.host as string | undefined) ?? '127.0.0.1', port: Number(port), secrets };
}

const ACTIONS: readonly string[] = ['pause', 'resume', 'cancel'] satisfies CampaignAction[];

function parseBackup(args: string[], env: Record<string, string | undefined>): Command {
  const { values, positionals } = parse(args, { help: { type: 'boolean', short: 'h' } }, 'callhook backup --help');
  if (values.help) return { kind: 'help', text: HELP.backup };
  if (positionals.length !== 1) throw new UsageError('backup needs exactly one file to write', 'callhook backup --help');
  // Only DATABASE_URL matters here: the rest of the service's configuration need not be complete to copy its data.
  return { kind: 'backup', file: positionals[0], database: loadConfig({ DATABASE_URL: env.DATABASE_URL }).database };
}

/** Turns the command line into one command; throws UsageError for anything it cannot make sense of. */
export function parseCommand(argv: string[], env: Record<string, string | undefined>): Command {
  const [group, sub, ...rest] = argv;
  if (group === undefined || group === '--help' || group === '-h' || group === 'help') return { kind: 'help', text: HELP.top };
  if (group === 'webhooks') return webhooksCommand(sub, rest, env);
  if (group === 'backup') return parseBackup(argv.slice(1), env);
  if (group !== 'campaign') throw new UsageError(`unknown command "${group}"`);
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') return { kind: 'help', text: HELP.campaign };

  const help = (text: string) => ({ kind: 'help', text }) as const;
  switch (sub) {
    case 'run': {
      const { values, positionals } = parse(rest, RUN, 'callhook campaign run --help');
      if (values.help) return help(HELP.run);
      if (positionals.length !== 1) throw new UsageError('campaign run needs exactly one targets CSV file', 'callhook campaign run --help');
      const intervalSeconds = number(values, 'interval', { min: 0, exclusiveMin: true });
      return {
        kind: 'run',
        connection: connection(values, env),
        file: positionals[0],
        settings: runSettings(values),
        watch: { intervalSeconds: intervalSeconds === undefined ? undefined : Number(intervalSeconds) },
        detach: values.detach === true,
      };
    }
    case 'watch': {
      const { values, positionals } = parse(rest, { ...COMMON, interval: { type: 'string' } }, 'callhook campaign watch --help');
      if (values.help) return help(HELP.watch);
      const intervalSeconds = number(values, 'interval', { min: 0, exclusiveMin: true }, 'callhook campaign watch --help');
      return { kind: 'watch', connection: connection(values, env), id: onlyId(positionals, sub), watch: { intervalSeconds: intervalSeconds === undefined ? undefined : Number(intervalSeconds) } };
    }
    case 'status': {
      const { values, positionals } = parse(rest, { ...COMMON, json: { type: 'boolean' } }, 'callhook campaign status --help');
      if (values.help) return help(HELP.status);
      return { kind: 'status', connection: connection(values, env), id: onlyId(positionals, sub), json: values.json === true };
    }
    case 'report': {
      const { values, positionals } = parse(rest, { ...COMMON, csv: { type: 'boolean' } }, 'callhook campaign report --help');
      if (values.help) return help(HELP.report);
      return { kind: 'report', connection: connection(values, env), id: onlyId(positionals, sub), csv: values.csv === true };
    }
    default: {
      if (!ACTIONS.includes(sub)) throw new UsageError(`unknown campaign command "${sub}"`, 'callhook campaign --help');
      const { values, positionals } = parse(rest, COMMON, `callhook campaign ${sub} --help`);
      if (values.help) return help(HELP.action(sub));
      return { kind: 'action', connection: connection(values, env), id: onlyId(positionals, sub), action: sub as CampaignAction };
    }
  }
}
