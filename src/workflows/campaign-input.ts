import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { IdentifierError, parseRawId } from '../identifiers';
import type { NewTarget } from '../store/campaigns';
import { isValidTimeZone } from './calling-window';
import { OUTCOMES } from './outcomes';
import { flowOptionsSchema } from '../flows/call-options';
import { reminderOptionsSchema } from './reminder-settings';

export const MAX_TARGETS = 100_000;
/** Per-row columns beyond `to`: kept for the report, and some override the campaign's settings (see targetSettings). */
const MAX_FIELDS = 20;

/** Per-row columns that override the campaign's settings for that target, checked and normalized here. */
export const ROW_OVERRIDES: Record<string, z.ZodType<string, string>> = {
  audioFileUri: reminderOptionsSchema.shape.audioFileUri,
  agentTarget: z.string().transform((v, ctx) => {
    try {
      return parseRawId(v).rawId;
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as IdentifierError).message });
      return z.NEVER;
    }
  }),
  waitSeconds: z.string().regex(/^\d+$/, 'must be a whole number of seconds').refine((v) => Number(v) >= 1 && Number(v) <= 3600, 'must be 1 to 3600'),
  operationContext: z.string().max(256),
  subject: z.string().max(256),
};

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24-hour)');

const targetSchema = z.record(z.string().max(64), z.union([z.string().max(2048), z.number(), z.boolean()]).transform(String));

export const campaignSchema = z.strictObject({
  name: z.string().min(1).max(200),
  ...reminderOptionsSchema.shape,
  /** The reminder's message; a campaign running a stored flow has its prompts in the flow. */
  audioFileUri: reminderOptionsSchema.shape.audioFileUri.optional(),
  /** A stored flow to run instead of the reminder; each row's columns fill its `{{variables}}`. */
  flow: flowOptionsSchema.shape.flow.optional(),
  flowVersion: flowOptionsSchema.shape.flowVersion,
  callsPerSecond: z.number().positive().max(1000).default(1),
  maxConcurrentCalls: z.number().int().min(1).max(10_000).default(10),
  retry: z
    .strictObject({
      attempts: z.number().int().min(1).max(10).default(1),
      delaySeconds: z.number().min(0).max(7 * 86_400).default(300),
      on: z.array(z.enum(OUTCOMES)).max(OUTCOMES.length).default(['not-answered', 'failed']),
    })
    .default({ attempts: 1, delaySeconds: 300, on: ['not-answered', 'failed'] }),
  window: z
    .strictObject({
      start: hhmm,
      end: hhmm,
      timeZone: z.string().max(64).refine(isValidTimeZone, 'must be an IANA time zone like Europe/Paris'),
      days: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    })
    .refine((w) => w.start !== w.end, { message: 'start and end must differ', path: ['end'] })
    .optional(),
  targets: z.array(targetSchema).min(1).max(MAX_TARGETS).optional(),
  targetsCsv: z.string().max(50 * 1024 * 1024).optional(),
}).superRefine((input, ctx) => {
  const runsFlow = input.flow !== undefined && input.flow !== 'reminder';
  if (!runsFlow && input.audioFileUri === undefined) ctx.addIssue({ code: 'custom', path: ['audioFileUri'], message: 'is required (or name a stored flow in `flow`)' });
  if (!runsFlow) return;
  for (const field of ['audioFileUri', 'keyMap', 'waitSeconds', 'inviteRetries'] as const) {
    if (input[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: `is a reminder setting; flow "${input.flow}" has its own prompts and keys` });
  }
});

export type CampaignInput = z.infer<typeof campaignSchema>;

const KNOWN_COLUMNS = ['to', ...Object.keys(ROW_OVERRIDES)];
const DELIMITERS = [',', ';', '\t'] as const;

interface CsvRow {
  /** What the report calls this row: the n-th data row, header not counted. */
  row: number;
  /** Where it starts in the file, for people opening it in an editor (quoted cells may span lines). */
  line: number;
  cells: Record<string, string>;
}

const csvError = (message: string, extra: Record<string, unknown> = {}) =>
  new ValidationError(`targetsCsv: ${message}`, [{ field: 'targetsCsv', message, ...extra }]);

/** Spreadsheets in many locales export `;` (or tab) separated "CSV": take the delimiter the header line uses. */
function detectDelimiter(headerLine: string): string {
  const count = (d: string) => headerLine.split(d).length - 1;
  return DELIMITERS.reduce((best, d) => (count(d) > count(best) ? d : best), ',' as string);
}

/** Known column names are matched whatever their case (`To`, `AudioFileUri`); others are kept as written. */
function canonicalColumns(header: string[]): string[] {
  return header.map((name) => KNOWN_COLUMNS.find((known) => known.toLowerCase() === name.toLowerCase()) ?? name);
}

function csvRows(csv: string): CsvRow[] {
  const text = csv.replace(/^\uFEFF/, '');
  const headerLine = text.split(/\r?\n/, 1)[0] ?? '';
  const delimiter = detectDelimiter(headerLine);
  let records: Array<{ record: Record<string, string>; info: { lines: number } }>;
  let header: string[] = [];
  try {
    records = parse(text, {
      columns: (h: string[]) => (header = canonicalColumns(h.map((c) => c.trim()))),
      delimiter,
      info: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
    }) as typeof records;
  } catch (err) {
    throw csvError((err as Error).message);
  }
  if (header.length > 0 && !header.includes('to')) {
    const shown = header.map((h) => h || '(empty)').join(', ');
    throw csvError(`no \`to\` column (found: ${shown}); the first line must name the columns, one of them \`to\``, { found: header });
  }
  return records.map((r, i) => ({ row: i + 1, line: r.info.lines, cells: r.record }));
}

/**
 * The campaign's targets, from a JSON array or a CSV with a `to` column: each
 * `to` must be a raw id, a number may appear once, and the other columns are
 * kept per row. Errors name the row as the report numbers it (data rows,
 * from 1) and, for a CSV, the line of the file it starts on.
 */
export function campaignTargets(input: CampaignInput): NewTarget[] {
  if ((input.targets === undefined) === (input.targetsCsv === undefined)) {
    throw new ValidationError('body: give exactly one of targets (array) or targetsCsv (CSV text)', [
      { field: 'body.targets', message: 'give exactly one of targets or targetsCsv' },
    ]);
  }
  const fromCsv = input.targetsCsv !== undefined;
  const rows: CsvRow[] = fromCsv ? csvRows(input.targetsCsv!) : input.targets!.map((cells, i) => ({ row: i + 1, line: 0, cells }));
  if (rows.length === 0) throw csvError('has no rows below its header');
  if (rows.length > MAX_TARGETS) throw new ValidationError(`targets: at most ${MAX_TARGETS} targets`, [{ field: 'targets', message: 'too many' }]);
  const where = (r: CsvRow) => (fromCsv ? `targetsCsv row ${r.row} (line ${r.line})` : `targets[${r.row - 1}]`);
  const fail = (r: CsvRow, column: string | undefined, message: string) => {
    const field = column ? `${where(r)}.${column}` : where(r);
    return new ValidationError(`${field}: ${message}`, [{ field, message, row: r.row, ...(fromCsv ? { line: r.line } : {}) }]);
  };
  const seen = new Map<string, CsvRow>();
  return rows.map((r) => {
    // An empty CSV cell means "not given", so the campaign's own setting applies.
    const { to, ...fields } = Object.fromEntries(Object.entries(r.cells).filter(([, v]) => v !== '')) as Record<string, string>;
    if (!to) throw fail(r, 'to', 'is required');
    if (Object.keys(fields).length > MAX_FIELDS) throw fail(r, undefined, `at most ${MAX_FIELDS} columns besides to`);
    let rawId: string;
    try {
      rawId = parseRawId(to).rawId;
    } catch (err) {
      throw fail(r, 'to', (err as IdentifierError).message);
    }
    const first = seen.get(rawId);
    if (first !== undefined) throw fail(r, 'to', `${to} is already ${where(first)}`);
    seen.set(rawId, r);
    for (const [key, check] of Object.entries(ROW_OVERRIDES)) {
      if (fields[key] === undefined) continue;
      const result = check.safeParse(fields[key]);
      if (!result.success) throw fail(r, key, result.error.issues[0].message);
      fields[key] = result.data;
    }
    return { rowNo: r.row, target: rawId, fields };
  });
}

/** The query parameter a text/csv upload uses for a field of the campaign's JSON shape. */
const QUERY_NAMES: Record<string, string> = {
  'retry.attempts': 'retryAttempts',
  'retry.delaySeconds': 'retryDelaySeconds',
  'retry.on': 'retryOn',
  'window.start': 'windowStart',
  'window.end': 'windowEnd',
  'window.timeZone': 'windowTimeZone',
  'window.days': 'windowDays',
};

/** Names a field as a text/csv upload sent it: `query.retryAttempts`, or `body` for the CSV itself. */
export function csvUploadFieldName(path: PropertyKey[]): string {
  const [first, second] = path.map(String);
  if (first === 'targetsCsv') return 'body';
  if (first === 'keyMap') return 'query.keyMap';
  return `query.${QUERY_NAMES[`${first}.${second}`] ?? first}`;
}

/** `text/csv` uploads carry the settings in the query string; this folds them into the JSON shape. */
export function campaignFromQuery(query: Record<string, unknown>, csv: string): unknown {
  const q = (k: string) => (typeof query[k] === 'string' ? (query[k] as string) : undefined);
  const num = (k: string) => (q(k) === undefined ? undefined : Number(q(k)));
  const list = (k: string) => q(k)?.split(',').map((s) => s.trim()).filter(Boolean);
  const retry = { attempts: num('retryAttempts'), delaySeconds: num('retryDelaySeconds'), on: list('retryOn') };
  const window = { start: q('windowStart'), end: q('windowEnd'), timeZone: q('windowTimeZone'), days: list('windowDays')?.map(Number) };
  const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  const keyMap = q('keyMap');
  return defined({
    name: q('name'),
    audioFileUri: q('audioFileUri'),
    flow: q('flow'),
    flowVersion: num('flowVersion'),
    operationContext: q('operationContext'),
    subject: q('subject'),
    keyMap: keyMap === undefined ? undefined : Object.fromEntries(keyMap.split(',').map((pair) => pair.split(':').map((s) => s.trim()))),
    waitSeconds: num('waitSeconds'),
    inviteRetries: num('inviteRetries'),
    webhookUrl: q('webhookUrl'),
    webhookEvents: list('webhookEvents'),
    callsPerSecond: num('callsPerSecond'),
    maxConcurrentCalls: num('maxConcurrentCalls'),
    retry: Object.values(defined(retry)).length ? defined(retry) : undefined,
    window: Object.values(defined(window)).length ? defined(window) : undefined,
    targetsCsv: csv,
  });
}
