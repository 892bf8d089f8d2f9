import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { ValidationError } from '../errors';
import { IdentifierError, parseRawId } from '../identifiers';
import type { NewTarget } from '../store/campaigns';
import { isValidTimeZone } from './calling-window';
import { OUTCOMES } from './outcomes';
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
});

export type CampaignInput = z.infer<typeof campaignSchema>;

function csvRows(csv: string): Array<Record<string, string>> {
  try {
    return parse(csv, { columns: true, skip_empty_lines: true, trim: true, bom: true, relax_column_count: false }) as Array<Record<string, string>>;
  } catch (err) {
    throw new ValidationError(`targetsCsv: ${(err as Error).message}`, [{ field: 'targetsCsv', message: (err as Error).message }]);
  }
}

/**
 * The campaign's targets, from a JSON array or a CSV with a `to` column: each
 * `to` must be a raw id, a number may appear once, and the other columns are
 * kept per row. Errors name the row as the caller sent it.
 */
export function campaignTargets(input: CampaignInput): NewTarget[] {
  if ((input.targets === undefined) === (input.targetsCsv === undefined)) {
    throw new ValidationError('body: give exactly one of targets (array) or targetsCsv (CSV text)', [
      { field: 'body.targets', message: 'give exactly one of targets or targetsCsv' },
    ]);
  }
  const fromCsv = input.targetsCsv !== undefined;
  const rows = fromCsv ? csvRows(input.targetsCsv!) : input.targets!;
  if (rows.length === 0) throw new ValidationError('targetsCsv: has no rows', [{ field: 'targetsCsv', message: 'has no rows' }]);
  if (rows.length > MAX_TARGETS) throw new ValidationError(`targets: at most ${MAX_TARGETS} targets`, [{ field: 'targets', message: 'too many' }]);
  const where = (i: number) => (fromCsv ? `targetsCsv row ${i + 2}` : `targets[${i}]`);
  const seen = new Map<string, number>();
  return rows.map((row, i) => {
    // An empty CSV cell means "not given", so the campaign's own setting applies.
    const { to, ...fields } = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== '')) as Record<string, string>;
    if (!to) throw new ValidationError(`${where(i)}.to: is required`, [{ field: `${where(i)}.to`, message: 'is required' }]);
    if (Object.keys(fields).length > MAX_FIELDS) throw new ValidationError(`${where(i)}: at most ${MAX_FIELDS} columns besides to`);
    let rawId: string;
    try {
      rawId = parseRawId(to).rawId;
    } catch (err) {
      throw new ValidationError(`${where(i)}.to: ${(err as IdentifierError).message}`, [{ field: `${where(i)}.to`, message: (err as Error).message }]);
    }
    const first = seen.get(rawId);
    if (first !== undefined) {
      throw new ValidationError(`${where(i)}.to: ${to} is already ${where(first)}`, [{ field: `${where(i)}.to`, message: 'duplicate target' }]);
    }
    seen.set(rawId, i);
    for (const [key, check] of Object.entries(ROW_OVERRIDES)) {
      if (fields[key] === undefined) continue;
      const result = check.safeParse(fields[key]);
      if (!result.success) {
        const message = result.error.issues[0].message;
        throw new ValidationError(`${where(i)}.${key}: ${message}`, [{ field: `${where(i)}.${key}`, message }]);
      }
      fields[key] = result.data;
    }
    return { rowNo: i + 1, target: rawId, fields };
  });
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
